import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import {
  bind,
  ListStatements,
  type ListValues,
  type PageShape,
} from '../src/host-connections/host-connections.queries.js';
import { importDocument } from '../src/tools/import/importer.js';
import { textSource } from '../src/tools/import/json-tokens.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

interface PlanNode {
  'Node Type': string;
  Alias?: string;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

function nodesOf(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodesOf)];
}

/** A guest with `hosts` hosts, the hosts new organizations, as an import document. */
function guestDocument(guest: string, hosts: number, withGuest: boolean): string {
  const ids: string[] = Array.from({ length: hosts }, () => randomUUID());
  const organizations = ids.map((id, i) => ({
    id,
    name: `Host ${String(i).padStart(5, '0')} ${id.slice(0, 8)}`,
    email: `ops-${id.slice(0, 8)}@host.example`,
  }));
  if (withGuest) organizations.push({ id: guest, name: 'Guest', email: 'guest@guest.example' });
  const connections = ids.map((id, i) => ({
    host_organization_id: id,
    guest_organization_id: guest,
    status: i % 10 === 0 ? 'disconnected' : 'connected',
    owner_email: `owner-${i}@host.example`,
    archived: i % 7 === 0,
    archived_at: i % 7 === 0 ? '2025-11-01T00:00:00Z' : null,
    ...(i % 3 === 0 && {
      active_action_type: 'analytics_request',
      active_action_updated_at: '2025-12-12T12:00:00.654321Z',
    }),
    created_at: '2025-10-01T09:15:30.5Z',
    updated_at: '2025-11-01T00:00:00Z',
  }));
  return JSON.stringify({ organizations, connections });
}

const SELF_BY_NAME = (direction: 'asc' | 'desc'): PageShape => ({
  archived: false,
  actionTypes: false,
  search: null,
  cross: false,
  order: { field: 'host_name', direction },
});

describe('the planner right after an import', () => {
  let database: TestDatabase;
  let db: DataSource;
  const guest = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
    );
    await db.initialize();
    // Whatever the server's settings, only the import may vacuum or analyze here.
    for (const table of ['organizations', 'host_connections', 'host_connection_counts'])
      await db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
  });

  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  // The big-guest statements the service sends: first pages both ways, a deep offset,
  // and the filtered order on a nullable column.
  async function keyScans(): Promise<Array<Pick<PlanNode, 'Node Type' | 'Heap Fetches'>>> {
    const statements = new ListStatements(db.manager);
    const values: ListValues = {
      targetId: guest,
      partyId: null,
      statuses: ['connected'],
      limit: 100,
      offset: 0,
    };
    const requests: Array<[PageShape, ListValues]> = [
      [SELF_BY_NAME('asc'), values],
      [SELF_BY_NAME('desc'), values],
      [SELF_BY_NAME('asc'), { ...values, offset: 2500 }],
      [
        {
          ...SELF_BY_NAME('asc'),
          archived: true,
          actionTypes: true,
          order: { field: 'archived_at', direction: 'desc' },
        },
        { ...values, archived: false, actionTypes: ['analytics_request'] },
      ],
    ];
    const scans: Array<Pick<PlanNode, 'Node Type' | 'Heap Fetches'>> = [];
    for (const [shape, requestValues] of requests) {
      const statement = statements.page(shape);
      const [{ 'QUERY PLAN': plan }] = await db.query<
        Array<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>
      >(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.sql}`, bind(statement, requestValues));
      for (const node of nodesOf(plan[0].Plan).filter((n) => n.Alias === 'k'))
        scans.push({ 'Node Type': node['Node Type'], 'Heap Fetches': node['Heap Fetches'] });
    }
    return scans;
  }

  const INDEX_ONLY = { 'Node Type': 'Index Only Scan', 'Heap Fetches': 0 };

  it('should read the page keys from the index alone when a bulk load has just committed', async () => {
    const result = await importDocument(db, textSource(guestDocument(guest, 4000, true)), {
      bulkLoadThreshold: 1,
    });

    const scans = await keyScans();

    expect(result).toMatchObject({
      ok: true,
      bulkLoaded: true,
      maintenance: { tables: ['organizations', 'host_connections', 'host_connection_counts'] },
    });
    expect(scans).toEqual(Array.from({ length: 4 }, () => INDEX_ONLY));
  });

  it('should read the page keys from the index alone when an import has just added rows', async () => {
    const result = await importDocument(db, textSource(guestDocument(guest, 1000, false)));

    const scans = await keyScans();

    expect(result).toMatchObject({ ok: true, bulkLoaded: false });
    expect(scans).toEqual(Array.from({ length: 4 }, () => INDEX_ONLY));
  });
});
