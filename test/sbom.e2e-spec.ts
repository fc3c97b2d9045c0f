import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CycloneDxBom,
  componentsWithoutLicense,
  productionSbom,
  withLegacyLicenses,
} from '../.ci/sbom.mjs';

const fixture = (): CycloneDxBom =>
  JSON.parse(readFileSync('test/fixtures/cyclonedx-licenses.json', 'utf8')) as CycloneDxBom;

describe('CI SBOM (.ci/sbom.mjs)', () => {
  it('should name every component without a usable license, and only those', () => {
    expect(componentsWithoutLicense(fixture())).toEqual([
      '@scope/no-field@1.0.0',
      'empty-list@2.0.0',
      'blank@3.0.0',
      'proprietary@4.0.0',
      'unknown@5.0.0',
    ]);
  });

  it('should take a license npm did not read from the installed package.json legacy field', () => {
    const project = mkdtempSync(join(tmpdir(), 'hc-sbom-fixture-'));
    const installed = (name: string, manifest: object) => {
      mkdirSync(join(project, 'node_modules', name), { recursive: true });
      writeFileSync(join(project, 'node_modules', name, 'package.json'), JSON.stringify(manifest));
    };
    installed('empty-list', { licenses: [{ type: 'MIT', url: 'https://example.org/LICENSE' }] });
    installed('blank', { licenses: [{ url: 'https://example.org/LICENSE' }] });
    writeFileSync(
      join(project, 'package-lock.json'),
      JSON.stringify({
        packages: {
          '': {},
          'node_modules/empty-list': { version: '2.0.0' },
          'node_modules/blank': { version: '3.0.0' },
        },
      }),
    );

    try {
      const bom = withLegacyLicenses(fixture(), project);

      expect(bom.components?.find((c) => c.name === 'empty-list')?.licenses).toEqual([
        { license: { name: 'MIT' } },
      ]);
      expect(componentsWithoutLicense(bom)).toEqual([
        '@scope/no-field@1.0.0',
        'blank@3.0.0',
        'proprietary@4.0.0',
        'unknown@5.0.0',
      ]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('should list the production dependencies only, each with a license', () => {
    const bom = productionSbom(process.cwd());
    const names = new Set(bom.components?.map((component) => component.name));
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };

    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata?.component?.name).toBe('host-connections');
    // npm sbom --omit dev alone loses these: dev dependencies reach them too.
    expect(Object.keys(packageJson.dependencies).filter((name) => !names.has(name))).toEqual([]);
    expect(['busboy', 'pg-pool', 'express'].filter((name) => !names.has(name))).toEqual([]);
    expect(Object.keys(packageJson.devDependencies).filter((name) => names.has(name))).toEqual([]);
    expect(componentsWithoutLicense(bom)).toEqual([]);
  }, 60_000);
});
