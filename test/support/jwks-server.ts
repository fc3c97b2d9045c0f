import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningKey } from './tokens.js';

/** What the identity provider's key endpoint answers, changeable while the app runs. */
export type JwksAnswer =
  | { kind: 'keys'; keys: JWK[] }
  | { kind: 'status'; status: number }
  | { kind: 'body'; body: string };

/**
 * A JWKS endpoint on loopback, standing in for an identity provider. It counts the
 * requests it serves so a test can tell a cached key set from a refetched one.
 */
export class JwksServer {
  answer: JwksAnswer = { kind: 'keys', keys: [] };
  requests = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<JwksServer> {
    const jwks = new JwksServer(
      createServer((_request, response) => {
        jwks.requests += 1;
        const { answer } = jwks;
        if (answer.kind === 'status') {
          response.writeHead(answer.status).end();
        } else {
          const body = answer.kind === 'keys' ? JSON.stringify({ keys: answer.keys }) : answer.body;
          response.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
        }
      }),
    );
    await new Promise<void>((resolve) => jwks.server.listen(0, '127.0.0.1', resolve));
    return jwks;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

/** A fresh signing key and the public JWK a key set publishes for it. */
export async function aJwksKey(
  kid: string,
  alg = 'ES256',
): Promise<{ signing: SigningKey; jwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { signing: { alg, key: privateKey, kid }, jwk };
}

/** A JWKS URL on a loopback port where nothing listens: an identity provider that is down. */
export async function unreachableJwksUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}
