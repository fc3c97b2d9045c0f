import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { HostConnectionDto } from './dto/host-connection.response.dto.js';
import type {
  OrderDirection,
  OrderField,
  SearchField,
} from './dto/list-host-connections.query.dto.js';
import { HostConnectionCount } from './entities/host-connection-count.entity.js';
import {
  type ActionType,
  type ConnectionStatus,
  HostConnection,
} from './entities/host-connection.entity.js';

/** Which filters a list applies, and in which mode: what its SQL text depends on. */
export interface FilterShape {
  archived: boolean;
  actionTypes: boolean;
  search: SearchField | null;
  cross: boolean;
}

export interface ListOrder {
  field: OrderField;
  direction: OrderDirection;
}

export interface PageShape extends FilterShape {
  order: ListOrder;
}

/** Every value a list statement uses. Values are always parameters, never SQL text. */
export interface ListValues {
  targetId: string;
  partyId: string | null;
  statuses: ConnectionStatus[];
  archived?: boolean;
  actionTypes?: ActionType[];
  /** The ILIKE pattern of a search, already escaped. */
  pattern?: string;
  limit: number;
  offset: number;
}

type ParameterName = keyof ListValues;

const PARAMETER_NAMES: readonly ParameterName[] = [
  'targetId',
  'partyId',
  'statuses',
  'archived',
  'actionTypes',
  'pattern',
  'limit',
  'offset',
];

/** SQL text with `$n` placeholders, and the value each placeholder takes, in order. */
export interface Statement {
  sql: string;
  parameters: readonly ParameterName[];
}

/** A page row: the contract's fields, and the total every row of the page carries. */
export type PageRow = HostConnectionDto & { total_items: string };

/**
 * The list statements, built by the query builder once per shape and then reused: the
 * builder costs more CPU than the rest of a small request. The shapes are finite
 * (7 orders × 2 directions × 2 × 2 × 4 × 2 pages, and 32 counts), so the cache is bounded
 * by construction.
 */
export class ListStatements {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly manager: EntityManager) {}

  page(shape: PageShape): Statement {
    const key = `page:${shape.order.field}:${shape.order.direction}:${filterKey(shape)}`;
    return this.cached(key, () => pageQuery(this.manager, shape));
  }

  count(shape: FilterShape): Statement {
    return this.cached(`count:${filterKey(shape)}`, () => countQuery(this.manager, shape));
  }

  private cached(key: string, build: () => SelectQueryBuilder<ObjectLiteral>): Statement {
    let statement = this.cache.get(key);
    if (statement === undefined) {
      statement = compile(build());
      this.cache.set(key, statement);
    }
    return statement;
  }
}

/** The values of `statement`'s placeholders, in their order. */
export function bind(statement: Statement, values: ListValues): unknown[] {
  return statement.parameters.map((name) => values[name]);
}

/**
 * The builder's SQL, with each parameter given its own name as value: TypeORM numbers the
 * placeholders in order of appearance, so the values it returns are the names in order.
 */
export function compile(qb: SelectQueryBuilder<ObjectLiteral>): Statement {
  qb.setParameters(Object.fromEntries(PARAMETER_NAMES.map((name) => [name, name])));
  const [sql, names] = qb.getQueryAndParameters();
  return { sql, parameters: names as ParameterName[] };
}

function filterKey(shape: FilterShape): string {
  return `${shape.archived}:${shape.actionTypes}:${shape.search ?? ''}:${shape.cross}`;
}

// User input never becomes SQL text: columns come from these maps, values are parameters.
const SEARCH_COLUMNS: Record<SearchField, string> = {
  host_name: 'host_name',
  host_email: 'host_email',
  owner_email: 'owner_email',
};

const ORDER_COLUMNS: Record<OrderField, { column: string; nullable: boolean }> = {
  host_name: { column: 'host_name', nullable: false },
  host_email: { column: 'host_email', nullable: false },
  owner_email: { column: 'owner_email', nullable: false },
  created_at: { column: 'created_at', nullable: false },
  updated_at: { column: 'updated_at', nullable: false },
  archived_at: { column: 'archived_at', nullable: true },
  active_action_updated_at: { column: 'active_action_updated_at', nullable: true },
};

// Aliases: the rows of the page, their keys, search matches, counters.
const ROW = 'c';
const KEY = 'k';
const MATCH = 'm';
const COUNTER = 'n';

// JS Date keeps milliseconds only; formatting in SQL returns the stored microseconds.
const timestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const ROW_COLUMNS: ReadonlyArray<readonly [keyof HostConnectionDto, string]> = [
  ['host_organization_id', `${ROW}.host_organization_id`],
  ['guest_organization_id', `${ROW}.guest_organization_id`],
  ['host_name', `${ROW}.host_name`],
  ['host_email', `${ROW}.host_email`],
  ['owner_email', `${ROW}.owner_email`],
  ['status', `${ROW}.status`],
  ['archived', `${ROW}.archived`],
  ['created_at', timestamp(`${ROW}.created_at`)],
  ['updated_at', timestamp(`${ROW}.updated_at`)],
  ['archived_at', timestamp(`${ROW}.archived_at`)],
  ['active_action_type', `${ROW}.active_action_type`],
  ['active_action_updated_at', timestamp(`${ROW}.active_action_updated_at`)],
];

/**
 * One statement for a page and its total, which every row carries: an uncorrelated
 * sub-select (run once), or for a search a window over the matches the keys come from.
 * A page with no rows carries no total: countQuery answers then.
 *
 * The page is a deferred join: the page's keys come first, from the guest's index for the
 * requested order, filtered on the columns that index INCLUDEs, so skipping `offset`
 * entries is an index-only scan that never reads the table; only the `limit` rows found
 * are then read in full, and sorted again (a join does not keep the order).
 */
