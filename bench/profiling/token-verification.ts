import { SignJWT } from 'jose';
import { TokenVerifier } from '../../src/auth/token-verifier.js';
import { validateEnvironment } from '../../src/config/env.schema.js';
import { BENCH_JWT_SECRET } from '../bench-tokens.js';

/*
 * CPU time of one bearer-token verification with the HS256 shared secret: the same token
 * again and again (what a client reusing its access token costs) and a new token every
 * time (what the first request of each token costs). Usage:
 * node dist/bench/profiling/token-verification.js [verifications]
 */

const ORGANIZATION = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

function tokenNumbered(index: number): Promise<string> {
  return new SignJWT({ org_id: ORGANIZATION, scope: 'host_connections:read', jti: `t${index}` })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(BENCH_JWT_SECRET));
}

async function microsecondsPerVerification(
  verifier: TokenVerifier,
  tokens: string[],
): Promise<number> {
  const started = process.cpuUsage();
  for (const token of tokens) await verifier.verify(token);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / tokens.length;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? '20000');
  const verifier = new TokenVerifier(validateEnvironment({ JWT_SECRET: BENCH_JWT_SECRET }));
  const same = await tokenNumbered(0);
  const fresh = await Promise.all(
    Array.from({ length: count }, (_, index) => tokenNumbered(index + 1)),
  );
  // Warm-up: let V8 optimize both paths before anything is timed.
  await microsecondsPerVerification(verifier, Array<string>(2000).fill(same));

  const sameToken = await microsecondsPerVerification(verifier, Array<string>(count).fill(same));
  const newTokens = await microsecondsPerVerification(verifier, fresh);

  console.log(
    JSON.stringify({
      node: process.version,
      verifications: count,
      sameTokenMicroseconds: Number(sameToken.toFixed(2)),
      newTokenMicroseconds: Number(newTokens.toFixed(2)),
    }),
  );
}

await main();
