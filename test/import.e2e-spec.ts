import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { runImportCommand } from '../src/tools/import/import-command.js';
import {
  importDocument,
  type ImportOptions,
  type ImportResult,
} from '../src/tools/import/importer.js';
import { textSource } from '../src/tools/import/json-tokens.js';
import { builtFile, ensureBuilt } from './support/build.js';
import { runRecorded } from './support/commands.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const ACME = '11111111-1111-4111-8111-111111111111';
const BOLT = '22222222-2222-4222-8222-222222222222';
const GUEST = '33333333-3333-4333-8333-333333333333';
const STORED = '44444444-4444-4444-8444-444444444444';

type Json = Record<string, unknown>;

const organizations = (): Json[] => [
  { id: ACME, name: 'Acme Freight', email: 'ops@acme.example' },
  { id: BOLT, name: 'Bolt Logistics', email: 'hello@bolt.example' },
  { id: GUEST, name: 'Guest Bank', email: 'credit@guest.example' },
];

const connections = (): Json[] => [
  {
    host_organization_id: ACME,
    guest_organization_id: GUEST,
    status: 'connected',
    owner_email: 'jane@acme.example',
    archived: false,
    archived_at: null,
    active_action_type: 'documents_update_request',
    active_action_updated_at: '2025-12-12T12:00:00.654321Z',
    created_at: '2025-12-12T12:00:00.123456Z',
    updated_at: '2025-12-13T08:30:00.000001+02:00',
  },
  {
    host_organization_id: BOLT,
    guest_organization_id: GUEST,
    status: 'disconnected',
    owner_email: 'max@bolt.example',
    archived: true,
    archived_at: '2025-11-01T00:00:00Z',
    created_at: '2025-10-01T09:15:30.5Z',
    updated_at: '2025-11-01T00:00:00Z',
  },
];

const document = (change: Partial<{ organizations: Json[]; connections: Json[] }> = {}): string =>
  JSON.stringify({ organizations: organizations(), connections: connections(), ...change });

const MALFORMED = document().replace('"connections":[', '"connections":[,');

