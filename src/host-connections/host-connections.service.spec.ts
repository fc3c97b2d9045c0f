import 'reflect-metadata';
import { readQuery } from '../common/validation/query-decorators.js';
import { DataSource, type ObjectLiteral, type ReplicationMode } from 'typeorm';
import { OrganizationAccessService } from '../auth/organization-access.service.js';
import type { OrganizationContext } from '../auth/principal.js';
import { DatabaseStatements } from '../database/database-statements.js';
import { buildDataSourceOptions, DEFAULT_DATABASE_SETTINGS } from '../database/database.options.js';
import {
  ListHostConnectionsQueryDto,
  ORDER_DIRECTIONS,
  ORDER_FIELDS,
  SEARCH_FIELDS,
} from './dto/list-host-connections.query.dto.js';
import { HostConnection } from './entities/host-connection.entity.js';
import {
  countQuery,
  type FilterShape,
  type ListValues,
  pageQuery,
  type PageShape,
} from './host-connections.queries.js';
import { HostConnectionsService } from './host-connections.service.js';

// Snapshots of the SQL each query shape sends, so a change to it shows in review.
// After an intended change: npm test -- src/host-connections/host-connections.service.spec.ts -u

/** A DataSource that never connects: it only builds the entity metadata. */
class UnconnectedDataSource extends DataSource {
  async buildMetadataWithoutConnecting(): Promise<void> {
    await this.buildMetadatas();
  }
}

/** Records each statement, and where it would have run, instead of running it. */
class RecordingStatements extends DatabaseStatements {
  readonly statements: string[] = [];
  readonly targets: ReplicationMode[] = [];

  override query<T extends ObjectLiteral>(
    mode: ReplicationMode,
    sql: string,
    parameters: readonly unknown[],
  ): Promise<T[]> {
    this.statements.push(`${sql.trim()}\n-- parameters: ${JSON.stringify(parameters)}`);
    this.targets.push(mode);
    return Promise.resolve([]);
  }

  clear(): void {
    this.statements.length = 0;
    this.targets.length = 0;
  }
}

const GUEST = '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b';
const HOST = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
const SELF: OrganizationContext = {
  requesterId: GUEST,
  targetId: GUEST,
  mode: 'self',
  partyId: null,
};
const CROSS: OrganizationContext = {
  requesterId: HOST,
  targetId: GUEST,
  mode: 'cross',
  partyId: HOST,
};
const PAGE = { statuses: 'connected', limit: '10', offset: '20' };
const ORDER_BY = [
  'host_name',
  'host_email',
  'owner_email',
  'created_at',
  'updated_at',
  'archived_at',
  'active_action_updated_at',
];

