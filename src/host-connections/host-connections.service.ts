import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { OrganizationContext } from '../auth/principal.js';
import { escapeLike } from '../common/validation/escape-like.js';
import { DatabaseStatements } from '../database/database-statements.js';
import type {
  HostConnectionDto,
  HostConnectionListDto,
} from './dto/host-connection.response.dto.js';
import type { ListHostConnectionsQueryDto } from './dto/list-host-connections.query.dto.js';
import { HostConnection } from './entities/host-connection.entity.js';
import {
  bind,
  type FilterShape,
  ListStatements,
  type ListValues,
  type PageRow,
} from './host-connections.queries.js';

@Injectable()
export class HostConnectionsService {
  private readonly listStatements: ListStatements;

  constructor(
    @InjectRepository(HostConnection) connections: Repository<HostConnection>,
    private readonly statements: DatabaseStatements,
  ) {
    this.listStatements = new ListStatements(connections.manager);
  }

  async list(
    org: OrganizationContext,
    query: ListHostConnectionsQueryDto,
  ): Promise<HostConnectionListDto> {
    const shape: FilterShape = {
      archived: query.archived !== undefined,
      actionTypes: query.active_action_types !== undefined,
      search: query.search_text === undefined ? null : query.search_field,
      cross: org.partyId !== null,
    };
    const values: ListValues = {
      targetId: org.targetId,
      partyId: org.partyId,
      statuses: query.statuses,
      archived: query.archived,
      actionTypes: query.active_action_types,
      pattern: query.search_text === undefined ? undefined : `%${escapeLike(query.search_text)}%`,
      limit: query.limit,
      offset: query.offset,
    };
    if (query.limit > 0) {
      const page = this.listStatements.page({
        ...shape,
        order: { field: query.order_by, direction: query.order_dir },
      });
      const rows = await this.read<PageRow>(page.sql, bind(page, values));
      // An empty first page means nothing matches; past the last row the total is unknown.
      if (rows.length > 0 || query.offset === 0) {
        return {
          items: rows.map(toHostConnection),
          total_items: Number(rows[0]?.total_items ?? 0),
        };
      }
    }
    const count = this.listStatements.count(shape);
    const [total] = await this.read<{ total_items: string }>(count.sql, bind(count, values));
    return { items: [], total_items: Number(total?.total_items ?? 0) };
  }

  // Lists may lag the primary a little: TypeORM sends them to a read replica if any.
  private read<T extends object>(sql: string, parameters: unknown[]): Promise<T[]> {
    return this.statements.query<T>('slave', sql, parameters);
  }
}

function toHostConnection(row: HostConnectionDto): HostConnectionDto {
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
