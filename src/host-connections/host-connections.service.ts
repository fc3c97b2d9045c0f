import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import type { OrganizationContext } from '../auth/principal.js';
import { PooledStatements } from '../database/pooled-statements.js';
import type {
  HostConnectionDto,
  HostConnectionListDto,
} from './dto/host-connection.response.dto.js';
import type { ListHostConnectionsQueryDto } from './dto/list-host-connections.query.dto.js';
import { HostConnection } from './entities/host-connection.entity.js';
import {
  countQuery,
  type ListFilters,
  type ListOrder,
  pageQuery,
  type PageRow,
} from './host-connections.queries.js';

/** Runs one statement and resolves to its rows. */
export type StatementRunner = <T extends ObjectLiteral>(
  statement: SelectQueryBuilder<ObjectLiteral>,
) => Promise<T[]>;

@Injectable()
export class HostConnectionsService {
  constructor(
    @InjectRepository(HostConnection) private readonly connections: Repository<HostConnection>,
    private readonly statements: PooledStatements,
  ) {}

  list(
    org: OrganizationContext,
    query: ListHostConnectionsQueryDto,
  ): Promise<HostConnectionListDto> {
    return this.listWith(org, query, (statement) => this.statements.read(statement));
  }

  /**
   * list(), with the statements run by `run`: the benchmark's framework-free baseline
   * passes a bare pg pool, so both run the very same SQL and logic.
   */
  async listWith(
    org: OrganizationContext,
    query: ListHostConnectionsQueryDto,
    run: StatementRunner,
  ): Promise<HostConnectionListDto> {
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
    if (query.limit > 0) {
      const rows = await run<PageRow>(pageQuery(this.connections, org, filters, order, query));
      // An empty first page means nothing matches; past the last row the total is unknown.
      if (rows.length > 0 || query.offset === 0) {
        return {
          items: rows.map(toHostConnection),
          total_items: Number(rows[0]?.total_items ?? 0),
        };
      }
    }
    const [count] = await run<{ total_items: string }>(countQuery(this.connections, org, filters));
    return { items: [], total_items: Number(count?.total_items ?? 0) };
  }
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
