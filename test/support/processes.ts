import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** A port nothing listens on right now (the OS picks it). */
export async function unusedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output contains `text`; rejects if the process ends first. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `node <args>` and records its stdout and stderr together. */
export function runNode(args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (expected, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (text.includes(expected)) done();
        };
        const timer = setTimeout(
          () => done(new Error(`no "${expected}" within ${timeoutMs} ms; output:\n${text}`)),
          timeoutMs,
        );
        listeners.add(check);
        void exited.then(({ code, signal }) =>
          done(new Error(`exited (${code ?? signal}) before "${expected}"; output:\n${text}`)),
        );
        check();
      }),
  };
}
