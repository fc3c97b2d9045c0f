import type { DataSource } from 'typeorm';
import type { HostConnectionDto } from '../../src/host-connections/dto/host-connection.response.dto.js';
import type {
  ActionType,
  ConnectionStatus,
} from '../../src/host-connections/entities/host-connection.entity.js';

// A second, deliberately naive reading of the contract, for tests to compare the service
// with. It shares no code with the service.

export type SearchField = 'host_name' | 'host_email' | 'owner_email';
export type OrderBy =
  SearchField | 'created_at' | 'updated_at' | 'archived_at' | 'active_action_updated_at';
export type OrderDir = 'asc' | 'desc';

export const ORDER_BY_VALUES: readonly OrderBy[] = [
  'host_name',
  'host_email',
  'owner_email',
  'created_at',
  'updated_at',
  'archived_at',
  'active_action_updated_at',
];

export interface ModelQuery {
  statuses: ConnectionStatus[];
  search?: { field: SearchField; text: string };
  orderBy: OrderBy;
  orderDir: OrderDir;
  archived?: boolean;
  actionTypes?: ActionType[];
  limit: number;
  offset: number;
}

/** Which rows a request may see: the target's, and in cross mode only those it hosts. */
export interface ModelAccess {
  targetId: string;
  hostId: string | null;
}

export type TextRanks = ReadonlyMap<string, number>;

/**
 * The contract orders text "by the database's collation": PostgreSQL itself ranks the
 * strings, so the model holds for whatever locale the server was created with.
 */
export async function rankTexts(db: DataSource, texts: Iterable<string>): Promise<TextRanks> {
  const rows: Array<{ s: string }> = await db.query(
    'SELECT s FROM unnest($1::text[]) AS s ORDER BY s',
    [[...new Set(texts)]],
  );
  return new Map(rows.map((row, rank) => [row.s, rank]));
}

export function textsOf(rows: readonly HostConnectionDto[]): string[] {
  return rows.flatMap((row) => [row.host_name, row.host_email, row.owner_email]);
}

function rankOf(ranks: TextRanks, text: string): number {
  const rank = ranks.get(text);
  if (rank === undefined) throw new Error(`no collation rank for ${JSON.stringify(text)}`);
  return rank;
}

/**
 * The contract's total order: the column in the chosen direction with NULLs last either
 * way, then host_organization_id ascending. Timestamps are canonical
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` strings, which sort like the instants they name.
 */
export function contractOrder(
  orderBy: OrderBy,
  orderDir: OrderDir,
  ranks: TextRanks,
): (a: HostConnectionDto, b: HostConnectionDto) => number {
  const sign = orderDir === 'asc' ? 1 : -1;
  const isText = orderBy === 'host_name' || orderBy === 'host_email' || orderBy === 'owner_email';
  return (a, b) => {
    const x = a[orderBy];
    const y = b[orderBy];
    let byColumn = 0;
    if (x === null || y === null) {
      byColumn = x === y ? 0 : x === null ? 1 : -1;
    } else if (isText) {
      byColumn = sign * (rankOf(ranks, x) - rankOf(ranks, y));
    } else if (x !== y) {
      byColumn = sign * (x < y ? -1 : 1);
    }
    if (byColumn !== 0) return byColumn;
    return a.host_organization_id < b.host_organization_id ? -1 : 1;
  };
}

function matches(row: HostConnectionDto, access: ModelAccess, query: ModelQuery): boolean {
  if (row.guest_organization_id !== access.targetId) return false;
  if (access.hostId !== null && row.host_organization_id !== access.hostId) return false;
  if (!query.statuses.includes(row.status)) return false;
  if (query.archived !== undefined && row.archived !== query.archived) return false;
  if (
    query.actionTypes !== undefined &&
    (row.active_action_type === null || !query.actionTypes.includes(row.active_action_type))
  ) {
    return false;
  }
  if (query.search !== undefined) {
    const haystack = row[query.search.field].toLowerCase();
    if (!haystack.includes(query.search.text.toLowerCase())) return false;
  }
  return true;
}

/** What GET /host-connections must answer for these stored rows, access and query. */
export function expectedPage(
  rows: readonly HostConnectionDto[],
  access: ModelAccess,
  query: ModelQuery,
  ranks: TextRanks,
): { items: HostConnectionDto[]; total_items: number } {
  const matching = rows
    .filter((row) => matches(row, access, query))
    .sort(contractOrder(query.orderBy, query.orderDir, ranks));
  return {
    items: matching.slice(query.offset, query.offset + query.limit),
    total_items: matching.length,
  };
}
