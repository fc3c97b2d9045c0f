import fc from 'fast-check';
import {
  aConnection,
  anOrganization,
  type OrganizationRow,
  truncateAll,
} from './support/factories.js';
import { counterDrift } from './support/counters.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// host_connection_counts is derived data: after any sequence of writes it must equal a
// fresh GROUP BY of host_connections (rows whose count fell to zero may stay behind).

const ORGANIZATIONS = 6;
const STATUSES = ['connected', 'disconnected'] as const;
const ACTIONS = [null, 'documents_update_request', 'analytics_request'] as const;

const organization = fc.integer({ min: 0, max: ORGANIZATIONS - 1 });
const status = fc.constantFrom(...STATUSES);
const archived = fc.boolean();
const action = fc.constantFrom(...ACTIONS);

// Each write is one statement, many of them touching several rows at once, since the
// triggers aggregate per statement.
const write = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    guest: organization,
    hosts: fc.uniqueArray(organization, { maxLength: 4 }),
    status,
    archived,
    action,
  }),
  fc.record({
    kind: fc.constant('upsert' as const),
    guest: organization,
    hosts: fc.uniqueArray(organization, { maxLength: 4 }),
    status,
    archived,
    action,
  }),
  fc.record({ kind: fc.constant('set-status' as const), host: organization, status }),
  fc.record({ kind: fc.constant('set-archived' as const), guest: organization, archived }),
  fc.record({ kind: fc.constant('set-action' as const), guest: organization, action }),
  fc.record({ kind: fc.constant('move-guest' as const), from: organization, to: organization }),
  fc.record({ kind: fc.constant('delete' as const), host: organization }),
  fc.record({ kind: fc.constant('rename-host' as const), host: organization }),
  fc.constant({ kind: 'truncate' as const }),
);
type Write = typeof write extends fc.Arbitrary<infer W> ? W : never;

describe('host_connection_counts', () => {
  let t: TestApp;
  let organizations: OrganizationRow[];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    await truncateAll(t.db);
    organizations = [];
    for (let i = 0; i < ORGANIZATIONS; i++) organizations.push(await anOrganization(t.db));
  });

  function drift(): Promise<unknown[]> {
    return counterDrift(t.db);
  }

  async function apply(w: Write): Promise<void> {
    const id = (index: number) => organizations[index].id;
    const archivedAt = (value: boolean) => (value ? '2025-01-02T03:04:05.123456Z' : null);
    const actionAt = (value: string | null) =>
      value === null ? null : '2025-02-03T04:05:06.654321Z';
    switch (w.kind) {
      case 'insert':
      case 'upsert': {
        const hosts = w.hosts.filter((h) => h !== w.guest).map(id);
        await t.db.query(
          `INSERT INTO host_connections (guest_organization_id, host_organization_id, owner_email,
             status, archived, archived_at, active_action_type, active_action_updated_at,
             created_at, updated_at)
           SELECT $1, host, 'owner@example.com', $3, $4, $5, $6, $7, now(), now()
           FROM unnest($2::uuid[]) AS host
           ON CONFLICT (guest_organization_id, host_organization_id) DO ${
             w.kind === 'insert'
               ? 'NOTHING'
               : `UPDATE SET status = EXCLUDED.status, archived = EXCLUDED.archived,
                    archived_at = EXCLUDED.archived_at, active_action_type = EXCLUDED.active_action_type,
                    active_action_updated_at = EXCLUDED.active_action_updated_at`
           }`,
          [
            id(w.guest),
            hosts,
            w.status,
            w.archived,
            archivedAt(w.archived),
            w.action,
            actionAt(w.action),
          ],
        );
        return;
      }
      case 'set-status':
        await t.db.query(
          'UPDATE host_connections SET status = $2 WHERE host_organization_id = $1',
          [id(w.host), w.status],
        );
        return;
      case 'set-archived':
        await t.db.query(
          'UPDATE host_connections SET archived = $2, archived_at = $3 WHERE guest_organization_id = $1',
          [id(w.guest), w.archived, archivedAt(w.archived)],
        );
        return;
      case 'set-action':
        await t.db.query(
          `UPDATE host_connections SET active_action_type = $2, active_action_updated_at = $3
           WHERE guest_organization_id = $1`,
          [id(w.guest), w.action, actionAt(w.action)],
        );
        return;
      case 'move-guest':
        // Rows that would collide with an existing pair, or point at themselves, stay put.
        await t.db.query(
          `UPDATE host_connections c SET guest_organization_id = $2
           WHERE c.guest_organization_id = $1 AND c.host_organization_id <> $2
             AND NOT EXISTS (SELECT 1 FROM host_connections o
                             WHERE o.guest_organization_id = $2 AND o.host_organization_id = c.host_organization_id)`,
          [id(w.from), id(w.to)],
        );
        return;
      case 'delete':
        await t.db.query('DELETE FROM host_connections WHERE host_organization_id = $1', [
          id(w.host),
        ]);
        return;
      case 'rename-host':
        await t.db.query(`UPDATE organizations SET name = name || ' (renamed)' WHERE id = $1`, [
          id(w.host),
        ]);
        return;
      case 'truncate':
        await t.db.query('TRUNCATE host_connections');
        return;
    }
  }

  it('should count what host_connections holds when rows are inserted one by one', async () => {
    const [guest, first, second] = organizations;
    await aConnection(t.db, first, guest, { status: 'disconnected' });
    await aConnection(t.db, second, guest, {
      archived: true,
      archived_at: '2025-01-01T00:00:00.000001Z',
      active_action_type: 'analytics_request',
      active_action_updated_at: '2025-01-01T00:00:00.000002Z',
    });

    const counts = await t.db.query<unknown[]>(
      `SELECT status, archived, active_action_type, connections::int AS connections
       FROM host_connection_counts WHERE guest_organization_id = $1 ORDER BY status`,
      [guest.id],
    );

    expect(counts).toEqual([
      {
        status: 'connected',
        archived: true,
        active_action_type: 'analytics_request',
        connections: 1,
      },
      { status: 'disconnected', archived: false, active_action_type: null, connections: 1 },
    ]);
  });

  it('should stay equal to a fresh count of host_connections after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (writes) => {
        await t.db.query('TRUNCATE host_connections');
        for (const w of writes) {
          await apply(w);
          expect(await drift()).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('should roll back with the transaction that wrote the rows', async () => {
    const [guest, host] = organizations;

    const counted = t.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO host_connections (guest_organization_id, host_organization_id, owner_email,
           status, archived, created_at, updated_at)
         VALUES ($1, $2, 'owner@example.com', 'connected', false, now(), now())`,
        [guest.id, host.id],
      );
      const [inside] = await manager.query<Array<{ connections: string }>>(
        'SELECT connections FROM host_connection_counts WHERE guest_organization_id = $1',
        [guest.id],
      );
      throw new Error(`rolled back with ${inside.connections} counted`);
    });

    await expect(counted).rejects.toThrow('rolled back with 1 counted');
    expect(await t.db.query('SELECT * FROM host_connection_counts WHERE connections <> 0')).toEqual(
      [],
    );
  });
});
