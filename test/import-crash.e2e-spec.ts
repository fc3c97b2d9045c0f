import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { builtFile, ensureBuilt } from './support/build.js';
import { runNode } from './support/processes.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// An import killed half-way must leave the database exactly as before it started: one
// transaction, temporary staging tables, a transaction-scoped lock, and (for a bulk load)
// transactional DDL. The test kills the real command-line process, as a deploy or the OOM
// killer would, and compares everything the import could have touched.

const CLI = builtFile('src/tools/import/import.cli.ts');
const BIG_ORGANIZATIONS = 20_000;
const CONNECTIONS_PER_GUEST = 10;
const WAIT_MS = 60_000;

const uuid = (n: number, prefix = '0000') =>
  `${prefix}0000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const SMALL = JSON.stringify({
  organizations: [
    { id: uuid(1, 'aaaa'), name: 'Acme Freight', email: 'ops@acme.example' },
    { id: uuid(2, 'aaaa'), name: 'Guest Bank', email: 'credit@guest.example' },
  ],
  connections: [
    {
      host_organization_id: uuid(1, 'aaaa'),
      guest_organization_id: uuid(2, 'aaaa'),
      status: 'disconnected',
      owner_email: 'jane@acme.example',
      archived: true,
      archived_at: '2025-12-14T00:00:00.000001Z',
      active_action_type: null,
      active_action_updated_at: null,
      created_at: '2025-12-12T12:00:00.123456Z',
      updated_at: '2025-12-14T00:00:00.000001Z',
    },
  ],
});

/** Streams a valid document of 20k organizations and 200k connections to `path`. */
async function writeBigDocument(path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('{"organizations":[');
  for (let i = 0; i < BIG_ORGANIZATIONS; i++) {
    await write(
      `${i ? ',' : ''}{"id":"${uuid(i)}","name":"Organization ${i}","email":"org${i}@example.com"}`,
    );
  }
  await write('],"connections":[');
  for (let guest = 0; guest < BIG_ORGANIZATIONS; guest++) {
    const chunk = [];
    for (let offset = 1; offset <= CONNECTIONS_PER_GUEST; offset++) {
      chunk.push(
        `{"host_organization_id":"${uuid((guest + offset) % BIG_ORGANIZATIONS)}",` +
          `"guest_organization_id":"${uuid(guest)}","status":"connected",` +
          `"owner_email":"owner@example.com","archived":false,"archived_at":null,` +
          `"active_action_type":null,"active_action_updated_at":null,` +
          `"created_at":"2025-01-01T00:00:00.123456Z","updated_at":"2025-01-02T00:00:00Z"}`,
      );
    }
    await write(`${guest ? ',' : ''}${chunk.join(',')}`);
  }
  out.end(']}');
  await once(out, 'finish');
}

// JSON text of every row keeps timestamps to the microsecond (a JS Date would not).
const TABLE_ROWS = {
  organizations: `SELECT to_jsonb(t)::text AS row FROM organizations t ORDER BY id`,
  host_connections: `SELECT to_jsonb(t)::text AS row FROM host_connections t
                      ORDER BY guest_organization_id, host_organization_id`,
};

const SCHEMA = {
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes
             WHERE schemaname = 'public' ORDER BY tablename, indexname`,
  triggers: `SELECT tgrelid::regclass::text AS "table", tgname, tgenabled,
                    pg_get_triggerdef(oid) AS definition
               FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`,
  constraints: `SELECT conrelid::regclass::text AS "table", conname, convalidated,
                       pg_get_constraintdef(oid) AS definition
                  FROM pg_constraint
                 WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
};

async function snapshot(client: pg.Client, queries: Record<string, string>) {
  const result: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(queries)) result[name] = (await client.query(sql)).rows;
  return result;
}

// The import's own session, seen from another one: application_name comes from the
// service's connection options, this inspecting client keeps pg's default.
const IMPORT_SESSIONS = `
  SELECT pid, state, query FROM pg_stat_activity
   WHERE datname = current_database() AND application_name = 'host-connections'`;

const BULK_LOAD_LOCK = `
  SELECT count(*)::int AS held FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE a.application_name = 'host-connections' AND l.granted
     AND l.mode = 'AccessExclusiveLock' AND l.relation = 'host_connections'::regclass`;

const STAGING_TABLES = `SELECT relname FROM pg_class WHERE relname LIKE 'import\\_%'`;

describe('import killed half-way (SIGKILL)', () => {
  let directory: string;
  let smallPath: string;
  let bigPath: string;
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'import-crash-'));
    smallPath = join(directory, 'small.json');
    bigPath = join(directory, 'big.json');
    await writeFile(smallPath, SMALL);
    await Promise.all([ensureBuilt(), writeBigDocument(bigPath)]);
  }, 120_000);

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  beforeEach(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterEach(async () => {
    await client.end();
    await database.drop();
  });

  const importSmall = () =>
    promisify(execFile)(process.execPath, [CLI, smallPath], {
      env: { ...process.env, DATABASE_URL: database.url },
      // A lock left behind by the killed import would make this wait forever.
      timeout: WAIT_MS,
    });

  async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  /** Starts the big import, kills it once `killPoint` holds, and waits for its session to end. */
  async function killBigImport(killPoint: () => Promise<boolean>, what: string): Promise<void> {
    const running = runNode([CLI, bigPath], { ...process.env, DATABASE_URL: database.url });
    let exitedEarly = false;
    void running.exited.then(() => (exitedEarly = true));
    await until(async () => {
      if (exitedEarly) throw new Error(`the import ended before ${what}:\n${running.output()}`);
      return killPoint();
    }, what);
    running.child.kill('SIGKILL');
    expect(await running.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // PostgreSQL notices the dead client when it next talks to it: after the statement
    // running at the time of the kill, which may still be writing rows.
    await until(
      async () => (await client.query(IMPORT_SESSIONS)).rowCount === 0,
      'the killed import session to end',
    );
  }

  it('should leave both tables untouched when killed while staging the file', async () => {
    await importSmall();
    const rowsBefore = await snapshot(client, TABLE_ROWS);

    await killBigImport(async () => {
      const { rows } = await client.query<{ state: string; query: string }>(IMPORT_SESSIONS);
      return rows.some((row) => row.query.startsWith('INSERT INTO import_connections'));
    }, 'connections being staged');

    expect(await snapshot(client, TABLE_ROWS)).toEqual(rowsBefore);
    expect((await client.query(STAGING_TABLES)).rows).toEqual([]);
    expect((await importSmall()).stdout).toContain('1 unchanged');
  }, 180_000);

  it('should leave rows, indexes, triggers and constraints as they were when killed during a bulk load', async () => {
    await importSmall();
    const rowsBefore = await snapshot(client, TABLE_ROWS);
    const schemaBefore = await snapshot(client, SCHEMA);

    // The exclusive lock is taken by the first DROP of the bulk load, after the
    // organizations were written: from here on the transaction has changed both tables.
    await killBigImport(
      async () => (await client.query<{ held: number }>(BULK_LOAD_LOCK)).rows[0].held > 0,
      'the bulk load to take its exclusive lock',
    );

    expect(await snapshot(client, SCHEMA)).toEqual(schemaBefore);
    // What a bulk load drops or disables is part of what was compared.
    expect(schemaBefore.triggers).toContainEqual(
      expect.objectContaining({ tgname: 'host_connections_copy_host', tgenabled: 'O' }),
    );
    expect(await snapshot(client, TABLE_ROWS)).toEqual(rowsBefore);
    expect((await client.query(STAGING_TABLES)).rows).toEqual([]);
    expect((await importSmall()).stdout).toContain('1 unchanged');
  }, 180_000);
});
