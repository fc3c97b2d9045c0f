import 'reflect-metadata';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { DataSource, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { OrganizationAccessService } from '../src/auth/organization-access.service.js';
import type { OrganizationContext } from '../src/auth/principal.js';
import { TokenVerifier } from '../src/auth/token-verifier.js';
import { ApiError } from '../src/common/errors/api-error.js';
import { normalizeUuid } from '../src/common/validation/uuid.js';
import { buildDataSourceOptions } from '../src/database/database.options.js';
import { validateEnvironment } from '../src/config/env.schema.js';
import { PooledStatements } from '../src/database/pooled-statements.js';
import { HostConnection } from '../src/host-connections/entities/host-connection.entity.js';
import {
  HostConnectionsService,
  type StatementRunner,
} from '../src/host-connections/host-connections.service.js';
import { parseListQuery } from './list-query.js';

/*
 * The benchmark's yardstick: what GET /host-connections costs with no framework at all.
 * node:http and pg, the same token verification, query parsers and SQL as the service
 * (the statements come from the service's own query builders, so they cannot drift), and
 * none of the rest. Not a second implementation of the contract: it serves the
 * benchmark's requests and answers anything it does not understand with an error.
 */

const config = validateEnvironment(process.env);
// Only for the entity metadata the query builders need; queries go through `pool`.
const dataSource = new DataSource(buildDataSourceOptions(config));
await dataSource.initialize();
const connections = dataSource.getRepository(HostConnection);
// Their own runner (TypeORM's pools) is never used here: statements run on `pool`.
const unused = new PooledStatements(dataSource);
const service = new HostConnectionsService(connections, unused);
const access = new OrganizationAccessService(connections, unused);
const verifier = new TokenVerifier(config);
const pool = new pg.Pool({
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_SIZE,
  statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
});

const BEARER = /^Bearer +([^\s]+) *$/i;
const READ_SCOPE = 'host_connections:read';

async function organizationContext(request: IncomingMessage): Promise<OrganizationContext> {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) throw new ApiError(401, []);
  const principal = await verifier.verify(token);
  if (!principal.scopes.has(READ_SCOPE)) throw new ApiError(403, []);
  const requesterId = normalizeUuid(request.headers['requester-organization-id']);
  const targetId = normalizeUuid(request.headers['target-organization-id']);
  if (requesterId === undefined || targetId === undefined) throw new ApiError(422, []);
  if (principal.organizationId !== requesterId) throw new ApiError(403, []);
  if (requesterId === targetId) return { requesterId, targetId, mode: 'self', partyId: null };
  const [sql, parameters] = access
    .connectedLinkQuery(requesterId, targetId)
    .getQueryAndParameters();
  const link = await pool.query(sql, parameters);
  if (link.rowCount === 0) throw new ApiError(403, []);
  return { requesterId, targetId, mode: 'cross', partyId: requesterId };
}

// The service's own list logic and statements, executed on the bare pool.
const runOnPool: StatementRunner = async <T extends pg.QueryResultRow>(
  statement: SelectQueryBuilder<ObjectLiteral>,
) => {
  const [sql, parameters] = statement.getQueryAndParameters();
  return (await pool.query<T>(sql, parameters)).rows;
};

async function list(request: IncomingMessage, search: string): Promise<string> {
  const org = await organizationContext(request);
  return JSON.stringify(await service.listWith(org, parseListQuery(search), runOnPool));
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
      if (error instanceof ApiError) send(response, error.status, JSON.stringify(error.details));
      else {
        console.error(error);
        send(response, 500, '{"detail":[]}');
      }
    },
  );
});

const shutdown = () => {
  server.close();
  void Promise.all([pool.end(), dataSource.destroy()]).then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
server.listen(config.PORT, config.HOST);
