import { Injectable, Logger } from '@nestjs/common';
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
import type { ConnectionUpdate } from './connection-request.decorators.js';
import { entityTagOf, ifMatchAllows } from './entity-tag.js';
import { ConnectionNotFoundError, PreconditionFailedError } from './host-connection.errors.js';
import {
  applyChanges,
  type ConnectionChanges,
  connectionQuery,
} from './host-connection.queries.js';

/** Runs one statement and resolves to its rows. */
export type StatementRunner = <T extends ObjectLiteral>(
  statement: SelectQueryBuilder<ObjectLiteral>,
) => Promise<T[]>;

/** Who asked for a change, for the audit line. */
export interface AuditActor {
  requestId: string | undefined;
  subject: string | null;
}

// The fields a PATCH can change, directly or as a consequence.
const AUDITED_FIELDS = ['status', 'archived', 'archived_at', 'updated_at'] as const;

@Injectable()
export class HostConnectionsService {
  private readonly audit = new Logger('HostConnectionsAudit');

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
