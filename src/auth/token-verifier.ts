import { Inject, Injectable, Logger } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { InvalidTokenError, ServiceUnavailableError } from '../common/errors/api-error.js';
import { normalizeUuid } from '../common/validation/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Principal } from './principal.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  checkTimeClaims,
  checkTokenForm,
  checkTokenType,
  timeClaimsOf,
} from './token-rules.js';
import { type VerifiedToken, VerifiedTokenCache } from './verified-token-cache.js';

// Far above any real access token, far below what would cost real work to reject.
const MAX_TOKEN_LENGTH = 8192;
const JWKS_TIMEOUT_MS = 5000;
// A client reuses its access token for many requests: verifying it once saves the
// asynchronous WebCrypto round trip on every later request. 10,000 tokens of at most
// 8 KiB, and 16 Mi characters in all, bound the memory; entries older than jose's JWKS
// cache age (10 minutes) are verified again, so a withdrawn key stops being honoured.
const CACHE_LIMITS = {
  maxEntries: 10_000,
  maxTokenChars: 16 * 1024 * 1024,
  maxEntryAgeMs: 600_000,
};
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

const logger = new Logger('TokenVerifier');

/** The identity provider's key set could not be used: our outage, not the client's fault. */
class KeySetUnavailableError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

type VerificationKey = Uint8Array | KeyObject | JWTVerifyGetKey;

interface KeySource {
  key: VerificationKey;
  algorithms: string[];
  /** Set for a key set that can change: whether `header` still resolves to `key`. */
  isCurrent?: (header: JWTHeaderParameters, key: unknown) => Promise<boolean>;
}

interface VerifiedJwt {
  payload: JWTPayload;
  protectedHeader: JWTHeaderParameters;
  key: unknown;
}

/** Verifies bearer tokens against the one key source the configuration names. */
@Injectable()
export class TokenVerifier {
  private readonly source: KeySource;
  private readonly options: JWTVerifyOptions;
  private readonly verified = new VerifiedTokenCache(CACHE_LIMITS);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.source = keySourceFor(config);
    this.options = {
      algorithms: this.source.algorithms,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    };
  }

  async verify(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_LENGTH)
      throw new InvalidTokenError('The token is too large', 'token_too_large');
    const cached = this.verified.get(token, Date.now());
    // Everything but time, and the key set's current content, was checked when the token
    // was first verified.
    if (cached !== undefined) {
      if ((await cached.keyStillCurrent?.()) !== false) {
        checkTimeClaims(cached.times);
        return cached.principal;
      }
      this.verified.delete(token);
    }
    checkTokenForm(token);
    const verified = await this.verifyUncached(token);
    this.verified.set(token, verified, Date.now());
    return verified.principal;
  }

  private async verifyUncached(token: string): Promise<VerifiedToken> {
    const { payload, protectedHeader, key } = await this.verifySignatureAndClaims(token);
    checkTokenType(protectedHeader, this.config.JWT_ALLOW_GENERIC_TYP);
    const organizationId = normalizeUuid(payload[this.config.JWT_ORG_CLAIM]);
    if (organizationId === undefined) {
      throw new InvalidTokenError(
        `The token's ${this.config.JWT_ORG_CLAIM} claim must be an organization UUID`,
        'invalid_organization_claim',
      );
    }
    const times = timeClaimsOf(payload);
    const isCurrent = this.source.isCurrent;
    checkTimeClaims(times);
    return {
      principal: {
        subject: typeof payload.sub === 'string' ? payload.sub : null,
        organizationId,
        scopes: scopesOf(payload),
      },
      times,
      keyStillCurrent: isCurrent && (() => isCurrent(protectedHeader, key)),
    };
  }

  private async verifySignatureAndClaims(token: string): Promise<VerifiedJwt> {
    try {
      // jose's overloads split on the key type; both branches run the same verification.
      if (typeof this.source.key === 'function') {
        const { payload, protectedHeader, key } = await jwtVerify(
          token,
          this.source.key,
          this.options,
        );
        return { payload, protectedHeader, key };
      }
      const { payload, protectedHeader } = await jwtVerify(token, this.source.key, this.options);
      return { payload, protectedHeader, key: this.source.key };
    } catch (error) {
      throw toTokenError(error);
    }
  }
}

