import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');
const LOCK_TIMEOUT_MS = 180_000;

// Test files run in parallel; two compilers writing dist/ at once could hand a spawned
// process a half-written file. mkdir is atomic, so it serves as a cross-process lock.
const LOCK = join(
  tmpdir(),
  `host-connections-build-${createHash('sha1').update(PROJECT_ROOT).digest('hex').slice(0, 12)}.lock`,
);

async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`build lock ${LOCK} held too long; remove it`);
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(LOCK);
  }
}

/**
 * Compiles the project into dist/ (incrementally: fast when nothing changed), for tests
 * that run the real command-line entry points as separate processes.
 */
export async function ensureBuilt(): Promise<void> {
  await withBuildLock(() =>
    promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.build.json'], {
      cwd: PROJECT_ROOT,
    }),
  );
}

/** The compiled file of a source path such as `src/tools/import/import.cli.ts`. */
export function builtFile(source: string): string {
  return join(PROJECT_ROOT, 'dist', source.replace(/\.ts$/, '.js'));
}
