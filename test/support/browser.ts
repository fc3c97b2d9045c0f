import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sparticuz from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

const PACKAGE = 'node_modules/@sparticuz/chromium';
const { version } = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
  version: string;
};
const UNPACKED = resolve('node_modules/.cache', `sparticuz-chromium-${version}`);

// @sparticuz/chromium unpacks its browser into os.tmpdir() and reuses whatever already sits
// at <tmpdir>/chromium. In a shared /tmp that file may belong to another user (written with
// mode 0700: root's copy fails for everyone else) or be planted by one. So it unpacks in a
// child process whose TMPDIR is a folder of this clone, named by the package version, and
// the folder is renamed into place only once complete: an interrupted unpack is never reused.
async function unpackedChromium(): Promise<string> {
  const executable = join(UNPACKED, 'chromium');
  if (existsSync(executable)) return executable;

  const partial = `${UNPACKED}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(partial), { recursive: true });
  mkdirSync(partial, { mode: 0o700 });
  await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { default: c } = await import('@sparticuz/chromium'); await c.executablePath();`,
    ],
    { env: { ...process.env, TMPDIR: partial } },
  );
  try {
    renameSync(partial, UNPACKED);
  } catch (error) {
    // Another test process finished first: its copy is as good as this one.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(executable)) throw error;
  }
  return executable;
}

// The package's flags are tuned for a one-page serverless run: with --single-process a second
// browser context (the PATCH test's own) takes the whole browser down.
const LAUNCH_ARGS = sparticuz.args.filter((flag) => flag !== '--single-process');

/** Headless Chromium from the @sparticuz/chromium npm package: nothing to install by apt. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: await unpackedChromium(),
    args: LAUNCH_ARGS,
    headless: true,
  });
}
