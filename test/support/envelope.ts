import type { ErrorEnvelope } from '../../src/common/errors/api-error.js';

const LEAKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['a stack frame', /\bat .*[(/\\].*:\d+:\d+|node_modules/],
  // `host_connections:read` and `:write` are the API's scope names, not the table.
  [
    'SQL text',
    /\bSELECT\b[\s\S]*\bFROM\b|\bhost_connections\b(?!:(?:read|write)\b)|syntax error at or near/i,
  ],
  ['a driver or ORM error', /QueryFailedError|TypeORMError|DatabaseError|\bpg_/],
  ['a database URL', /postgres(ql)?:\/\//],
];

/** The reasons `text` would leak internals or any of `secrets`; empty when it is clean. */
export function leaksIn(text: string, secrets: Iterable<string>): string[] {
  const found = LEAKS.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
  for (const secret of secrets) if (text.includes(secret)) found.push('a secret or token');
  return found;
}

/**
 * Parses an error body and checks it is exactly the contract's envelope:
 * `{"detail": [{"loc", "msg", "type", "code"}, ...]}` with at least one entry.
 */
export function parseErrorEnvelope(contentType: string | undefined, body: string): ErrorEnvelope {
  if (!contentType?.startsWith('application/json'))
    throw new Error(`error answered as ${contentType ?? 'no content type'}: ${body}`);
  const parsed = JSON.parse(body) as unknown;
  const detail = (parsed as { detail?: unknown }).detail;
  const isEnvelope =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.keys(parsed).join() === 'detail' &&
    Array.isArray(detail) &&
    detail.length > 0 &&
    detail.every(isErrorDetail);
  if (!isEnvelope) throw new Error(`not the error envelope: ${body}`);
  return parsed as ErrorEnvelope;
}

function isErrorDetail(entry: unknown): boolean {
  if (typeof entry !== 'object' || entry === null) return false;
  const { loc, msg, type, code } = entry as Record<string, unknown>;
  return (
    Object.keys(entry).sort().join() === 'code,loc,msg,type' &&
    Array.isArray(loc) &&
    loc.every((part) => typeof part === 'string' || typeof part === 'number') &&
    typeof msg === 'string' &&
    msg !== '' &&
    typeof type === 'string' &&
    type !== '' &&
    typeof code === 'string' &&
    code !== ''
  );
}
