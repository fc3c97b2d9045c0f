// Writes a CycloneDX SBOM of the production dependencies and fails on one without a license:
//   node .ci/sbom.mjs <output.json>
// `npm sbom --omit dev` drops a production package that a dev dependency also reaches
// (npm/cli#7909: pg, express and @nestjs/common went missing here), so it runs on a copy of
// package.json without devDependencies, with the lock file pruned to match. It also reads
// only the `license` field: a package declaring the older `licenses: [{ type }]` array
// (busboy, streamsearch) gets that license from its installed package.json.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// "UNLICENSED" grants no license at all; NOASSERTION says nobody looked.
const NOT_A_LICENSE = new Set(['', 'UNLICENSED', 'NOASSERTION']);

function names(choice) {
  return [choice.expression, choice.license?.id, choice.license?.name]
    .map((value) => (typeof value === 'string' ? value.trim() : ''))
    .filter((value) => !NOT_A_LICENSE.has(value.toUpperCase()));
}

/** The components of a CycloneDX document that name no license, as `name@version`. */
export function componentsWithoutLicense(bom) {
  return (bom.components ?? [])
    .filter((component) => !(component.licenses ?? []).some((choice) => names(choice).length > 0))
    .map(
      (component) =>
        `${component.group ? `${component.group}/` : ''}${component.name}@${component.version}`,
    );
}

/** Fills in the licenses npm did not read, from the installed packages' legacy field. */
export function withLegacyLicenses(bom, projectDir) {
  const lock = JSON.parse(readFileSync(join(projectDir, 'package-lock.json'), 'utf8'));
  const installed = new Map(
    Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .map(([path, entry]) => [
        `${path.slice(path.lastIndexOf('node_modules/') + 13)}@${entry.version}`,
        path,
      ]),
  );
  for (const component of bom.components ?? []) {
    if ((component.licenses ?? []).length > 0) continue;
    const path = installed.get(component['bom-ref']);
    if (path === undefined) continue;
    const { licenses } = JSON.parse(readFileSync(join(projectDir, path, 'package.json'), 'utf8'));
    const declared = (Array.isArray(licenses) ? licenses : [])
      .map((license) => license?.type)
      .filter((type) => typeof type === 'string' && type.trim() !== '');
    if (declared.length > 0) component.licenses = declared.map((name) => ({ license: { name } }));
  }
  return bom;
}

/** `npm sbom` of the production dependency tree of the project in `projectDir`. */
export function productionSbom(projectDir) {
  const work = mkdtempSync(join(tmpdir(), 'hc-sbom-'));
  try {
    const packageJson = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8'));
    delete packageJson.devDependencies;
    // npm names the SBOM's subject after its folder.
    const copy = join(work, packageJson.name);
    mkdirSync(copy);
    writeFileSync(join(copy, 'package.json'), JSON.stringify(packageJson, null, 2));
    copyFileSync(join(projectDir, 'package-lock.json'), join(copy, 'package-lock.json'));
    const npm = { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
    execFileSync(
      'npm',
      ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'],
      npm,
    );
    const bom = JSON.parse(
      execFileSync(
        'npm',
        ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev', '--package-lock-only'],
        { ...npm, maxBuffer: 64 * 1024 * 1024 },
      ),
    );
    return withLegacyLicenses(bom, projectDir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const output = process.argv[2];
  if (output === undefined) throw new Error('usage: node .ci/sbom.mjs <output.json>');
  const bom = productionSbom(process.cwd());
  writeFileSync(output, `${JSON.stringify(bom, null, 2)}\n`);
  const unlicensed = componentsWithoutLicense(bom);
  console.log(`${output}: ${bom.components.length} production components`);
  if (unlicensed.length > 0) {
    console.log(`without a license: ${unlicensed.join(', ')}`);
    process.exit(1);
  }
}
