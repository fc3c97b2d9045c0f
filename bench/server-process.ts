import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ServerProcess {
  name: string;
  baseUrl: string;
  /** CPU time (user + system) the process has used so far, in milliseconds. */
  cpuMilliseconds(): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}

async function waitUntilListening(child: ChildProcess, url: string, name: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      // Any HTTP answer (401 without a token) means the server is up.
      await fetch(url);
      return;
    } catch {
      await sleep(200);
    }
  }
  throw new Error(`${name} did not start listening within 60 s`);
}

// /proc/<pid>/stat counts in clock ticks, 100 per second on Linux.
const TICKS_PER_SECOND = 100;

// CPU time per request is the framework's cost, and stays meaningful on a busy machine
// where requests per second mostly measure the neighbours.
async function cpuMillisecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** Node's flags in `npm run start:prod`, which is the image's CMD. */
export const PRODUCTION_NODE_FLAGS = (
  JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
).scripts['start:prod']
  .split(' ')
  .filter((argument) => argument.startsWith('--'));

/**
 * Starts `node <args>` with `env` added to this process's environment, on a free port of
 * the loopback interface, with the `node` binary, and waits until it answers HTTP. Every server, the baseline
 * too, runs with the production Node flags unless told otherwise, as the service does in
 * its image.
 */
export async function startServer(
  name: string,
  nodeArgs: string[],
  env: Record<string, string>,
  nodeFlags: readonly string[] = PRODUCTION_NODE_FLAGS,
  node: string = process.execPath,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(node, [...nodeFlags, ...nodeArgs], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    // Request logs would flood the terminal; failures show in the load results and on stderr.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilListening(child, `${baseUrl}/host-connections`, name);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${name} has no process id`);
  return {
    name,
    baseUrl,
    cpuMilliseconds: () => cpuMillisecondsOf(pid),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}
