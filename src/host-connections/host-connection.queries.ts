import type { EntityManager, Repository, SelectQueryBuilder, UpdateQueryBuilder } from 'typeorm';
import type { HostConnectionDto } from './dto/host-connection.response.dto.js';
import { type ConnectionStatus, HostConnection } from './entities/host-connection.entity.js';

/** The columns PATCH may change, with the values they get. */
export interface ConnectionChanges {
  archived?: boolean;
  status?: ConnectionStatus;
}

const ROW = 'c';

// JS Date keeps milliseconds only; formatting in SQL returns the stored microseconds.
const timestamp = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${column}`;

// The representation, in the contract's field order; unqualified, so the same text serves
// the SELECT and the UPDATE's RETURNING clause.
const REPRESENTATION = [
  'host_organization_id',
  'guest_organization_id',
  'host_name',
  'host_email',
  'owner_email',
  'status',
  'archived',
  timestamp('created_at'),
  timestamp('updated_at'),
  timestamp('archived_at'),
  'active_action_type',
  timestamp('active_action_updated_at'),
].join(', ');

/**
 * One connection of a guest, by its host. With `forUpdate` the row stays locked until the
 * transaction ends, so a PATCH reads, compares and writes a row no one else changes.
 */
export function connectionQuery(
  connections: Repository<HostConnection>,
  key: { guestId: string; hostId: string },
  options: { forUpdate: boolean },
): SelectQueryBuilder<HostConnection> {
  const qb = connections
    .createQueryBuilder(ROW)
    .select(REPRESENTATION)
    .where(`${ROW}.guest_organization_id = :guestId`, { guestId: key.guestId })
    .andWhere(`${ROW}.host_organization_id = :hostId`, { hostId: key.hostId });
  return options.forUpdate ? qb.setLock('pessimistic_write') : qb;
}

/**
 * The UPDATE of a row the transaction holds locked, returning the new representation. The
 * time is the database's, taken when the UPDATE starts (after the lock was granted):
 * updated_at and archived_at get the same microsecond, and a PATCH that waited for another
 * one never stamps an earlier time than it.
 */
export function changesStatement(
  connections: Repository<HostConnection>,
  key: { guestId: string; hostId: string },
  changes: ConnectionChanges,
): UpdateQueryBuilder<HostConnection> {
  const now = () => 'statement_timestamp()';
  return connections
    .createQueryBuilder()
    .update()
    .set({
      updatedAt: now,
      ...(changes.status !== undefined && { status: changes.status }),
      ...(changes.archived !== undefined && {
        archived: changes.archived,
        archivedAt: changes.archived ? now : null,
      }),
    })
    .where('guest_organization_id = :guestId', { guestId: key.guestId })
    .andWhere('host_organization_id = :hostId', { hostId: key.hostId })
    .returning(REPRESENTATION);
}

/** Runs changesStatement in the transaction of `manager`. */
export async function applyChanges(
  manager: EntityManager,
  key: { guestId: string; hostId: string },
  changes: ConnectionChanges,
): Promise<HostConnectionDto> {
  const result = await changesStatement(
    manager.getRepository(HostConnection),
    key,
    changes,
  ).execute();
  const [row] = result.raw as HostConnectionDto[];
  return row;
}