describe('HostConnectionsService SQL', () => {
  let dataSource: UnconnectedDataSource;
  let recorder: RecordingStatements;
  let service: HostConnectionsService;

  beforeAll(async () => {
    dataSource = new UnconnectedDataSource(
      buildDataSourceOptions({
        ...DEFAULT_DATABASE_SETTINGS,
        DATABASE_URL: 'postgres://never-connected.invalid/none',
      }),
    );
    await dataSource.buildMetadataWithoutConnecting();
    recorder = new RecordingStatements(dataSource);
    service = new HostConnectionsService(dataSource.getRepository(HostConnection), recorder);
  });

  beforeEach(() => {
    recorder.clear();
  });

  // Every statement one list() call sends, in a stable order (page and count may race).
  async function statementsOf(
    org: OrganizationContext,
    raw: Record<string, string | string[]>,
  ): Promise<string> {
    await service.list(org, readQuery(ListHostConnectionsQueryDto, raw));
    return [...recorder.statements].sort().join('\n\n');
  }

  it.each(ORDER_BY.flatMap((orderBy) => ['asc', 'desc'].map((orderDir) => [orderBy, orderDir])))(
    'should order by %s %s',
    async (orderBy, orderDir) => {
      const sql = await statementsOf(SELF, { ...PAGE, order_by: orderBy, order_dir: orderDir });

      expect(sql).toMatchSnapshot();
    },
  );

  it.each<[string, Record<string, string | string[]>]>([
    ['no optional filter', {}],
    ['both statuses', { statuses: ['connected', 'disconnected'] }],
    ['archived', { archived: 'true' }],
    ['not archived', { archived: 'false' }],
    ['action types', { active_action_types: 'documents_update_request,analytics_request' }],
    ['a host_name search', { search_text: '50%_off\\' }],
    ['a host_email search', { search_field: 'host_email', search_text: 'acme' }],
    ['an owner_email search', { search_field: 'owner_email', search_text: 'jane' }],
    [
      'every filter',
      {
        statuses: 'disconnected',
        archived: '0',
        active_action_types: 'analytics_request',
        search_field: 'owner_email',
        search_text: 'a',
        order_by: 'archived_at',
        order_dir: 'desc',
      },
    ],
    ['limit 0', { limit: '0' }],
  ])('should filter with %s', async (_, filters) => {
    const sql = await statementsOf(SELF, { ...PAGE, ...filters });

    expect(sql).toMatchSnapshot();
  });

  it('should restrict a cross-organization list to the requester as host', async () => {
    const sql = await statementsOf(CROSS, PAGE);

    expect(sql).toMatchSnapshot();
  });

  it('should look for a connected link in either direction', async () => {
    const access = new OrganizationAccessService(
      dataSource.getRepository(HostConnection),
      recorder,
    );

    await access.hasConnectedLink(HOST, GUEST);

    expect(recorder.statements.join('\n\n')).toMatchSnapshot();
    expect(recorder.targets).toEqual(['master']);
  });

  // Every shape the statement cache can hold: 448 pages and 32 counts.
  const FILTER_SHAPES: FilterShape[] = [false, true].flatMap((archived) =>
    [false, true].flatMap((actionTypes) =>
      [null, ...SEARCH_FIELDS].flatMap((search) =>
        [false, true].map((cross) => ({ archived, actionTypes, search, cross })),
      ),
    ),
  );
  const PAGE_SHAPES: PageShape[] = FILTER_SHAPES.flatMap((filters) =>
    ORDER_FIELDS.flatMap((field) =>
      ORDER_DIRECTIONS.map((direction) => ({ ...filters, order: { field, direction } })),
    ),
  );

  function requestOf(shape: PageShape, limit: number, offset: number) {
    const org = shape.cross ? CROSS : SELF;
    const raw: Record<string, string> = {
      statuses: 'connected,disconnected',
      order_by: shape.order.field,
      order_dir: shape.order.direction,
      limit: String(limit),
      offset: String(offset),
    };
    if (shape.archived) raw.archived = 'false';
    if (shape.actionTypes) raw.active_action_types = 'analytics_request';
    if (shape.search !== null) {
      raw.search_field = shape.search;
      raw.search_text = '50%_off';
    }
    const values: ListValues = {
      targetId: org.targetId,
      partyId: org.partyId,
      statuses: ['connected', 'disconnected'],
      limit,
      offset,
      ...(shape.archived && { archived: false }),
      ...(shape.actionTypes && { actionTypes: ['analytics_request'] }),
      ...(shape.search !== null && { pattern: '%50\\%\\_off%' }),
    };
    return { org, query: readQuery(ListHostConnectionsQueryDto, raw), values };
  }

  // What the query builder itself produces for the shape, with the request's values.
  function built(
    statement: ReturnType<typeof pageQuery> | ReturnType<typeof countQuery>,
    values: ListValues,
  ) {
    const [sql, parameters] = statement.setParameters(values).getQueryAndParameters();
    return `${sql.trim()}\n-- parameters: ${JSON.stringify(parameters)}`;
  }

  it('should send, for every shape the cache holds, exactly what the query builder builds', async () => {
    const mismatches: string[] = [];
    const texts = new Set<string>();

    for (const shape of PAGE_SHAPES) {
      // Twice, with other values: the second request is served from the cache.
      for (const [limit, offset] of [
        [10, 20],
        [7, 0],
      ]) {
        const { org, query, values } = requestOf(shape, limit, offset);
        recorder.clear();
        await service.list(org, query);
        const [page] = recorder.statements;
        if (page !== built(pageQuery(dataSource.manager, shape), values))
          mismatches.push(`page ${JSON.stringify(shape)}`);
        texts.add(page.split('\n')[0]);
      }
    }
    for (const shape of FILTER_SHAPES) {
      const { org, query, values } = requestOf(
        { ...shape, order: { field: 'host_name', direction: 'asc' } },
        0,
        0,
      );
      recorder.clear();
      await service.list(org, query);
      if (recorder.statements[0] !== built(countQuery(dataSource.manager, shape), values))
        mismatches.push(`count ${JSON.stringify(shape)}`);
      texts.add(recorder.statements[0].split('\n')[0]);
    }

    expect(mismatches).toEqual([]);
    expect(PAGE_SHAPES.length + FILTER_SHAPES.length).toBe(480);
    // Each shape its own text, whatever the values: limit and offset are parameters too.
    expect(texts.size).toBe(480);
  });
});
