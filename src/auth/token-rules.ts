import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { InvalidTokenError } from '../common/errors/api-error.js';
import type { TimeClaims } from './verified-token-cache.js';

// The contract's rules jose does not apply itself ("Edge cases, decided"), each checked
// where the verifier can afford it: the spelling before any cryptography, the type and the
// time claims after the signature.

export const CLOCK_TOLERANCE_SECONDS = 30;

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL = /^[A-Za-z0-9_-]*$/;

// A decoder ignores '=' and the unused low bits of the last character, so one token has
// many spellings; only the canonical one is accepted, so a token string (the cache key, a
// revocation list's or a gateway's) identifies one token.
function isCanonicalBase64url(segment: string): boolean {
  const tail = segment.length % 4;
  if (tail === 1 || !BASE64URL.test(segment)) return false;
  if (tail === 0) return true;
  const unusedBits = tail === 2 ? 0b1111 : 0b11;
  return (BASE64URL_ALPHABET.indexOf(segment[segment.length - 1]) & unusedBits) === 0;
}

/** Three canonical base64url segments, and no extension this service cannot honour. */
export function checkTokenForm(token: string): void {
  const segments = token.split('.');
  if (segments.length !== 3 || !segments.every(isCanonicalBase64url))
    throw new InvalidTokenError('The token is malformed', 'malformed_token');
  if (criticalHeaderOf(segments[0]) !== undefined) {
    // RFC 7515 §4.1.11: a critical extension the verifier does not implement makes the
    // token invalid. This service implements none, so any `crit` is refused.
    throw new InvalidTokenError(
      'The token requires an extension that is not supported (crit)',
      'unsupported_critical_header',
    );
  }
}

function criticalHeaderOf(segment: string): unknown {
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && 'crit' in header
      ? header.crit
      : undefined;
  } catch {
    // Not JSON: jose reports the malformed header in its own words.
    return undefined;
  }
}

const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt']);
const GENERIC_TYPES = new Set(['jwt', 'application/jwt']);

/** RFC 9068 §4: an access token says so; `JWT` or none only where the setting allows it. */
export function checkTokenType(header: JWTHeaderParameters, allowGeneric: boolean): void {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : header.typ;
  if (typeof typ === 'string' && ACCESS_TOKEN_TYPES.has(typ)) return;
  if (allowGeneric && (typ === undefined || (typeof typ === 'string' && GENERIC_TYPES.has(typ))))
    return;
  throw new InvalidTokenError('The token is not an access token (typ)', 'invalid_token_type');
}

// jose has checked that `exp` is present and that each present time claim is a number.
export function timeClaimsOf(payload: JWTPayload): TimeClaims {
  return { exp: payload.exp ?? Number.NaN, nbf: payload.nbf, iat: payload.iat };
}

/** Applied at every use of a token, cached or not: the only checks that change with time. */
export function checkTimeClaims(times: TimeClaims): void {
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = times[claim];
    // JSON turns 1e400 into Infinity: a token that would never expire.
    if (value !== undefined && !Number.isFinite(value))
      throw new InvalidTokenError(`The token's ${claim} claim is invalid`, 'invalid_claim');
  }
  const now = Math.floor(Date.now() / 1000);
  if (times.exp <= now - CLOCK_TOLERANCE_SECONDS)
    throw new InvalidTokenError('The token has expired', 'token_expired');
  for (const claim of ['nbf', 'iat'] as const) {
    const value = times[claim];
    if (value !== undefined && value > now + CLOCK_TOLERANCE_SECONDS)
      throw new InvalidTokenError('The token is not valid yet', 'token_not_yet_valid');
  }
}
