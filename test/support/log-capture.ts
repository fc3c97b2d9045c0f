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

  /** Records at pino level `level` (40 warn, 50 error, 60 fatal) or above. */
  recordsAtLeast(level: number): LogRecord[] {
    return this.records().filter(
      (record) => typeof record.level === 'number' && record.level >= level,
    );
  }

  clear(): void {
    this.lines.length = 0;
  }
}
