import { base64url, type CryptoKey, type JWTPayload, type KeyObject, SignJWT } from 'jose';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const READ_SCOPE = 'host_connections:read';

export interface SigningKey {
  alg: string;
  key: CryptoKey | KeyObject | Uint8Array;
  kid?: string;
}

export interface TokenOptions {
  scope?: string | string[] | null;
  /** Merged last: a claim set to undefined is left out of the token. */
  claims?: JWTPayload;
  /** A jose time span ('1h'), an absolute epoch second, or null for no `exp` at all. */
  expiresIn?: string | number | null;
  secret?: string;
  signWith?: SigningKey;
}

/** A token for `orgId`, valid for an hour with the read scope unless told otherwise. */
export async function tokenFor(orgId: string, options: TokenOptions = {}): Promise<string> {
  const scope = options.scope === undefined ? READ_SCOPE : options.scope;
  const payload: JWTPayload = {
    org_id: orgId,
    ...(scope !== null && { scope }),
    ...options.claims,
  };
  const signing = options.signWith ?? {
    alg: 'HS256',
    key: new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET),
  };
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: signing.alg, typ: 'at+jwt', kid: signing.kid })
    .setSubject('test-client')
    .setIssuedAt();
  const expiresIn = options.expiresIn === undefined ? '1h' : options.expiresIn;
  if (expiresIn !== null) jwt.setExpirationTime(expiresIn);
  return jwt.sign(signing.key);
}

/** An unsecured JWT (`alg: none`, empty signature) carrying a valid-looking payload. */
export function unsecuredTokenFor(orgId: string): string {
  const encode = (value: object) => base64url.encode(JSON.stringify(value));
  const now = nowInSeconds();
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
    sub: 'test-client',
    org_id: orgId,
    scope: READ_SCOPE,
    iat: now,
    exp: now + 3600,
  })}.`;
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
