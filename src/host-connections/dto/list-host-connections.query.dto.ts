import {
  BooleanQuery,
  EnumArrayQuery,
  EnumQuery,
  IntQuery,
  TextQuery,
} from '../../common/validation/query-decorators.js';
import {
  ACTION_TYPES,
  type ActionType,
  CONNECTION_STATUSES,
  type ConnectionStatus,
} from '../entities/host-connection.entity.js';

export const SEARCH_FIELDS = ['host_name', 'host_email', 'owner_email'] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];

export const ORDER_FIELDS = [
  'host_name',
  'host_email',
  'owner_email',
  'created_at',
  'updated_at',
  'archived_at',
  'active_action_updated_at',
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export const ORDER_DIRECTIONS = ['asc', 'desc'] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

// 2^53 − 1: the largest offset a JSON client can state exactly.
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
export const MAX_LIMIT = 100;

/** Query parameters of GET /host-connections, named as on the wire. */
export class ListHostConnectionsQueryDto {
  @EnumArrayQuery(CONNECTION_STATUSES, {
    required: true,
    description: 'Connection statuses to include. Repeat the key or separate values with commas.',
    example: ['connected'],
  })
  statuses: ConnectionStatus[];

  @EnumQuery(SEARCH_FIELDS, {
    default: 'host_name',
    description: 'The column `search_text` is matched against.',
  })
  search_field: SearchField = 'host_name';

  @TextQuery({
    minLength: 1,
    maxLength: 255,
    description:
      'Case-insensitive substring to look for in `search_field`; `%`, `_` and `\\` match themselves.',
  })
  search_text?: string;

  @EnumQuery(ORDER_FIELDS, {
    default: 'host_name',
    description:
      'Sort column; ties are broken by `host_organization_id` ascending, NULLs come last.',
  })
  order_by: OrderField = 'host_name';

  @EnumQuery(ORDER_DIRECTIONS, {
    default: 'asc',
    description: 'Sort direction.',
  })
  order_dir: OrderDirection = 'asc';

  @BooleanQuery({
    description: 'Only archived (`true`) or only active (`false`) rows; both when absent.',
  })
  archived?: boolean;

  @EnumArrayQuery(ACTION_TYPES, {
    description:
      'Only rows whose active action is one of these. Repeat the key or separate values with commas.',
  })
  active_action_types?: ActionType[];

  @IntQuery({
    required: true,
    min: 0,
    max: MAX_LIMIT,
    description: 'Page size; 0 returns only `total_items`.',
    example: 10,
  })
  limit: number;

  @IntQuery({
    required: true,
    min: 0,
    max: MAX_OFFSET,
    description: 'Number of rows to skip.',
    example: 0,
  })
  offset: number;
}
