import type { Command } from '../../src/tools/run-cli.js';

export interface CommandRun {
  code: number;
  out: string[];
  err: string[];
}

/** Runs a command-line tool in this process and records what it printed. */
export async function runRecorded(
  command: Command,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(args, env, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}
