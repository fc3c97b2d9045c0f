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
}

export const DEFAULT_DATABASE_SETTINGS: Omit<DatabaseSettings, 'DATABASE_URL'> = {
  DATABASE_POOL_SIZE: 10,
  DATABASE_STATEMENT_TIMEOUT_MS: 5000,
  DATABASE_CONNECT_TIMEOUT_MS: 2000,
};

export function buildDataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  if (!settings.DATABASE_URL) {
    throw new Error('DATABASE_URL is required to connect to PostgreSQL');
  }
  const replicas = settings.DATABASE_REPLICA_URLS ?? [];
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
        // The server cancels a slow statement itself; a server that is hung or cut off by
        // the network never answers at all, so the client gives up a little later.
        query_timeout:
          settings.DATABASE_STATEMENT_TIMEOUT_MS + settings.DATABASE_CONNECT_TIMEOUT_MS,
      }),
    },
  };
}
