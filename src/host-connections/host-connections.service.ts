import { Injectable, Logger } from '@nestjs/common';
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
import type { ConnectionUpdate } from './connection-request.decorators.js';
import { entityTagOf, ifMatchAllows } from './entity-tag.js';
import { ConnectionNotFoundError, PreconditionFailedError } from './host-connection.errors.js';
import {
  applyChanges,
  type ConnectionChanges,
  connectionQuery,
} from './host-connection.queries.js';

/** Who asked for a change, for the audit line. */
export interface AuditActor {
  requestId: string | undefined;
  subject: string | null;
}

// The fields a PATCH can change, directly or as a consequence.
const AUDITED_FIELDS = ['status', 'archived', 'archived_at', 'updated_at'] as const;

@Injectable()
export class HostConnectionsService {
  private readonly listStatements: ListStatements;
  private readonly audit = new Logger('HostConnectionsAudit');

  constructor(
    @InjectRepository(HostConnection) private readonly connections: Repository<HostConnection>,
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

  /** One connection of the target guest; in cross mode only the requester's own one. */
  async findOne(org: OrganizationContext, hostId: string): Promise<HostConnectionDto> {
    // In cross mode any other host is answered as missing, before any query: whether the
    // guest works with that host cannot show, not even in the time the answer takes.
    if (org.partyId !== null && hostId !== org.partyId) throw new ConnectionNotFoundError();
    const row = await connectionQuery(
      this.connections,
      { guestId: org.targetId, hostId },
      { forUpdate: false },
    ).getRawOne<HostConnectionDto>();
    if (row === undefined) throw new ConnectionNotFoundError();
    return toHostConnection(row);
  }

  /**
   * Applies a PATCH in one transaction on the primary, with the row locked from the read
   * to the commit: If-Match is checked against the row that will be changed, and two
   * PATCHes of one connection never interleave. Nothing is written when nothing changes.
   */
  async update(
    org: OrganizationContext,
    { hostId, changes }: ConnectionUpdate,
    ifMatch: string | undefined,
    actor: AuditActor,
  ): Promise<HostConnectionDto> {
    const key = { guestId: org.targetId, hostId };
    const { before, after } = await this.connections.manager.transaction(async (manager) => {
      const current = await connectionQuery(manager.getRepository(HostConnection), key, {
        forUpdate: true,
      }).getRawOne<HostConnectionDto>();
      if (current === undefined) throw new ConnectionNotFoundError();
      const locked = toHostConnection(current);
      if (!ifMatchAllows(ifMatch, entityTagOf(locked))) throw new PreconditionFailedError();
      const effective = effectiveChanges(locked, changes);
      if (effective === undefined) return { before: locked, after: locked };
      return {
        before: locked,
        after: toHostConnection(await applyChanges(manager, key, effective)),
      };
    });
    if (after !== before) this.auditChange(org, actor, before, after);
    return after;
  }

  // One line per committed change, for whoever must later answer "who archived this?".
  private auditChange(
    org: OrganizationContext,
    actor: AuditActor,
    before: HostConnectionDto,
    after: HostConnectionDto,
  ): void {
    const changes = AUDITED_FIELDS.filter((field) => before[field] !== after[field]).map(
      (field) => ({ field, from: before[field], to: after[field] }),
    );
    this.audit.log({
      msg: 'host connection changed',
      requestId: actor.requestId,
      requesterOrganizationId: org.requesterId,
      subject: actor.subject,
      hostOrganizationId: after.host_organization_id,
      guestOrganizationId: after.guest_organization_id,
      changes,
    });
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

/** The part of `requested` that differs from `current`, or undefined when nothing does. */
function effectiveChanges(
  current: HostConnectionDto,
  requested: ConnectionChanges,
): ConnectionChanges | undefined {
  const effective: ConnectionChanges = {};
  if (requested.archived !== undefined && requested.archived !== current.archived)
    effective.archived = requested.archived;
  if (requested.status !== undefined && requested.status !== current.status)
    effective.status = requested.status;
  return Object.keys(effective).length === 0 ? undefined : effective;
}
