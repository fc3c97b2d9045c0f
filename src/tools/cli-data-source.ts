import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { UsageError } from './run-cli.js';
import { buildDataSourceOptions, DEFAULT_DATABASE_SETTINGS } from '../database/database.options.js';

/**
 * The DataSource of the command-line tools (migrations, import). They need only
 * DATABASE_URL, and run statements, such as index builds, longer than the service's
 * statement timeout would allow, so they have no statement or query timeout.
 */
export function createCliDataSource(env: NodeJS.ProcessEnv = process.env): DataSource {
  if (!env.DATABASE_URL) {
    throw new UsageError(
      'DATABASE_URL is required, e.g. postgres://user:password@127.0.0.1:5432/host_connections',
    );
  }
  return new DataSource(
    buildDataSourceOptions({
      ...DEFAULT_DATABASE_SETTINGS,
      DATABASE_URL: env.DATABASE_URL,
      DATABASE_POOL_SIZE: 2,
      DATABASE_STATEMENT_TIMEOUT_MS: 0,
      DATABASE_QUERY_TIMEOUT_MS: 0,
    }),
  );
}
