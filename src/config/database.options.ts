import type { DataSourceOptions } from 'typeorm';
import { HostConnectionCount } from '../host-connections/entities/host-connection-count.entity.js';
import { HostConnection } from '../host-connections/entities/host-connection.entity.js';
import { Organization } from '../host-connections/entities/organization.entity.js';
import { MIGRATIONS } from '../database/migrations/index.js';

export interface DatabaseSettings {
  DATABASE_URL?: string;
  DATABASE_REPLICA_URLS?: string;
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
  return {
    type: 'postgres',
    url: settings.DATABASE_URL,
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
    },
  };
}
