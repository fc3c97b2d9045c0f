/*
 * The lean baseline's own SQL: plain strings, written out here rather than built, for the
 * shapes the benchmark's scenarios use. baseline-statements.spec.ts checks each one equal
 * to what the service sends for the same shape, so both servers ask PostgreSQL the same.
 */

/** The values a baseline statement binds, by name, in placeholder order. */
export type BaselineValue =
  'targetId' | 'partyId' | 'statuses' | 'archived' | 'actionTypes' | 'pattern' | 'limit' | 'offset';

export interface BaselineStatement {
  sql: string;
  parameters: readonly BaselineValue[];
}

const utc = (column: string) =>
  `to_char("c"."${column}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "${column}"`;

const ROW_COLUMNS = [
  ...['status', 'archived', 'host_organization_id', 'guest_organization_id'],
  ...['host_name', 'host_email', 'owner_email'],
]
  .map((column) => `"c"."${column}" AS "${column}"`)
  .concat(
    [utc('created_at'), utc('updated_at'), utc('archived_at')],
    '"c"."active_action_type" AS "active_action_type"',
    utc('active_action_updated_at'),
  )
  .join(', ');

const STATUS = (alias: string, n: number) =>
  `"${alias}"."status" = ANY(CAST($${n} AS connection_status[]))`;

// Rows of the page looked up by the page's keys, in the page's order.
const page = (total: string, keys: string, order: string) =>
  `SELECT ${ROW_COLUMNS}, ${total} AS "total_items" FROM "host_connections" "c" INNER JOIN (${keys}) "page" ON page.host_organization_id = "c"."host_organization_id" WHERE "c"."guest_organization_id" = $1 ORDER BY ${order}`;

const keys = (where: string, order: string, limit: number) =>
  `SELECT "k"."host_organization_id" AS "host_organization_id" FROM "host_connections" "k" WHERE ${where} ORDER BY ${order} LIMIT $${limit} OFFSET $${limit + 1}`;

const counted = (where: string) =>
  `(SELECT COALESCE(SUM("n"."connections"), 0) AS "total_items" FROM "host_connection_counts" "n" WHERE ${where})`;

const byName = (alias: string, direction: 'ASC' | 'DESC') =>
  `"${alias}"."host_name" ${direction}, "${alias}"."host_organization_id" ASC`;

const ownGuest = (direction: 'ASC' | 'DESC'): BaselineStatement => ({
  sql: page(
    counted(`"n"."guest_organization_id" = $1 AND ${STATUS('n', 2)}`),
    keys(`"k"."guest_organization_id" = $1 AND ${STATUS('k', 2)}`, byName('k', direction), 3),
    byName('c', direction),
  ),
  parameters: ['targetId', 'statuses', 'limit', 'offset'],
});

const ARCHIVED_AT_DESC = (alias: string) =>
  `"${alias}"."archived_at" DESC NULLS LAST, "${alias}"."host_organization_id" ASC`;
const ARCHIVED_AND_ACTIONS = (alias: string) =>
  `"${alias}"."guest_organization_id" = $1 AND ${STATUS(alias, 2)} AND "${alias}"."archived" = $3 AND "${alias}"."active_action_type" = ANY(CAST($4 AS action_type[]))`;

/** Keyed like the service's shapes: order, direction, then the filters given. */
export const BASELINE_STATEMENTS = {
  'host_name asc': ownGuest('ASC'),
  'host_name desc': ownGuest('DESC'),
  'host_name asc, search host_name': {
    sql: page(
      'page.total_items',
      `SELECT m.host_organization_id AS "host_organization_id", count(*) OVER () AS "total_items" FROM (SELECT "k"."host_organization_id" AS "host_organization_id", "k"."host_name" AS "host_name" FROM "host_connections" "k" WHERE "k"."guest_organization_id" = $1 AND ${STATUS('k', 2)} AND "k"."host_name" ILIKE $3 ESCAPE '\\' OFFSET 0) "m" ORDER BY m.host_name ASC, m.host_organization_id ASC LIMIT $4 OFFSET $5`,
      byName('c', 'ASC'),
    ),
    parameters: ['targetId', 'statuses', 'pattern', 'limit', 'offset'],
  },
  'host_name asc, cross': {
    sql: page(
      `(SELECT count(*) AS "total_items" FROM "host_connections" "m" WHERE "m"."guest_organization_id" = $1 AND "m"."host_organization_id" = $2 AND ${STATUS('m', 3)})`,
      keys(
        `"k"."guest_organization_id" = $1 AND "k"."host_organization_id" = $2 AND ${STATUS('k', 3)}`,
        byName('k', 'ASC'),
        4,
      ),
      byName('c', 'ASC'),
    ),
    parameters: ['targetId', 'partyId', 'statuses', 'limit', 'offset'],
  },
  'archived_at desc, archived, action types': {
    sql: page(
      counted(ARCHIVED_AND_ACTIONS('n')),
      keys(ARCHIVED_AND_ACTIONS('k'), ARCHIVED_AT_DESC('k'), 5),
      ARCHIVED_AT_DESC('c'),
    ),
    parameters: ['targetId', 'statuses', 'archived', 'actionTypes', 'limit', 'offset'],
  },
} satisfies Record<string, BaselineStatement>;

