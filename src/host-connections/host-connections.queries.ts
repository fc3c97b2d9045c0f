import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import type { OrganizationContext } from '../auth/principal.js';
import { escapeLike } from '../common/validation/escape-like.js';
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

export interface ListFilters {
  statuses: ConnectionStatus[];
  archived?: boolean;
  actionTypes?: ActionType[];
  search?: { field: SearchField; text: string };
}

export interface ListOrder {
  field: OrderField;
  direction: OrderDirection;
}

/** A page row: the contract's fields, and the total every row of the page carries. */
export type PageRow = HostConnectionDto & { total_items: string };

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
  connections: Repository<HostConnection>,
  org: OrganizationContext,
  filters: ListFilters,
  order: ListOrder,
  page: { limit: number; offset: number },
): SelectQueryBuilder<HostConnection> {
  const qb = connections.createQueryBuilder(ROW).select([]);
  for (const [alias, expression] of ROW_COLUMNS) qb.addSelect(expression, alias);
  if (filters.search === undefined) {
    qb.addSelect(
      (total: SelectQueryBuilder<ObjectLiteral>) => countInto(total, org, filters),
      'total_items',
    );
  } else {
    qb.addSelect('page.total_items', 'total_items');
  }
  qb.innerJoin(
    (keys: SelectQueryBuilder<ObjectLiteral>) => pageKeys(keys, org, filters, order, page),
    'page',
    `page.host_organization_id = ${ROW}.host_organization_id`,
  ).where(`${ROW}.guest_organization_id = :targetId`, { targetId: org.targetId });
  applyOrder(qb, order, ROW);
  return qb;
}

/** `total_items` alone: for limit=0, and for a page past the last row. */
export function countQuery(
  connections: Repository<HostConnection>,
  org: OrganizationContext,
  filters: ListFilters,
): SelectQueryBuilder<ObjectLiteral> {
  // The untyped builder of the manager: countInto picks the table itself.
  const statement = connections.manager.createQueryBuilder() as SelectQueryBuilder<ObjectLiteral>;
  return countInto(statement, org, filters);
}

function pageKeys(
  keys: SelectQueryBuilder<ObjectLiteral>,
  org: OrganizationContext,
  filters: ListFilters,
  order: ListOrder,
  { limit, offset }: { limit: number; offset: number },
): SelectQueryBuilder<ObjectLiteral> {
  if (filters.search === undefined) {
    keys.select(`${KEY}.host_organization_id`, 'host_organization_id').from(HostConnection, KEY);
    matching(keys, org, filters, KEY);
    applyOrder(keys, order, KEY);
    return keys.limit(limit).offset(offset);
  }
  // A search matches few rows, found through the trigram index; walking the sort index
  // instead and testing every entry can read the whole guest before 100 matches turn up
  // (searching "Quillon" in host_name order passes every name from A to P first). OFFSET 0
  // keeps PostgreSQL from merging the matches into the ordered scan. Counted there, the
  // matches are not looked up a second time.
  const { column } = ORDER_COLUMNS[order.field];
  keys
    .select(`${MATCH}.host_organization_id`, 'host_organization_id')
    .addSelect('count(*) OVER ()', 'total_items')
    .from((matches: SelectQueryBuilder<ObjectLiteral>) => {
      matches
        .select(`${KEY}.host_organization_id`, 'host_organization_id')
        .addSelect(`${KEY}.${column}`, column)
        .from(HostConnection, KEY);
      matching(matches, org, filters, KEY);
      return matches.offset(0);
    }, MATCH);
  applyOrder(keys, order, MATCH);
  return keys.limit(limit).offset(offset);
}

// Without a search (and outside cross mode, where one row at most can match) the filters
// only combine the counted columns, so the counters answer; otherwise the rows are counted.
function countInto(
  total: SelectQueryBuilder<ObjectLiteral>,
  org: OrganizationContext,
  filters: ListFilters,
): SelectQueryBuilder<ObjectLiteral> {
  if (filters.search === undefined && org.partyId === null) {
    total
      .select(`COALESCE(SUM(${COUNTER}.connections), 0)`, 'total_items')
      .from(HostConnectionCount, COUNTER)
      .where(`${COUNTER}.guest_organization_id = :targetId`, { targetId: org.targetId });
    applyFilters(total, filters, COUNTER);
    return total;
  }
  total.select('count(*)', 'total_items').from(HostConnection, MATCH);
  matching(total, org, filters, MATCH);
  return total;
}

// Every row belongs to the target guest; in cross mode the requester must also be the
// row's host. Keys, matches and counts are scoped here (the counters per guest only); a
// page's rows are the scoped keys, looked up within the target guest.
function matching(
  qb: SelectQueryBuilder<ObjectLiteral>,
  org: OrganizationContext,
  filters: ListFilters,
  alias: string,
): void {
  qb.where(`${alias}.guest_organization_id = :targetId`, { targetId: org.targetId });
  if (org.partyId !== null)
    qb.andWhere(`${alias}.host_organization_id = :partyId`, { partyId: org.partyId });
  applyFilters(qb, filters, alias);
}

function applyFilters(
  qb: SelectQueryBuilder<ObjectLiteral>,
  filters: ListFilters,
  alias: string,
): void {
  qb.andWhere(`${alias}.status = ANY(CAST(:statuses AS connection_status[]))`, {
    statuses: filters.statuses,
  });
  if (filters.archived !== undefined)
    qb.andWhere(`${alias}.archived = :archived`, { archived: filters.archived });
  if (filters.actionTypes !== undefined) {
    qb.andWhere(`${alias}.active_action_type = ANY(CAST(:actionTypes AS action_type[]))`, {
      actionTypes: filters.actionTypes,
    });
  }
  if (filters.search !== undefined) {
    qb.andWhere(`${alias}.${SEARCH_COLUMNS[filters.search.field]} ILIKE :pattern ESCAPE '\\'`, {
      pattern: `%${escapeLike(filters.search.text)}%`,
    });
  }
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
