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
 * through it, as one JSON object per line on stdout (or `destination`, in tests), or in the
 * pretty format as one readable line per record.
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

// Shown in the message of a request line instead: the ids stay as fields, to grep for.
const REQUEST_SUMMARY_FIELDS = [
  'method',
  'route',
  'path',
  'status',
  'durationMs',
  'requesterOrganizationId',
  'targetOrganizationId',
];

/** `GET /host-connections 200 3 ms` for a request line, `[Context] message` otherwise. */
function prettyMessage(record: Record<string, unknown>, messageKey: string): string {
  const text = record[messageKey];
  const message = typeof text === 'string' ? text : '';
  const { method, path, status, durationMs, context } = record;
  if (typeof method === 'string' && typeof status === 'number') {
    const aborted = message === 'request aborted' ? ' (aborted)' : '';
    return `${method} ${String(path)} ${status} ${String(durationMs)} ms${aborted}`;
  }
  return typeof context === 'string' ? `[${context}] ${message}` : message;
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
      // One line per record: the message, then the fields left as compact JSON.
      singleLine: true,
      ignore: ['pid', 'hostname', 'context', ...REQUEST_SUMMARY_FIELDS].join(','),
      messageFormat: prettyMessage,
    });
  } catch {
    throw new Error(
      'LOG_FORMAT=pretty needs the pino-pretty devDependency (npm ci without --omit=dev)',
    );
  }
}
