import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../../src/database/database.options.js';

export const TEST_ENV = {
  serverUrl: 'HOST_CONNECTIONS_TEST_SERVER_URL',
  template: 'HOST_CONNECTIONS_TEST_TEMPLATE',
} as const;

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function onServer<T>(
  serverUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

// Any fixed number works: it only serialises the test files of one run building the template.
const TEMPLATE_LOCK = 7_413_001;

/** Creates the run's migrated template once; the first test file to get here builds it. */
async function ensureTemplateDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) {
      await client.query(`CREATE DATABASE ${name}`);
      const dataSource = new DataSource(
        buildDataSourceOptions({
          ...DEFAULT_DATABASE_SETTINGS,
          DATABASE_URL: databaseUrl(serverUrl, name),
        }),
      );
      await dataSource.initialize();
      try {
        await dataSource.runMigrations({ transaction: 'all' });
      } finally {
        await dataSource.destroy();
      }
    }
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  });
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file, so files running in parallel
 * never see each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env[TEST_ENV.serverUrl];
  const template = process.env[TEST_ENV.template];
  if (!serverUrl || !template)
    throw new Error('the Jest global setup did not prepare a database server');
  await ensureTemplateDatabase(serverUrl, template);
  const name = uniqueName('hc_test');
  await onServer(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`),
  );
  return { name, url: databaseUrl(serverUrl, name), drop: () => dropDatabase(serverUrl, name) };
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  );
}
