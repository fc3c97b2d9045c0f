import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

export interface BuiltApp {
  mainPath: string;
  remove(): Promise<void>;
}

/**
 * Compiles the application as `npm run build` does, into a folder of its own, so tests
 * can run the real dist/src/main.js as a child process without touching the working
 * copy's dist/.
 */
export async function buildApp(): Promise<BuiltApp> {
  const root = await mkdtemp(join(tmpdir(), 'hc-built-'));
  await promisify(execFile)(
    process.execPath,
    [
      join(REPOSITORY, 'node_modules/typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(root, 'dist'),
      '--tsBuildInfoFile',
      join(root, 'tsbuildinfo'),
    ],
    { cwd: REPOSITORY },
  );
  await copyFile(join(REPOSITORY, 'package.json'), join(root, 'package.json'));
  await symlink(join(REPOSITORY, 'node_modules'), join(root, 'node_modules'), 'dir');
  return {
    mainPath: join(root, 'dist/src/main.js'),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

export type LogLine = Record<string, unknown>;

/** The built service running as a child process, with its JSON log lines. */
export class ChildApp {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly process: ChildProcess;
  private readonly waiters: Array<{
    match: (line: LogLine) => boolean;
    resolve: (line: LogLine) => void;
  }> = [];

  /** `entry` is relative to dist/src: main.js unless told otherwise (what `npm start` runs). */
  constructor(built: BuiltApp, env: Record<string, string>, entry = 'main.js') {
    // Only what the test gives: nothing leaks in from the environment running the tests.
    this.process = spawn(process.execPath, [join(dirname(built.mainPath), entry)], {
      // A free metrics port unless the test names one: test files run side by side.
      env: { PATH: process.env.PATH ?? '', METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    createInterface({ input: this.process.stdout! }).on('line', (text) => this.receive(text));
  }

  /** Resolves with the port once the service listens (PORT=0 picks a free one). */
  async port(): Promise<number> {
    const line = await this.logLine((entry) => String(entry.msg).startsWith('Listening on '));
    return Number(new URL(String(line.msg).slice('Listening on '.length)).port);
  }

  logLine(match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.logs.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  private receive(text: string): void {
    const line = parseLine(text);
    this.logs.push(line);
    for (const waiter of this.waiters.filter((candidate) => candidate.match(line))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }
}

function parseLine(text: string): LogLine {
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return { unparsed: text };
  }
}
