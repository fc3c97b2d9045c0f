/** What a command-line tool says when it cannot start; printed as one line, exit code 1. */
export class UsageError extends Error {}

/** Where a command writes: the console for the real tools, an array in tests. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export const CONSOLE_OUTPUT: CommandOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Runs a command and resolves to its exit code. A usage error is printed as one line;
 * anything else as one line naming the failure, never with a stack.
 */
export async function runCommand(
  name: string,
  output: CommandOutput,
  command: () => Promise<number>,
): Promise<number> {
  try {
    return await command();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output.err(error instanceof UsageError ? message : `${name} failed: ${message}`);
    return 1;
  }
}

export type Command = (
  args: string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
) => Promise<number>;

const HELP_FLAGS = new Set(['--help', '-h']);

/** Whether the arguments ask for help: the tool then prints it, does nothing else, exits 0. */
export function asksForHelp(args: readonly string[]): boolean {
  return args.some((arg) => HELP_FLAGS.has(arg));
}

/**
 * The entry point of a command-line tool: prints `help` for --help, else runs the command
 * on the process's arguments and environment and exits with its code once it is done.
 */
export function runCli(help: string, command: Command): void {
  const args = process.argv.slice(2);
  if (asksForHelp(args)) {
    CONSOLE_OUTPUT.out(help);
    return;
  }
  void command(args, process.env, CONSOLE_OUTPUT).then((code) => {
    process.exitCode = code;
  });
}
