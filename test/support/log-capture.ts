import type { DestinationStream } from 'pino';

export type LogRecord = Record<string, unknown>;

/** A pino destination that keeps every line, for tests that read the logs back. */
export class LogCapture implements DestinationStream {
  readonly lines: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line !== '') this.lines.push(line);
  }

  records(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }

  clear(): void {
    this.lines.length = 0;
  }
}
