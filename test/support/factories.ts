import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type {
  ActionType,
  ConnectionStatus,
} from '../../src/host-connections/entities/host-connection.entity.js';

export interface OrganizationRow {
  id: string;
  name: string;
  email: string;
}

export interface ConnectionRow {
  host_organization_id: string;
  guest_organization_id: string;
  owner_email: string;
  status: ConnectionStatus;
  archived: boolean;
  archived_at: string | null;
  active_action_type: ActionType | null;
  active_action_updated_at: string | null;
  created_at: string;
  updated_at: string;
}

let sequence = 0;

export async function anOrganization(
  db: DataSource,
  overrides: Partial<OrganizationRow> = {},
): Promise<OrganizationRow> {
  sequence += 1;
  const row: OrganizationRow = {
    id: randomUUID(),
    name: `Organization ${sequence}`,
    email: `org${sequence}@example.com`,
    ...overrides,
  };
  await db.query('INSERT INTO organizations (id, name, email) VALUES ($1, $2, $3)', [
    row.id,
    row.name,
    row.email,
  ]);
  return row;
}

export async function aConnection(
  db: DataSource,
  host: { id: string },
  guest: { id: string },
  overrides: Partial<Omit<ConnectionRow, 'host_organization_id' | 'guest_organization_id'>> = {},
): Promise<ConnectionRow> {
  const row: ConnectionRow = {
    host_organization_id: host.id,
    guest_organization_id: guest.id,
    owner_email: 'owner@example.com',
    status: 'connected',
    archived: false,
    archived_at: null,
    active_action_type: null,
    active_action_updated_at: null,
    created_at: '2025-01-01T00:00:00.000000Z',
    updated_at: '2025-01-01T00:00:00.000000Z',
    ...overrides,
  };
  await db.query(
    `INSERT INTO host_connections (host_organization_id, guest_organization_id, owner_email, status, archived,
       archived_at, active_action_type, active_action_updated_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      row.host_organization_id,
      row.guest_organization_id,
      row.owner_email,
      row.status,
      row.archived,
      row.archived_at,
      row.active_action_type,
      row.active_action_updated_at,
      row.created_at,
      row.updated_at,
    ],
  );
  return row;
}

export async function truncateAll(db: DataSource): Promise<void> {
  await db.query('TRUNCATE host_connections, organizations');
}
