import { Column, Entity, PrimaryColumn } from 'typeorm';
import {
  ACTION_TYPES,
  type ActionType,
  CONNECTION_STATUSES,
  type ConnectionStatus,
} from './host-connection.entity.js';

/**
 * How many of a guest's connections have one combination of the filter columns, kept by
 * triggers on host_connections (migration 1764200000000). Read-only for the service: it
 * answers `total_items` without counting a big guest's rows one by one.
 */
@Entity({ name: 'host_connection_counts' })
export class HostConnectionCount {
  @PrimaryColumn({ name: 'guest_organization_id', type: 'uuid' })
  guestOrganizationId: string;

  @PrimaryColumn({
    name: 'status',
    type: 'enum',
    enum: CONNECTION_STATUSES,
    enumName: 'connection_status',
  })
  status: ConnectionStatus;

  @PrimaryColumn({ name: 'archived', type: 'boolean' })
  archived: boolean;

  // Part of the table's unique key (NULLS NOT DISTINCT), which TypeORM cannot declare as a
  // primary key because it is nullable; the service only reads this table.
  @Column({
    name: 'active_action_type',
    type: 'enum',
    enum: ACTION_TYPES,
    enumName: 'action_type',
    nullable: true,
  })
  activeActionType: ActionType | null;

  @Column({ name: 'connections', type: 'bigint' })
  connections: string;
}
