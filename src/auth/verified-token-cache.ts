import type { Principal } from './principal.js';

/** The time claims of a verified token, re-checked at every use of a cached entry. */
export interface TimeClaims {
  exp: number;
  nbf?: number;
  iat?: number;
}

export interface VerifiedToken {
  principal: Principal;
  times: TimeClaims;
  /** For a key set that can change (JWKS): whether the key that verified it still signs. */
  keyStillCurrent?: () => Promise<boolean>;
}

interface Entry extends VerifiedToken {
  // Even a long-lived token is verified again after this; a key withdrawn from a JWKS
  // stops being honoured within the same bound as jose's own key cache.
  reverifyAt: number;
}

export interface VerifiedTokenCacheLimits {
  maxEntries: number;
  /** Total length of the cached token strings, the bulk of an entry's memory. */
  maxTokenChars: number;
  maxEntryAgeMs: number;
}

/**
 * Tokens whose signature and time-independent claims have been verified, keyed by the
 * whole token string (canonical base64url makes that string identify one token), least
 * recently used first. Only a token string the client presented can find its entry, so
 * nothing is shared between organizations beyond the token itself.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private tokenChars = 0;

  constructor(private readonly limits: VerifiedTokenCacheLimits) {}

  get(token: string, nowMs: number): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (entry.reverifyAt <= nowMs) {
      this.tokenChars -= token.length;
      return undefined;
    }
    // Re-inserted last: Map keeps insertion order, so the first key is the least recently used.
    this.entries.set(token, entry);
    return entry;
  }

  set(token: string, verified: VerifiedToken, nowMs: number): void {
    if (token.length > this.limits.maxTokenChars) return;
    this.delete(token);
    const reverifyAt = Math.min(nowMs + this.limits.maxEntryAgeMs, verified.times.exp * 1000);
    this.entries.set(token, { ...verified, reverifyAt });
    this.tokenChars += token.length;
    while (
      this.entries.size > this.limits.maxEntries ||
      this.tokenChars > this.limits.maxTokenChars
    ) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(token: string): void {
    if (this.entries.delete(token)) this.tokenChars -= token.length;
  }

  get size(): number {
    return this.entries.size;
  }
}
