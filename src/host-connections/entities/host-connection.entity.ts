import { Column, Entity, PrimaryColumn } from 'typeorm';

export const CONNECTION_STATUSES = ['connected', 'disconnected'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const ACTION_TYPES = ['documents_update_request', 'analytics_request'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/**
 * One host → guest connection, seen from the guest. `archived` is the guest's own flag.
 * Timestamps are read as text by the list query: a JS Date would drop the microseconds.
 */
@Entity({ name: 'host_connections' })
export class HostConnection {
  @PrimaryColumn({ name: 'guest_organization_id', type: 'uuid' })
  guestOrganizationId: string;

  @PrimaryColumn({ name: 'host_organization_id', type: 'uuid' })
  hostOrganizationId: string;

  // Copies of the host organization's name and email, kept in step by database triggers,
  // so a guest's rows can be filtered and ordered from its own index without a join.
  @Column({ name: 'host_name', type: 'text', insert: false, update: false })
  hostName: string;

  @Column({ name: 'host_email', type: 'text', insert: false, update: false })
  hostEmail: string;

  @Column({ name: 'owner_email', type: 'text' })
  ownerEmail: string;

  @Column({
    name: 'status',
    type: 'enum',
    enum: CONNECTION_STATUSES,
    enumName: 'connection_status',
  })
  status: ConnectionStatus;

  @Column({ name: 'archived', type: 'boolean' })
  archived: boolean;

  @Column({ name: 'archived_at', type: 'timestamptz', nullable: true })
  archivedAt: string | null;

  @Column({
    name: 'active_action_type',
    type: 'enum',
    enum: ACTION_TYPES,
    enumName: 'action_type',
    nullable: true,
  })
  activeActionType: ActionType | null;

  @Column({ name: 'active_action_updated_at', type: 'timestamptz', nullable: true })
  activeActionUpdatedAt: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: string;
}
