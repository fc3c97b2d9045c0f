import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogFormat, LogLevel } from '../../config/env.schema.js';

export interface LoggingSettings {
  LOG_LEVEL: LogLevel;
  LOG_FORMAT: LogFormat;
}

// Nothing logs these today; the redaction guards against a future log call that does.
const REDACTED_PATHS = [
  'authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'token',
  '*.token',
  'password',
  '*.password',
];

/**
 * The one pino logger of the process: Nest's own messages and the request lines both go
 * through it, as one JSON object per line on stdout (or `destination`, in tests).
 */
export async function createRootLogger(
  settings: LoggingSettings,
  destination?: DestinationStream,
): Promise<Logger> {
  const options: LoggerOptions = {
    level: settings.LOG_LEVEL,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (settings.LOG_FORMAT === 'pretty') return pino(options, await prettyStream(destination));
  return destination === undefined ? pino(options) : pino(options, destination);
}

async function prettyStream(
  destination: DestinationStream | undefined,
): Promise<DestinationStream> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({
      destination: destination ?? 1,
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
  } catch {
    throw new Error(
      'LOG_FORMAT=pretty needs the pino-pretty devDependency (npm ci without --omit=dev)',
    );
  }
}
