import type pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { HostConnectionCount } from '../host-connections/entities/host-connection-count.entity.js';
import { HostConnection } from '../host-connections/entities/host-connection.entity.js';
import { Organization } from '../host-connections/entities/organization.entity.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseSettings {
  DATABASE_URL?: string;
  DATABASE_REPLICA_URLS?: readonly string[];
  DATABASE_POOL_SIZE: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  /** Unset: derived by queryTimeoutMs(); 0: no client-side timeout. */
  DATABASE_QUERY_TIMEOUT_MS?: number;
}

// Without a statement timeout of its own (PgBouncer mode: it is set on the role) the client
// still gives up after this long: a hung server or a cut network must become a 503, and
// one well before a client or a proxy abandons the request.
export const QUERY_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT_MS = 10_000;

/** The client-side query timeout in milliseconds; 0 means none. */
export function queryTimeoutMs(settings: DatabaseSettings): number {
  if (settings.DATABASE_QUERY_TIMEOUT_MS !== undefined) return settings.DATABASE_QUERY_TIMEOUT_MS;
  // The server cancels a slow statement itself; the client waits a little longer, so that
  // the server's own, clearer error wins whenever the server is still answering.
  return settings.DATABASE_STATEMENT_TIMEOUT_MS > 0
    ? settings.DATABASE_STATEMENT_TIMEOUT_MS + settings.DATABASE_CONNECT_TIMEOUT_MS
    : QUERY_TIMEOUT_WITHOUT_STATEMENT_TIMEOUT_MS;
}

export const DEFAULT_DATABASE_SETTINGS: Omit<DatabaseSettings, 'DATABASE_URL'> = {
  DATABASE_POOL_SIZE: 10,
  DATABASE_STATEMENT_TIMEOUT_MS: 5000,
  DATABASE_CONNECT_TIMEOUT_MS: 2000,
};

/**
 * `databaseClient` replaces pg's Client in every pool (tracing passes one that records each
 * statement).
 */
export function buildDataSourceOptions(
  settings: DatabaseSettings,
  databaseClient?: typeof pg.Client,
): DataSourceOptions {
  if (!settings.DATABASE_URL) {
    throw new Error('DATABASE_URL is required to connect to PostgreSQL');
  }
  const replicas = settings.DATABASE_REPLICA_URLS ?? [];
  const queryTimeout = queryTimeoutMs(settings);
  return {
    type: 'postgres',
    // With replicas, TypeORM sends QueryBuilder and find reads to a random replica and
    // everything else (raw dataSource.query, transactions, migrations, writes) to the
    // primary; each replica gets a pool of its own, of the same size.
    ...(replicas.length === 0
      ? { url: settings.DATABASE_URL }
      : {
          replication: {
            master: { url: settings.DATABASE_URL },
            slaves: replicas.map((url) => ({ url })),
          },
        }),
    entities: [Organization, HostConnection, HostConnectionCount],
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    poolSize: settings.DATABASE_POOL_SIZE,
    connectTimeoutMS: settings.DATABASE_CONNECT_TIMEOUT_MS,
    applicationName: 'host-connections',
    extra: {
      // Bounds both connecting and waiting for a free pooled connection, so a dead or
      // saturated database turns into a quick 503 instead of a hanging request.
      connectionTimeoutMillis: settings.DATABASE_CONNECT_TIMEOUT_MS,
      // Sent as a startup parameter; behind PgBouncer set it to 0 here and on the role.
      ...(settings.DATABASE_STATEMENT_TIMEOUT_MS > 0 && {
        statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS,
      }),
      ...(queryTimeout > 0 && { query_timeout: queryTimeout }),
      ...(databaseClient !== undefined && { Client: databaseClient }),
    },
  };
}
