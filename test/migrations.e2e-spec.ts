import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { runMigrationCommand } from '../src/tools/migrate/migrate-command.js';
import { builtFile, ensureBuilt } from './support/build.js';
import { runRecorded } from './support/commands.js';
import { databaseUrl, dropDatabase, onServer, TEST_ENV } from './support/test-database.js';

describe('migrations (npm run db:migrate / db:revert)', () => {
  const serverUrl = process.env[TEST_ENV.serverUrl] ?? '';
  const name = `hc_migrations_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(serverUrl, name);

  const run = (...args: string[]) => runRecorded(runMigrationCommand, args, { DATABASE_URL: url });

  const schema = () =>
    onServer(url, async (client) => {
      const { rows } = await client.query<{ object: string }>(
        `SELECT tablename AS object FROM pg_tables
          WHERE schemaname = 'public' AND tablename <> 'migrations'
         UNION ALL SELECT indexdef FROM pg_indexes
          WHERE schemaname = 'public' AND tablename <> 'migrations'
         UNION ALL SELECT typname FROM pg_type t
                     JOIN pg_namespace n ON n.oid = t.typnamespace
                    WHERE n.nspname = 'public' AND t.typtype = 'e'
         UNION ALL SELECT proname FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public' AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'plpgsql')
         ORDER BY 1`,
      );
      return rows.map((row) => row.object);
    });

  beforeAll(async () => {
    await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  });

  afterAll(async () => {
    await dropDatabase(serverUrl, name);
  });

  const APPLIED = [
    'Applied CreateSchema1764150000000',
    'Applied HostConnectionCounts1764200000000',
  ];

  it('should migrate, revert one migration at a time and migrate again to the same schema', async () => {
    expect(await run('migrate')).toEqual({ code: 0, out: APPLIED, err: [] });
    const migrated = await schema();
    expect(migrated).toEqual(
      expect.arrayContaining(['host_connection_counts', 'host_connections', 'organizations']),
    );

    expect(await run('migrate')).toEqual({
      code: 0,
      out: ['The database schema is up to date.'],
      err: [],
    });
    expect(await run('revert')).toEqual({
      code: 0,
      out: ['Reverted HostConnectionCounts1764200000000'],
      err: [],
    });
    expect(await run('revert')).toEqual({
      code: 0,
      out: ['Reverted CreateSchema1764150000000'],
      err: [],
    });
    expect(await schema()).toEqual([]);
    expect(await run('revert')).toEqual({ code: 0, out: ['No migration to revert.'], err: [] });

    expect((await run('migrate')).out).toEqual(APPLIED);
    expect(await schema()).toEqual(migrated);
  });

  it('should apply each migration once when two runs race', async () => {
    await run('revert');
    await run('revert');

    const results = await Promise.all([run('migrate'), run('migrate')]);

    expect(results.map((result) => result.out).sort()).toEqual([
      APPLIED,
      ['The database schema is up to date.'],
    ]);
  });

  it.each([
    [
      [],
      { DATABASE_URL: 'postgres://x@127.0.0.1/x' },
      'Usage: node dist/src/tools/migrate/migrate.cli.js migrate|revert',
    ],
    [
      ['up'],
      { DATABASE_URL: 'postgres://x@127.0.0.1/x' },
      'Usage: node dist/src/tools/migrate/migrate.cli.js migrate|revert',
    ],
    [['migrate'], {}, 'DATABASE_URL is required'],
  ])('should refuse %j with %j in one line and exit 1', async (args, env, message) => {
    const result = await runRecorded(runMigrationCommand, args, env);

    expect(result).toEqual({ code: 1, out: [], err: [expect.stringContaining(message)] });
  });

  it('should run as its own process and exit 0', async () => {
    await ensureBuilt();

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [builtFile('src/tools/migrate/migrate.cli.ts'), 'migrate'],
      { env: { ...process.env, DATABASE_URL: url } },
    );

    expect(stdout).toBe('The database schema is up to date.\n');
  });
});
