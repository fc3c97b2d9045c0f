import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../../src/database/database.options.js';
import {
  type EmbeddedDatabase,
  startEmbeddedPostgres,
} from '../../src/database/embedded-postgres.js';
import { unusedPort } from './processes.js';

/** A PostgreSQL cluster of one test's own, which the test may stop and start again. */
export interface DedicatedPostgres {
  url: string;
  /** The cluster's data folder. */
  directory: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Freezes every process of the cluster (SIGSTOP): a hung server or a lost network. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Stops the cluster and deletes its files. */
  destroy(): Promise<void>;
}

export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const directory = join(tmpdir(), `host-connections-fault-${randomBytes(4).toString('hex')}`);
  const port = await unusedPort();
  // Persistent, so that a stop keeps the data for the next start.
  const launch = () => startEmbeddedPostgres({ directory, port, persistent: true });
  let server: EmbeddedDatabase | undefined = await launch();
  const url = server.url;
  await migrate(url);
  return {
    url,
    directory,
    stop: async () => {
      await server?.stop();
      server = undefined;
    },
    start: async () => {
      server ??= await launch();
    },
    freeze: () => signalCluster(directory, 'SIGSTOP'),
    thaw: () => signalCluster(directory, 'SIGCONT'),
    destroy: async () => {
      await server?.stop();
      server = undefined;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

// The postmaster and its children (one backend per connection, background workers).
async function signalCluster(directory: string, signal: NodeJS.Signals): Promise<void> {
  const postmaster = Number(
    (await readFile(join(directory, 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  const children = (await readFile(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8'))
    .split(' ')
    .filter(Boolean)
    .map(Number);
  for (const pid of [postmaster, ...children]) process.kill(pid, signal);
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(
    buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: url }),
  );
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}
