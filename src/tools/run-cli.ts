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

/** The entry point of a command-line tool: exits with the command's code once it is done. */
export function exitWith(code: Promise<number>): void {
  void code.then((value) => {
    process.exitCode = value;
  });
}
