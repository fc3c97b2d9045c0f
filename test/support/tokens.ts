import { SignJWT, type JWTPayload } from 'jose';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const READ_SCOPE = 'host_connections:read';

export interface TokenOptions {
  scope?: string | string[] | null;
  claims?: JWTPayload;
  expiresIn?: string | number;
  secret?: string;
}

/** An HS256 token for `orgId`, valid for an hour with the read scope unless told otherwise. */
export async function tokenFor(orgId: string, options: TokenOptions = {}): Promise<string> {
  const scope = options.scope === undefined ? READ_SCOPE : options.scope;
  const payload: JWTPayload = {
    org_id: orgId,
    ...(scope !== null && { scope }),
    ...options.claims,
  };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject('test-client')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h')
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}