export function pageQuery(
  manager: EntityManager,
  shape: PageShape,
): SelectQueryBuilder<HostConnection> {
  const qb = manager.createQueryBuilder(HostConnection, ROW).select([]);
  for (const [alias, expression] of ROW_COLUMNS) qb.addSelect(expression, alias);
  if (shape.search === null) {
    qb.addSelect(
      (total: SelectQueryBuilder<ObjectLiteral>) => countInto(total, shape),
      'total_items',
    );
  } else {
    qb.addSelect('page.total_items', 'total_items');
  }
  // The builder's limit() and offset() write their numbers into the text; as parameters
  // the text stays the same for every page.
  const keys = pageKeys(untyped(manager), shape).getQuery();
  qb.innerJoin(
    `(${keys} LIMIT :limit OFFSET :offset)`,
    'page',
    `page.host_organization_id = ${ROW}.host_organization_id`,
  ).where(`${ROW}.guest_organization_id = :targetId`);
  applyOrder(qb, shape.order, ROW);
  return qb;
}

/** `total_items` alone: for limit=0, and for a page past the last row. */
export function countQuery(
  manager: EntityManager,
  shape: FilterShape,
): SelectQueryBuilder<ObjectLiteral> {
  return countInto(untyped(manager), shape);
}

// The untyped builder of the manager: the steps below pick the table themselves.
function untyped(manager: EntityManager): SelectQueryBuilder<ObjectLiteral> {
  return manager.createQueryBuilder() as SelectQueryBuilder<ObjectLiteral>;
}

function pageKeys(
  keys: SelectQueryBuilder<ObjectLiteral>,
  shape: PageShape,
): SelectQueryBuilder<ObjectLiteral> {
  if (shape.search === null) {
    keys.select(`${KEY}.host_organization_id`, 'host_organization_id').from(HostConnection, KEY);
    matching(keys, shape, KEY);
    applyOrder(keys, shape.order, KEY);
    return keys;
  }
  // A search matches few rows, found through the trigram index; walking the sort index
  // instead and testing every entry can read the whole guest before 100 matches turn up
  // (searching "Quillon" in host_name order passes every name from A to P first). OFFSET 0
  // keeps PostgreSQL from merging the matches into the ordered scan. Counted there, the
  // matches are not looked up a second time.
  const { column } = ORDER_COLUMNS[shape.order.field];
  keys
    .select(`${MATCH}.host_organization_id`, 'host_organization_id')
    .addSelect('count(*) OVER ()', 'total_items')
    .from((matches: SelectQueryBuilder<ObjectLiteral>) => {
      matches
        .select(`${KEY}.host_organization_id`, 'host_organization_id')
        .addSelect(`${KEY}.${column}`, column)
        .from(HostConnection, KEY);
      matching(matches, shape, KEY);
      return matches.offset(0);
    }, MATCH);
  applyOrder(keys, shape.order, MATCH);
  return keys;
}

// Without a search (and outside cross mode, where one row at most can match) the filters
// only combine the counted columns, so the counters answer; otherwise the rows are counted.
function countInto(
  total: SelectQueryBuilder<ObjectLiteral>,
  shape: FilterShape,
): SelectQueryBuilder<ObjectLiteral> {
  if (shape.search === null && !shape.cross) {
    total
      .select(`COALESCE(SUM(${COUNTER}.connections), 0)`, 'total_items')
      .from(HostConnectionCount, COUNTER)
      .where(`${COUNTER}.guest_organization_id = :targetId`);
    applyFilters(total, shape, COUNTER);
    return total;
  }
  total.select('count(*)', 'total_items').from(HostConnection, MATCH);
  matching(total, shape, MATCH);
  return total;
}

// Every row belongs to the target guest; in cross mode the requester must also be the
// row's host. Keys, matches and counts are scoped here (the counters per guest only); a
// page's rows are the scoped keys, looked up within the target guest.
function matching(qb: SelectQueryBuilder<ObjectLiteral>, shape: FilterShape, alias: string): void {
  qb.where(`${alias}.guest_organization_id = :targetId`);
  if (shape.cross) qb.andWhere(`${alias}.host_organization_id = :partyId`);
  applyFilters(qb, shape, alias);
}

function applyFilters(
  qb: SelectQueryBuilder<ObjectLiteral>,
  shape: FilterShape,
  alias: string,
): void {
  qb.andWhere(`${alias}.status = ANY(CAST(:statuses AS connection_status[]))`);
  if (shape.archived) qb.andWhere(`${alias}.archived = :archived`);
  if (shape.actionTypes)
    qb.andWhere(`${alias}.active_action_type = ANY(CAST(:actionTypes AS action_type[]))`);
  if (shape.search !== null)
    qb.andWhere(`${alias}.${SEARCH_COLUMNS[shape.search]} ILIKE :pattern ESCAPE '\\'`);
}

// Total and stable: the chosen column, then host_organization_id ascending. NULLS LAST is
// spelled out only for nullable columns, so DESC on the others can walk their index
// backwards.
function applyOrder(qb: SelectQueryBuilder<ObjectLiteral>, order: ListOrder, alias: string): void {
  const { column, nullable } = ORDER_COLUMNS[order.field];
  const direction = order.direction === 'asc' ? 'ASC' : 'DESC';
  qb.orderBy(`${alias}.${column}`, direction, nullable ? 'NULLS LAST' : undefined).addOrderBy(
    `${alias}.host_organization_id`,
    'ASC',
  );
}
