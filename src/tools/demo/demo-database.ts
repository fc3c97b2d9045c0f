import { mkdir, mkdtemp, realpath, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../database/embedded-postgres.js';

export const DEMO_DATABASE = 'host_connections';
const OUTSIDE_BASE = '/var/lib/host-connections-demo';
const KEPT_LOG_LINES = 20;

export interface DemoDatabase {
  /** DATABASE_URL of the demo database. */
  url: string;
  directory: string;
  stop(): Promise<void>;
}

/** Whether every directory on the way to `path` lets other users through (o+x). */
async function reachableByOthers(path: string): Promise<boolean> {
  for (let directory = path; ; directory = dirname(directory)) {
    if (((await stat(directory)).mode & 0o001) === 0) return false;
    if (dirname(directory) === directory) return true;
  }
}

/**
 * Where the cluster's files go: `.data/postgres`. As root, PostgreSQL runs as the
 * `postgres` user, which cannot enter a checkout under a private home such as /root;
 * the cluster then lives under `outsideBase` and `.data/postgres` is a symlink to it, so
 * deleting `.data/` still starts the demo afresh.
 */
export async function clusterDirectory(
  dataDirectory: string,
  outsideBase = OUTSIDE_BASE,
): Promise<string> {
  const inside = join(dataDirectory, 'postgres');
  await mkdir(dataDirectory, { recursive: true });
  if (process.getuid?.() !== 0 || (await reachableByOthers(dataDirectory))) return inside;
  try {
    return await realpath(inside);
  } catch {
    await mkdir(outsideBase, { recursive: true, mode: 0o755 });
    const outside = await mkdtemp(join(outsideBase, 'cluster-'));
    await symlink(outside, inside);
    return outside;
  }
}

async function createDatabaseIfMissing(serverUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DEMO_DATABASE,
    ]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DEMO_DATABASE}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

/** Starts (initialising on first use) the demo's embedded PostgreSQL and its database. */
export async function startDemoDatabase(
  dataDirectory: string,
  port: number,
): Promise<DemoDatabase> {
  const directory = await clusterDirectory(dataDirectory);
  const log: string[] = [];
  const server = await startEmbeddedPostgres({
    directory,
    port,
    persistent: true,
    onLog: (line) => {
      log.push(...line.trim().split('\n'));
      log.splice(0, log.length - KEPT_LOG_LINES);
    },
  }).catch(() => {
    const reason = log.filter((line) => /FATAL|ERROR/.test(line)).pop() ?? log.pop();
    throw new Error(
      `the embedded PostgreSQL did not start on port ${port} (set EMBEDDED_POSTGRES_PORT to use another)${reason ? `: ${reason}` : ''}`,
    );
  });
  try {
    return { url: await createDatabaseIfMissing(server.url), directory, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
