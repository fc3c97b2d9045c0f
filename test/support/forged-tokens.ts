import { createHmac, createSign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { READ_SCOPE } from './tokens.js';

// JWTs assembled by hand, as an attacker would: any header, any key, any algorithm,
// including what jose itself refuses to produce (alg "none", an empty HMAC key).

type Signer = (signingInput: string) => Buffer;

const segment = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

export function forgeToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sign: Signer | null,
): string {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  return `${signingInput}.${sign === null ? '' : sign(signingInput).toString('base64url')}`;
}

/** Like forgeToken, from JSON text: for values JSON.stringify cannot write, such as 1e400. */
export function forgeTokenFromJson(headerJson: string, payloadJson: string, sign: Signer): string {
  const signingInput = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${signingInput}.${sign(signingInput).toString('base64url')}`;
}

export const hs256 =
  (secret: string | Buffer): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest();

export const rs256 =
  (privateKey: KeyObject): Signer =>
  (input) =>
    createSign('RSA-SHA256').update(input).sign(privateKey);

/** Claims that would be accepted for `orgId` if the signature were. */
export function claimsFor(orgId: string, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    org_id: orgId,
    scope: READ_SCOPE,
    sub: 'attacker',
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

export interface RecordingServer {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** A loopback HTTP server that answers every request with `body` and records its path. */
export async function recordingServer(body: unknown): Promise<RecordingServer> {
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