export type BaselineShape = keyof typeof BASELINE_STATEMENTS;

/** The access check, on the primary in the service: $1 and $2 are the two organizations. */
export const CONNECTED_LINK_SQL = `SELECT 1 AS "linked" FROM "host_connections" "c" WHERE (("c"."guest_organization_id" = $1 AND "c"."host_organization_id" = $2) OR ("c"."guest_organization_id" = $2 AND "c"."host_organization_id" = $1)) AND "c"."status" = 'connected' LIMIT 1`;

/** A list request as the baseline reads it: only what the scenarios send. */
export interface LeanQuery {
  statuses: string[];
  orderBy: string;
  orderDir: string;
  searchField: string;
  searchText?: string;
  archived?: boolean;
  actionTypes?: string[];
  limit: number;
  offset: number;
}

/** A request the baseline does not serve: it answers 422 rather than guess. */
export class UnsupportedRequest extends Error {}

const STATUSES = new Set(['connected', 'disconnected']);
const ACTION_TYPES = new Set(['documents_update_request', 'analytics_request']);
const KNOWN = new Set([
  'statuses',
  'order_by',
  'order_dir',
  'search_field',
  'search_text',
  'archived',
  'active_action_types',
  'limit',
  'offset',
]);

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) throw new UnsupportedRequest('repeated parameter');
  return value;
}

function enumList(value: string | string[] | undefined, allowed: Set<string>): string[] {
  const items = (Array.isArray(value) ? value : [value ?? '']).flatMap((v) => v.split(','));
  if (!items.every((item) => allowed.has(item))) throw new UnsupportedRequest('enum value');
  return items;
}

function integer(value: string | string[] | undefined, max: number): number {
  const text = single(value);
  if (text === undefined || !/^[0-9]{1,16}$/.test(text) || Number(text) > max)
    throw new UnsupportedRequest('integer');
  return Number(text);
}

/** `raw` as node:querystring parses it, which is how Express reads the service's queries. */
export function leanQuery(raw: Record<string, string | string[] | undefined>): LeanQuery {
  for (const name of Object.keys(raw))
    if (!KNOWN.has(name)) throw new UnsupportedRequest(`unknown parameter ${name}`);
  const archived = single(raw.archived)?.toLowerCase();
  if (archived !== undefined && !['true', 'false', '1', '0'].includes(archived))
    throw new UnsupportedRequest('archived');
  const searchText = single(raw.search_text);
  if (searchText !== undefined && (searchText.length === 0 || searchText.length > 255))
    throw new UnsupportedRequest('search_text');
  return {
    statuses: enumList(raw.statuses, STATUSES),
    orderBy: single(raw.order_by) ?? 'host_name',
    orderDir: single(raw.order_dir) ?? 'asc',
    searchField: single(raw.search_field) ?? 'host_name',
    searchText,
    archived: archived === undefined ? undefined : archived === 'true' || archived === '1',
    actionTypes:
      raw.active_action_types === undefined
        ? undefined
        : enumList(raw.active_action_types, ACTION_TYPES),
    limit: integer(raw.limit, 100),
    offset: integer(raw.offset, Number.MAX_SAFE_INTEGER),
  };
}

/** The statement for `query` and its values; `partyId` is set in cross mode. */
export function baselineStatement(
  query: LeanQuery,
  targetId: string,
  partyId: string | null,
): { sql: string; values: unknown[] } {
  let shape = `${query.orderBy} ${query.orderDir}`;
  if (query.archived !== undefined) shape += ', archived';
  if (query.actionTypes !== undefined) shape += ', action types';
  if (query.searchText !== undefined) shape += `, search ${query.searchField}`;
  if (partyId !== null) shape += ', cross';
  if (!(shape in BASELINE_STATEMENTS) || query.limit === 0)
    throw new UnsupportedRequest(`no statement for ${shape}`);
  const statement: BaselineStatement = BASELINE_STATEMENTS[shape as BaselineShape];
  const values: Record<BaselineValue, unknown> = {
    targetId,
    partyId,
    statuses: query.statuses,
    archived: query.archived,
    actionTypes: query.actionTypes,
    pattern:
      query.searchText === undefined
        ? undefined
        : `%${query.searchText.replace(/[\\%_]/g, (character) => `\\${character}`)}%`,
    limit: query.limit,
    offset: query.offset,
  };
  return { sql: statement.sql, values: statement.parameters.map((name) => values[name]) };
}
