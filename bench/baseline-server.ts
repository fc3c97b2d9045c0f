import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import pg from 'pg';
import {
  baselineStatement,
  CONNECTED_LINK_SQL,
  leanQuery,
  UnsupportedRequest,
} from './baseline-statements.js';

/*
 * The benchmark's yardstick: the least GET /host-connections can cost in Node. node:http
 * and pg, the same statements as the service held as its own SQL text, HS256 checked
 * with one node:crypto HMAC, no framework and no ORM. Not a second implementation of the
 * contract: it serves the benchmark's requests, and answers anything else with an error.
 */

const secret = process.env.JWT_SECRET ?? '';
if (secret === '') throw new Error('JWT_SECRET must be set');
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  statement_timeout: Number(process.env.DATABASE_STATEMENT_TIMEOUT_MS ?? 5000),
});

class Refused extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

const BEARER = /^Bearer +([^\s]+) *$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const READ_SCOPE = 'host_connections:read';

interface Claims {
  org_id?: unknown;
  scope?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

// HS256 only: header and signature checked, then the time claims, as the service does.
function verifiedClaims(token: string): Claims {
  const [header, payload, signature, extra] = token.split('.');
  if (extra !== undefined || signature === undefined) throw new Refused(401);
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: unknown }).alg;
  if (alg !== 'HS256') throw new Refused(401);
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refused(401);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
  const now = Date.now() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp <= now) throw new Refused(401);
  if (typeof claims.nbf === 'number' && claims.nbf > now) throw new Refused(401);
  return claims;
}

function organization(value: string | string[] | undefined): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new Refused(422);
  return value.toLowerCase();
}

async function list(request: IncomingMessage, search: string): Promise<string> {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) throw new Refused(401);
  const claims = verifiedClaims(token);
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(READ_SCOPE))
    throw new Refused(403);
  const requesterId = organization(request.headers['requester-organization-id']);
  const targetId = organization(request.headers['target-organization-id']);
  if (claims.org_id !== requesterId) throw new Refused(403);
  const cross = requesterId !== targetId;
  if (cross && (await pool.query(CONNECTED_LINK_SQL, [requesterId, targetId])).rowCount === 0)
    throw new Refused(403);
  const { sql, values } = baselineStatement(
    leanQuery(parseQueryString(search)),
    targetId,
    cross ? requesterId : null,
  );
  const { rows } = await pool.query<Record<string, unknown>>(sql, values);
  return JSON.stringify({
    items: rows.map((row) => ({
      host_organization_id: row.host_organization_id,
      guest_organization_id: row.guest_organization_id,
      host_name: row.host_name,
      host_email: row.host_email,
      owner_email: row.owner_email,
      status: row.status,
      archived: row.archived,
      created_at: row.created_at,
      updated_at: row.updated_at,
      archived_at: row.archived_at,
      active_action_type: row.active_action_type,
      active_action_updated_at: row.active_action_updated_at,
    })),
    total_items: Number(rows[0]?.total_items ?? 0),
  });
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}

const server = createServer((request, response) => {
  const [path, search = ''] = (request.url ?? '').split('?', 2);
  if (request.method !== 'GET' || path !== '/host-connections') {
    send(response, 404, '{"detail":[]}');
    return;
  }
  list(request, search).then(
    (body) => send(response, 200, body),
    (error: unknown) => {
      if (error instanceof Refused) send(response, error.status, '{"detail":[]}');
      else if (error instanceof UnsupportedRequest || error instanceof SyntaxError)
        send(response, 422, '{"detail":[]}');
      else {
        console.error(error);
        send(response, 500, '{"detail":[]}');
      }
    },
  );
});

// The pool closes once the requests in flight are answered, so none fails on the way out.
const shutdown = () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');