function toTokenError(error: unknown): unknown {
  if (error instanceof KeySetUnavailableError) {
    logger.warn(`JWKS unavailable: ${error.message}`);
    return new ServiceUnavailableError();
  }
  if (error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed) {
    // jose compares -Infinity and Infinity like dates and calls a string nbf "not yet valid":
    // only a finite number checked against the clock is a matter of time.
    const value = error.payload[error.claim];
    if (error.reason === 'check_failed' && typeof value === 'number' && Number.isFinite(value)) {
      if (error instanceof errors.JWTExpired)
        return new InvalidTokenError('The token has expired', 'token_expired');
      if (error.claim === 'nbf' || error.claim === 'iat')
        return new InvalidTokenError('The token is not valid yet', 'token_not_yet_valid');
    }
    return new InvalidTokenError(`The token's ${error.claim} claim is invalid`, 'invalid_claim');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new InvalidTokenError(
      'The token is signed with an algorithm that is not accepted',
      'unsupported_algorithm',
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError('The token signature is invalid', 'invalid_signature');
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new InvalidTokenError('The token was signed by an unknown key', 'unknown_key');
  }
  if (error instanceof errors.JOSEError)
    return new InvalidTokenError('The token is malformed', 'malformed_token');
  // Not a token problem: a bug of ours, rendered as 500 and logged by ApiExceptionFilter.
  return error;
}

function scopesOf(payload: JWTPayload): Set<string> {
  const scopes = new Set<string>();
  for (const claim of [payload.scope, payload.scp]) {
    const values = typeof claim === 'string' ? claim.split(' ') : Array.isArray(claim) ? claim : [];
    for (const value of values) if (typeof value === 'string' && value !== '') scopes.add(value);
  }
  return scopes;
}

function keySourceFor(config: AppConfig): KeySource {
  if (config.JWT_SECRET !== undefined) {
    // Imported once: given the raw bytes, jose imports them into WebCrypto on every
    // verification, which took 40 % of its time (126 vs 70 µs of CPU per token).
    const key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(config.JWT_SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    return { key: () => key, algorithms: ['HS256'] };
  }
  if (config.JWT_PUBLIC_KEY !== undefined) {
    const key = createPublicKey(config.JWT_PUBLIC_KEY);
    return { key, algorithms: algorithmsFor(key) };
  }
  if (config.JWKS_URL !== undefined) {
    const remote = createRemoteJWKSet(new URL(config.JWKS_URL), {
      cooldownDuration: config.JWKS_COOLDOWN_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    // jose re-reads the set when it is stale or lacks the token's kid; a compact JWS has no
    // unprotected header, so the protected one alone selects the key.
    const isCurrent = async (header: JWTHeaderParameters, verifiedWith: unknown) => {
      try {
        return (await remote(header)) === verifiedWith;
      } catch {
        return false;
      }
    };
    return { key: reportingOutages(remote), algorithms: ASYMMETRIC_ALGORITHMS, isCurrent };
  }
  throw new Error('one of JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URL must be set');
}

// jose reports a key set that is down, slow, not 200, not JSON or not a key set with the
// same JOSEError family as a bad token. Only "no key fits this token" is the client's
// problem; everything else that goes wrong while getting the key is an outage (503).
function reportingOutages(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      ) {
        throw error;
      }
      throw new KeySetUnavailableError(error);
    }
  };
}

// A public key admits only the algorithms of its own type, so an HS256 token "signed"
// with the public key as a secret (algorithm confusion) never verifies.
function algorithmsFor(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const byCurve: Record<string, string> = {
        prime256v1: 'ES256',
        secp384r1: 'ES384',
        secp521r1: 'ES512',
      };
      if (curve && byCurve[curve]) return [byCurve[curve]];
      break;
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
  }
  throw new Error(
    `JWT_PUBLIC_KEY has an unsupported key type (${key.asymmetricKeyType ?? 'unknown'})`,
  );
}
