import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The same module runs from src/ (tests) and dist/src/ (builds), so walk up to the
// nearest package.json instead of assuming a depth.
function readPackageVersion(): string {
  for (let directory = dirname(fileURLToPath(import.meta.url)); ; directory = dirname(directory)) {
    const candidate = join(directory, 'package.json');
    if (existsSync(candidate))
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    if (dirname(directory) === directory) throw new Error('package.json not found');
  }
}

export const SERVICE_VERSION = readPackageVersion();