describe('data import (npm run db:import)', () => {
  let database: TestDatabase;
  let db: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
    );
    await db.initialize();
  });

  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  beforeEach(async () => {
    await db.query('TRUNCATE host_connections, organizations');
  });

  const load = (text: string, options: ImportOptions = {}): Promise<ImportResult> =>
    importDocument(db, textSource(text), options);

  // Every column as text, timestamps with microseconds in UTC, plus xmin and xmax: a row
  // that was rewritten has a new xmin, and one that was locked a new xmax, even when its
  // values are the same.
  const snapshot = async (): Promise<Array<Record<string, unknown>>> => [
    ...(await db.query<Array<Record<string, unknown>>>(
      'SELECT xmin::text, xmax::text, id, name, email FROM organizations ORDER BY id',
    )),
    ...(await db.query<Array<Record<string, unknown>>>(
      `SELECT xmin::text, xmax::text, guest_organization_id, host_organization_id, host_name, host_email,
              owner_email, status, archived, active_action_type,
              to_char(archived_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS archived_at,
              to_char(active_action_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
                AS active_action_updated_at,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS created_at,
              to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS updated_at
         FROM host_connections ORDER BY host_organization_id`,
    )),
  ];

  const withoutSystemColumns = (rows: Array<Record<string, unknown>>) =>
    rows.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'xmin' && key !== 'xmax')),
    );

  describe('a valid file', () => {
    it('should insert every record with microsecond timestamps and the host copied', async () => {
      const result = await load(document());

      expect(result).toMatchObject({
        ok: true,
        organizations: { inserted: 3, updated: 0, unchanged: 0 },
        connections: { inserted: 2, updated: 0, unchanged: 0 },
        bulkLoaded: false,
      });
      expect(withoutSystemColumns((await snapshot()).slice(3))).toEqual([
        {
          guest_organization_id: GUEST,
          host_organization_id: ACME,
          host_name: 'Acme Freight',
          host_email: 'ops@acme.example',
          owner_email: 'jane@acme.example',
          status: 'connected',
          archived: false,
          active_action_type: 'documents_update_request',
          archived_at: null,
          active_action_updated_at: '2025-12-12T12:00:00.654321',
          created_at: '2025-12-12T12:00:00.123456',
          updated_at: '2025-12-13T06:30:00.000001',
        },
        {
          guest_organization_id: GUEST,
          host_organization_id: BOLT,
          host_name: 'Bolt Logistics',
          host_email: 'hello@bolt.example',
          owner_email: 'max@bolt.example',
          status: 'disconnected',
          archived: true,
          active_action_type: null,
          archived_at: '2025-11-01T00:00:00.000000',
          active_action_updated_at: null,
          created_at: '2025-10-01T09:15:30.500000',
          updated_at: '2025-11-01T00:00:00.000000',
        },
      ]);
    });

    it('should change nothing when the same file is imported again', async () => {
      await load(document());
      const before = await snapshot();

      const again = await load(document());

      expect(again).toMatchObject({
        ok: true,
        organizations: { inserted: 0, updated: 0, unchanged: 3 },
        connections: { inserted: 0, updated: 0, unchanged: 2 },
      });
      expect(await snapshot()).toEqual(before);
    });

    it('should propagate a renamed host into its connections', async () => {
      await load(document());
      const renamed = organizations().map((organization) =>
        organization.id === ACME
          ? { ...organization, name: 'Acme Freight GmbH', email: 'ops@acme-freight.example' }
          : organization,
      );

      const result = await load(document({ organizations: renamed }));

      expect(result).toMatchObject({
        ok: true,
        organizations: { inserted: 0, updated: 1, unchanged: 2 },
        connections: { inserted: 0, updated: 0, unchanged: 2 },
      });
      expect(
        await db.query(
          'SELECT host_name, host_email FROM host_connections WHERE host_organization_id = $1',
          [ACME],
        ),
      ).toEqual([{ host_name: 'Acme Freight GmbH', host_email: 'ops@acme-freight.example' }]);
    });

    it('should update a changed connection and insert a new one by their pairs', async () => {
      await load(document());
      const changed = connections();
      changed[0] = { ...changed[0], status: 'disconnected', updated_at: '2026-01-01T00:00:00Z' };

      const result = await load(
        document({
          connections: [
            ...changed,
            { ...changed[1], host_organization_id: ACME, guest_organization_id: BOLT },
          ],
        }),
      );

      expect(result).toMatchObject({
        ok: true,
        connections: { inserted: 1, updated: 1, unchanged: 1 },
      });
      expect(
        await db.query(
          `SELECT status FROM host_connections
            WHERE host_organization_id = $1 AND guest_organization_id = $2`,
          [ACME, GUEST],
        ),
      ).toEqual([{ status: 'disconnected' }]);
    });

    it('should accept connections between organizations that are already stored', async () => {
      await load(document());

      const result = await load(
        JSON.stringify({
          connections: [
            { ...connections()[0], host_organization_id: BOLT, guest_organization_id: ACME },
          ],
        }),
      );

      expect(result).toMatchObject({
        ok: true,
        organizations: { inserted: 0, updated: 0, unchanged: 0 },
        connections: { inserted: 1, updated: 0, unchanged: 0 },
      });
    });

    it('should bulk load into the same rows and restore every index, key and trigger', async () => {
      const schema = () =>
        db.query<Array<{ kind: string; definition: string }>>(
          `SELECT 'index' AS kind, indexdef AS definition FROM pg_indexes
            WHERE tablename = 'host_connections'
           UNION ALL
           SELECT 'constraint', conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'host_connections'::regclass
           UNION ALL
           SELECT 'trigger', tgname || ' ' || tgenabled::text FROM pg_trigger
            WHERE tgrelid = 'host_connections'::regclass AND NOT tgisinternal
           ORDER BY 1, 2`,
        );
      const before = await schema();
      await load(document());
      const rowByRow = withoutSystemColumns(await snapshot());
      await db.query('TRUNCATE host_connections, organizations');

      const result = await load(document(), { bulkLoadThreshold: 1 });

      expect(result).toMatchObject({ ok: true, bulkLoaded: true });
      expect(withoutSystemColumns(await snapshot())).toEqual(rowByRow);
      expect(await schema()).toEqual(before);
      await db.query(`UPDATE organizations SET name = 'Bolt AG' WHERE id = $1`, [BOLT]);
      expect(
        await db.query('SELECT host_name FROM host_connections WHERE host_organization_id = $1', [
          BOLT,
        ]),
      ).toEqual([{ host_name: 'Bolt AG' }]);
    });
  });

  describe('an invalid file', () => {
    const expectRefused = async (text: string, issues: Array<[string, string]>) => {
      await db.query(
        `INSERT INTO organizations (id, name, email) VALUES ($1, 'Stored', 's@s.example')`,
        [STORED],
      );
      const before = await snapshot();

      const result = await load(text);

      expect(result).toMatchObject({
        ok: false,
        issueCount: issues.length,
        issues: issues.map(([position, message]) => ({ position, message })),
      });
      expect(await snapshot()).toEqual(before);
    };

    const withConnection = (change: Json) =>
      document({ connections: [connections()[1], { ...connections()[0], ...change }] });

    it.each<[string, string, Array<[string, string]>]>([
      [
        'a bad UUID',
        document({
          organizations: [...organizations(), { id: '1234', name: 'X', email: 'x@x.example' }],
        }),
        [['organizations[3]', 'id must be a UUID, got "1234"']],
      ],
      [
        'an unknown status',
        withConnection({ status: 'pending' }),
        [['connections[1]', `status must be 'connected' or 'disconnected', got "pending"`]],
      ],
      [
        'an unknown action type',
        withConnection({ active_action_type: 'audit' }),
        [
          [
            'connections[1]',
            `active_action_type must be 'documents_update_request' or 'analytics_request', got "audit"`,
          ],
        ],
      ],
      [
        'a host that does not exist',
        withConnection({ host_organization_id: '55555555-5555-4555-8555-555555555555' }),
        [
          [
            'connections[1]',
            'host_organization_id 55555555-5555-4555-8555-555555555555 is not an organization of this file or of the database',
          ],
        ],
      ],
      [
        'a guest that does not exist',
        withConnection({ guest_organization_id: '66666666-6666-4666-8666-666666666666' }),
        [
          [
            'connections[1]',
            'guest_organization_id 66666666-6666-4666-8666-666666666666 is not an organization of this file or of the database',
          ],
        ],
      ],
      [
        'a duplicate pair',
        document({
          connections: [...connections(), { ...connections()[0], status: 'disconnected' }],
        }),
        [
          [
            'connections[2]',
            `the pair host ${ACME}, guest ${GUEST} appears more than once; first at connections[0]`,
          ],
        ],
      ],
      [
        'a duplicate organization id in another case',
        document({
          organizations: [
            ...organizations(),
            { id: BOLT.toUpperCase(), name: 'B', email: 'b@b.example' },
          ],
        }),
        [['organizations[3]', `id ${BOLT} appears more than once; first at organizations[1]`]],
      ],
      [
        'an unknown record key',
        withConnection({ host_name: 'Acme' }),
        [['connections[1]', 'unknown key "host_name"']],
      ],
      [
        'an unknown top-level key',
        JSON.stringify({ organizations: organizations(), connection: connections() }),
        [['document', 'unknown key "connection" (expected "organizations" and "connections")']],
      ],
      [
        'an empty name',
        document({
          organizations: [{ ...organizations()[0], name: '' }, ...organizations().slice(1)],
        }),
        [['organizations[0]', 'name must not be empty']],
      ],
      [
        'a bad email',
        withConnection({ owner_email: 'jane' }),
        [['connections[1]', 'owner_email must be an email address such as ops@acme.example']],
      ],
      [
        'a non-boolean archived flag',
        withConnection({ archived: 0 }),
        [['connections[1]', 'archived must be true or false, got a number']],
      ],
      [
        'nanoseconds',
        withConnection({ created_at: '2025-12-12T12:00:00.123456789Z' }),
        [
          [
            'connections[1]',
            'created_at must have at most 6 fractional digits (microseconds), got "2025-12-12T12:00:00.123456789Z"',
          ],
        ],
      ],
      [
        'archived without archived_at',
        withConnection({ archived: true }),
        [['connections[1]', 'archived_at must be a timestamp when archived is true']],
      ],
      [
        'an action time without an action',
        withConnection({ active_action_type: null }),
        [
          [
            'connections[1]',
            'active_action_updated_at must be null when active_action_type is null',
          ],
        ],
      ],
      [
        'a connection of an organization to itself',
        withConnection({ host_organization_id: GUEST }),
        [['connections[1]', 'host_organization_id and guest_organization_id must differ']],
      ],
      [
        'malformed JSON',
        MALFORMED,
        [[`line 1, column ${MALFORMED.indexOf('[,') + 2}`, 'invalid JSON: expected a value']],
      ],
    ])('should refuse %s with its position and write nothing', async (_, text, issues) => {
      await expectRefused(text, issues);
    });

    it('should report every invalid record, in file order', async () => {
      const text = JSON.stringify({
        organizations: [{ id: 'x', name: 'X', email: 'x@x.example' }, ...organizations()],
        connections: [
          { ...connections()[0], status: 'on' },
          connections()[1],
          { ...connections()[1], guest_organization_id: STORED, archived: 'yes' },
          { ...connections()[1], guest_organization_id: STORED },
        ],
      });

      await expectRefused(text, [
        ['organizations[0]', 'id must be a UUID, got "x"'],
        ['connections[0]', `status must be 'connected' or 'disconnected', got "on"`],
        ['connections[2]', 'archived must be true or false, got a string'],
      ]);
    });

    it('should keep the first issues and count them all', async () => {
      const bad = Array.from({ length: 30 }, () => ({ id: 'x', name: '', email: 'x@x.example' }));

      const result = await load(JSON.stringify({ organizations: bad }), { keepIssues: 5 });

      expect(result).toMatchObject({ ok: false, issueCount: 60 });
      expect(result.ok === false && result.issues).toHaveLength(5);
    });
  });

  describe('the command', () => {
    let directory: string;

    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), 'host-connections-import-'));
    });

    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    const fileWith = async (name: string, text: string) => {
      const path = join(directory, name);
      await writeFile(path, text);
      return path;
    };

    const run = (args: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: database.url }) =>
      runRecorded(runImportCommand, args, env);

    it('should print a summary and exit 0', async () => {
      const path = await fileWith('valid.json', document());

      const result = await run([path]);

      expect(result.code).toBe(0);
      expect(result.err).toEqual([]);
      expect(result.out).toEqual([
        expect.stringMatching(new RegExp(`^Imported ${path} in \\d+\\.\\d s$`)),
        '  organizations: 3 inserted, 0 updated, 0 unchanged',
        '  connections: 2 inserted, 0 updated, 0 unchanged',
        expect.stringMatching(
          /^ {2}planner statistics: VACUUM \(ANALYZE\) organizations, host_connections, host_connection_counts in \d+\.\d s$/,
        ),
      ]);
    });

    it.each<[string, string[], NodeJS.ProcessEnv | undefined, string]>([
      ['no file', [], undefined, 'Usage: npm run db:import -- <file.json>'],
      ['two files', ['a.json', 'b.json'], undefined, 'Usage: npm run db:import -- <file.json>'],
      [
        'a missing file',
        ['/nonexistent/file.json'],
        undefined,
        'Cannot read the file /nonexistent/file.json',
      ],
      ['no DATABASE_URL', ['PLACEHOLDER'], {}, 'DATABASE_URL is required'],
    ])('should explain %s and exit 1', async (_, args, env, message) => {
      const path = await fileWith('ok.json', '{}');

      const result = await run(
        args.map((arg) => (arg === 'PLACEHOLDER' ? path : arg)),
        env,
      );

      expect(result.code).toBe(1);
      expect(result.out).toEqual([]);
      expect(result.err.join('\n')).toContain(message);
    });

    it('should run as its own process: report each problem on stderr and exit 1', async () => {
      await ensureBuilt();
      const path = await fileWith(
        'invalid.json',
        document({
          connections: [
            { ...connections()[0], status: 'x' },
            { ...connections()[1], archived: null },
          ],
        }),
      );

      const error = (await promisify(execFile)(
        process.execPath,
        [builtFile('src/tools/import/import.cli.ts'), path],
        {
          env: { ...process.env, DATABASE_URL: database.url },
        },
      ).catch((caught: unknown) => caught)) as { code: number; stdout: string; stderr: string };

      expect(error.code).toBe(1);
      expect(error.stdout).toBe('');
      expect(error.stderr).toBe(
        [
          `connections[0]: status must be 'connected' or 'disconnected', got "x"`,
          'connections[1]: archived must be true or false, got null',
          `Import refused: 2 problems in ${path}; nothing was written.`,
          '',
        ].join('\n'),
      );
      expect(await db.query('SELECT count(*)::int AS n FROM organizations')).toEqual([{ n: 0 }]);
    });
  });
});
