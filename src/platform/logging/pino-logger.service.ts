import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const STACK_FRAME = /\n\s+at /;
// Nest's start-up report, a line per module and per route: worth reading when the wiring
// is in question, noise otherwise (in the demo it pushed the banner off the screen).
const BOOTSTRAP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * Nest's LoggerService over pino, so the framework's messages share the JSON format and the
 * level of the request lines. Stack traces are written only at debug
 * level: a production log line never carries one. Nest's start-up report is debug too.
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    this.write(
      typeof context === 'string' && BOOTSTRAP_CONTEXTS.has(context) ? 'debug' : 'info',
      message,
      params,
    );
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    // Nest passes the context last, and for errors a stack before it.
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const stack =
      message instanceof Error
        ? message.stack
        : rest.find(
            (param): param is string => typeof param === 'string' && STACK_FRAME.test(param),
          );
    const fields = {
      context,
      ...(stack !== undefined && this.logger.isLevelEnabled('debug') && { stack }),
    };
    if (message instanceof Error) {
      this.logger[level]({ ...fields, error: message.name }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
