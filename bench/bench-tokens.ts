import { SignJWT } from 'jose';

// Only for the servers the benchmark starts itself on the loopback interface.
export const BENCH_JWT_SECRET = 'bench-secret-for-loopback-servers-only-0123456789';

export async function benchHeaders(
  requesterId: string,
  targetId: string,
  scope = 'host_connections:read',
): Promise<Record<string, string>> {
  const token = await new SignJWT({ org_id: requesterId, scope })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setSubject('bench')
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(BENCH_JWT_SECRET));
  return {
    authorization: `Bearer ${token}`,
    'requester-organization-id': requesterId,
    'target-organization-id': targetId,
  };
}
