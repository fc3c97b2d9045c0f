import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTION_NODE_FLAGS } from '../../bench/server-process.js';
import { unusedPort } from '../support/processes.js';

export interface ServiceSample {
  rss: number;
  heapUsed: number;
  /** Since the last sample that asked for a reset, in milliseconds. */
  eventLoopDelay: { p50: number; p99: number; max: number };
}

export interface ServiceProcess {
  baseUrl: string;
  sample(options?: { reset?: boolean }): Promise<ServiceSample>;
  stop(): Promise<void>;
}

const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');
const PROBE = join(process.cwd(), 'scripts', 'soak-probe.mjs');
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * The built service (`npm run build`) as a process of its own, as it runs in production
 * (the Node flags of `npm run start:prod`), with scripts/soak-probe.mjs preloaded to report its memory and event-loop delay.
 */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const port = await unusedPort();
  const nodeArgs = [...PRODUCTION_NODE_FLAGS, '--expose-gc', '--import', PROBE, MAIN];
  const child = spawn(process.execPath, nodeArgs, {
    env: {
      PATH: process.env.PATH ?? '',
      METRICS_PORT: '0',
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilListening(child, baseUrl, () => output);
  return { baseUrl, sample: sampler(child), stop: () => stop(child) };
}

async function waitUntilListening(
  child: ChildProcess,
  baseUrl: string,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited: ${output()}`);
    try {
      await fetch(`${baseUrl}/host-connections`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not listen within ${START_TIMEOUT_MS} ms: ${output()}`);
}

function sampler(child: ChildProcess): ServiceProcess['sample'] {
  // One request at a time over the IPC channel, so every answer matches its question.
  let queue: Promise<unknown> = Promise.resolve();
  return (options = {}) => {
    const next = queue.then(
      () =>
        new Promise<ServiceSample>((resolve, reject) => {
          if (!child.connected) return reject(new Error('the service has exited'));
          child.once('message', (message) => resolve(message as ServiceSample));
          child.send({ type: 'sample', reset: options.reset ?? false });
        }),
    );
    queue = next;
    return next;
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
