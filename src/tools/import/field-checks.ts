import { normalizeUuid } from '../../common/validation/uuid.js';
import { describeValue, type FieldValue } from './raw-record.js';
import { checkTimestamp } from './rfc3339.js';

/** Why a field's value is refused; the field name is prefixed by the caller. */
export class Problem {
  constructor(readonly reason: string) {}
}

export type FieldCheck<T> = (value: FieldValue) => T | Problem;

const MAX_QUOTED = 60;
const MAX_NAME_LENGTH = 255;
// RFC 5321: 64 characters before the @, 254 in all.
const MAX_EMAIL_LENGTH = 254;
// A pragmatic shape (local@domain.tld, no spaces or control characters), not RFC 5322:
// validator's isEmail costs about 10 µs a call, 10 s for a million connections.
const EMAIL = /^[^\s@\p{Cc}]{1,64}@[^\s@.\p{Cc}]+(?:\.[^\s@.\p{Cc}]+)+$/u;
// PostgreSQL text cannot hold NUL, and a lone surrogate would be stored as U+FFFD.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** A short, printable excerpt of a refused value, so a report line stays one line. */
export function quote(text: string): string {
  const json = JSON.stringify(text);
  return json.length <= MAX_QUOTED ? json : `${json.slice(0, MAX_QUOTED - 4)}..."`;
}

function notA(expected: string, value: FieldValue): Problem {
  return new Problem(`must be ${expected}, got ${describeValue(value)}`);
}

export const uuid: FieldCheck<string> = (value) => {
  if (typeof value !== 'string') return notA('a UUID string', value);
  return normalizeUuid(value) ?? new Problem(`must be a UUID, got ${quote(value)}`);
};

export const name: FieldCheck<string> = (value) => {
  if (typeof value !== 'string') return notA('a string', value);
  if (value.trim() === '') return new Problem('must not be empty');
  if (value.length > MAX_NAME_LENGTH && [...value].length > MAX_NAME_LENGTH) {
    return new Problem(`must be at most ${MAX_NAME_LENGTH} characters long`);
  }
  if (unstorable(value)) {
    return new Problem('must not contain NUL characters or unpaired surrogates');
  }
  return value;
};

export const email: FieldCheck<string> = (value) => {
  if (typeof value !== 'string') return notA('an email address string', value);
  if (value.length > MAX_EMAIL_LENGTH || !EMAIL.test(value) || unstorable(value)) {
    return new Problem('must be an email address such as ops@acme.example');
  }
  return value;
};

export const bool: FieldCheck<boolean> = (value) =>
  typeof value === 'boolean' ? value : notA('true or false', value);

export function oneOf<T extends string>(allowed: readonly T[]): FieldCheck<T> {
  const list = allowed.map((item) => `'${item}'`).join(' or ');
  return (value) => {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
      return value as T;
    }
    return new Problem(
      `must be ${list}, got ${typeof value === 'string' ? quote(value) : describeValue(value)}`,
    );
  };
}

export const timestamp: FieldCheck<string> = (value) => {
  if (typeof value !== 'string') return notA('an RFC 3339 timestamp string', value);
  const checked = checkTimestamp(value);
  return checked.ok ? checked.value : new Problem(`${checked.reason}, got ${quote(value)}`);
};

/** Lets a field be null; the check itself then never sees null. */
export function nullable<T>(check: FieldCheck<T>): FieldCheck<T | null> {
  return (value) => (value === null ? null : check(value));
}
