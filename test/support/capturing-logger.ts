import type { LoggerService } from '@nestjs/common';
import { inspect } from 'node:util';

export interface LogLine {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  text: string;
}

const render = (value: unknown): string =>
  typeof value === 'string' ? value : inspect(value, { depth: 5 });

/** Keeps every line the application logs, at every level, for tests to search. */
export class CapturingLogger implements LoggerService {
  readonly lines: LogLine[] = [];

  log(message: unknown, ...params: unknown[]): void {
    this.keep('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.keep('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.keep('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.keep('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.keep('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.keep('fatal', message, params);
  }

  linesAt(...levels: LogLine['level'][]): LogLine[] {
    return this.lines.filter((line) => levels.includes(line.level));
  }

  private keep(level: LogLine['level'], message: unknown, params: unknown[]): void {
    this.lines.push({ level, text: [message, ...params].map(render).join(' ') });
  }
}
