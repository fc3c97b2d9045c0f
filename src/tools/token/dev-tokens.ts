import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SignJWT } from 'jose';

export const READ_SCOPE = 'host_connections:read';
export const WRITE_SCOPE = 'host_connections:write';

/** Where `npm start` keeps the HS256 secret it generated, under its data directory. */
export function devSecretFile(dataDirectory: string): string {
  return join(dataDirectory, 'dev-jwt-secret');
}

/** The dev secret, or undefined when `npm start` has not generated one yet. */
export async function readDevSecret(dataDirectory: string): Promise<string | undefined> {
  try {
    return (await readFile(devSecretFile(dataDirectory), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads the dev secret, generating it (readable by its owner only) on first use. */
export async function readOrCreateDevSecret(dataDirectory: string): Promise<string> {
  const existing = await readDevSecret(dataDirectory);
  if (existing !== undefined) return existing;
  const file = devSecretFile(dataDirectory);
  await mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

export interface DevTokenRequest {
  organizationId: string;
  scope: string;
  subject: string;
  ttlSeconds: number;
}

/** What the service checks besides the signature; read from the same variables. */
export interface DevTokenSettings {
  secret: string;
  orgClaim?: string;
  issuer?: string;
  audience?: string;
}

/** An HS256 access token (RFC 9068 `at+jwt`) the service accepts under `settings`. */
export function signDevToken(
  settings: DevTokenSettings,
  request: DevTokenRequest,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const token = new SignJWT({
    [settings.orgClaim ?? 'org_id']: request.organizationId,
    scope: request.scope,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject(request.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + request.ttlSeconds);
  if (settings.issuer !== undefined) token.setIssuer(settings.issuer);
  if (settings.audience !== undefined) token.setAudience(settings.audience);
  return token.sign(new TextEncoder().encode(settings.secret));
}
