import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository, SelectQueryBuilder } from 'typeorm';
import type { OrganizationContext } from '../auth/principal.js';
import { escapeLike } from '../common/validation/escape-like.js';
import type {
  HostConnectionDto,
  HostConnectionListDto,
} from './dto/host-connection.response.dto.js';
import type {
  ListHostConnectionsQueryDto,
  OrderDirection,
  OrderField,
  SearchField,
} from './dto/list-host-connections.query.dto.js';
import {
  type ActionType,
  type ConnectionStatus,
  HostConnection,
} from './entities/host-connection.entity.js';

interface ListFilters {
  statuses: ConnectionStatus[];
  archived?: boolean;
  actionTypes?: ActionType[];
  search?: { field: SearchField; text: string };
}

interface ListOrder {
  field: OrderField;
  direction: OrderDirection;
}

// User input never becomes SQL text: columns come from these maps, values are parameters.
const SEARCH_COLUMNS: Record<SearchField, string> = {
  host_name: 'c.host_name',
  host_email: 'c.host_email',
  owner_email: 'c.owner_email',
};

const ORDER_COLUMNS: Record<OrderField, { column: string; nullable: boolean }> = {
  host_name: { column: 'c.host_name', nullable: false },
  host_email: { column: 'c.host_email', nullable: false },
  owner_email: { column: 'c.owner_email', nullable: false },
  created_at: { column: 'c.created_at', nullable: false },
  updated_at: { column: 'c.updated_at', nullable: false },
  archived_at: { column: 'c.archived_at', nullable: true },
  active_action_updated_at: { column: 'c.active_action_updated_at', nullable: true },
};

// JS Date keeps milliseconds only; formatting in SQL returns the stored microseconds.
const timestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

// In the contract's field order: pg returns columns in select order.
const ROW_COLUMNS: ReadonlyArray<readonly [keyof HostConnectionDto, string]> = [
  ['host_organization_id', 'c.host_organization_id'],
  ['guest_organization_id', 'c.guest_organization_id'],
  ['host_name', 'c.host_name'],
  ['host_email', 'c.host_email'],
  ['owner_email', 'c.owner_email'],
  ['status', 'c.status'],
  ['archived', 'c.archived'],
  ['created_at', timestamp('c.created_at')],
  ['updated_at', timestamp('c.updated_at')],
  ['archived_at', timestamp('c.archived_at')],
  ['active_action_type', 'c.active_action_type'],
  ['active_action_updated_at', timestamp('c.active_action_updated_at')],
];

@Injectable()
export class HostConnectionsService {
  constructor(
    @InjectRepository(HostConnection) private readonly connections: Repository<HostConnection>,
  ) {}

  async list(
    org: OrganizationContext,
    query: ListHostConnectionsQueryDto,
  ): Promise<HostConnectionListDto> {
    const { page, count } = this.listQueries(org, query);
    const [rows, total] = await Promise.all([
      page === null ? [] : page.getRawMany<HostConnectionDto>(),
      count.getRawOne<{ total: string }>(),
    ]);
    return { items: rows.map(toHostConnection), total_items: Number(total?.total ?? 0) };
  }

  /** The statements list() runs, for tools that must run exactly the same SQL. */
  listQueries(
    org: OrganizationContext,
    query: ListHostConnectionsQueryDto,
  ): {
    page: SelectQueryBuilder<HostConnection> | null;
    count: SelectQueryBuilder<HostConnection>;
  } {
    const filters: ListFilters = {
      statuses: query.statuses,
      archived: query.archived,
      actionTypes: query.active_action_types,
      search:
        query.search_text === undefined
          ? undefined
          : { field: query.search_field, text: query.search_text },
    };
    const order: ListOrder = { field: query.order_by, direction: query.order_dir };
    return {
      page:
        query.limit === 0 ? null : this.pageQuery(org, filters, order, query.limit, query.offset),
      count: this.countQuery(org, filters),
    };
  }

  private pageQuery(
    org: OrganizationContext,
    filters: ListFilters,
    order: ListOrder,
    limit: number,
    offset: number,
  ): SelectQueryBuilder<HostConnection> {
    const qb = this.scopedToTarget(org).select([]);
    for (const [alias, expression] of ROW_COLUMNS) qb.addSelect(expression, alias);
    applyFilters(qb, filters);
    applyOrder(qb, order);
    return qb.limit(limit).offset(offset);
  }

  private countQuery(
    org: OrganizationContext,
    filters: ListFilters,
  ): SelectQueryBuilder<HostConnection> {
    const qb = this.scopedToTarget(org).select('count(*)', 'total');
    applyFilters(qb, filters);
    return qb;
  }

  // Every row belongs to the target guest; in cross mode the requester must also be the
  // row's host. Both clauses are applied here and nowhere else.
  private scopedToTarget(org: OrganizationContext): SelectQueryBuilder<HostConnection> {
    const qb = this.connections
      .createQueryBuilder('c')
      .where('c.guest_organization_id = :targetId', { targetId: org.targetId });
    if (org.partyId !== null)
      qb.andWhere('c.host_organization_id = :partyId', { partyId: org.partyId });
    return qb;
  }
}

function applyFilters(qb: SelectQueryBuilder<HostConnection>, filters: ListFilters): void {
  qb.andWhere('c.status = ANY(CAST(:statuses AS connection_status[]))', {
    statuses: filters.statuses,
  });
  if (filters.archived !== undefined)
    qb.andWhere('c.archived = :archived', { archived: filters.archived });
  if (filters.actionTypes !== undefined) {
    qb.andWhere('c.active_action_type = ANY(CAST(:actionTypes AS action_type[]))', {
      actionTypes: filters.actionTypes,
    });
  }
  if (filters.search !== undefined) {
    qb.andWhere(`${SEARCH_COLUMNS[filters.search.field]} ILIKE :pattern ESCAPE '\\'`, {
      pattern: `%${escapeLike(filters.search.text)}%`,
    });
  }
}

// Total and stable: the chosen column, then host_organization_id ascending. NULLS LAST is
// spelled out only for nullable columns, so DESC on the others can walk their index
// backwards.
function applyOrder(qb: SelectQueryBuilder<HostConnection>, order: ListOrder): void {
  const { column, nullable } = ORDER_COLUMNS[order.field];
  const direction = order.direction === 'asc' ? 'ASC' : 'DESC';
  qb.orderBy(column, direction, nullable ? 'NULLS LAST' : undefined).addOrderBy(
    'c.host_organization_id',
    'ASC',
  );
}

export function toHostConnection(row: HostConnectionDto): HostConnectionDto {
  return {
    host_organization_id: row.host_organization_id,
    guest_organization_id: row.guest_organization_id,
    host_name: row.host_name,
    host_email: row.host_email,
    owner_email: row.owner_email,
    status: row.status,
    archived: row.archived,
    created_at: row.created_at,
    updated_at: row.updated_at,
    archived_at: row.archived_at,
    active_action_type: row.active_action_type,
    active_action_updated_at: row.active_action_updated_at,
  };
}
