import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables, validateEnvironment } from './env.schema.js';

// .env.example is documentation users copy: it must name every variable the service reads
// and hold values the service accepts.
const EXAMPLE = join(import.meta.dirname, '..', '..', '.env.example');

function readExample(): Record<string, string> {
  const entries = readFileSync(EXAMPLE, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const separator = line.indexOf('=');
      return [line.slice(0, separator), line.slice(separator + 1)] as const;
    });
  return Object.fromEntries(entries);
}

describe('.env.example', () => {
  it('should list every configuration variable', () => {
    const declared = getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((metadata) => metadata.propertyName);

    const missing = [...new Set(declared)].filter((name) => !(name in readExample()));

    expect(missing).toEqual([]);
  });

  it('should be a configuration the service accepts', () => {
    expect(() => validateEnvironment(readExample())).not.toThrow();
  });
});
