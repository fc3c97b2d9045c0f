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
  await insertOrganizations(db, [row]);
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
  await insertConnections(db, [row]);
  return row;
}

// host_name / host_email are filled in by the database from the host organization.
const CONNECTION_COLUMNS = [
  'host_organization_id',
  'guest_organization_id',
  'owner_email',
  'status',
  'archived',
  'archived_at',
  'active_action_type',
  'active_action_updated_at',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof ConnectionRow>;
const ORGANIZATION_COLUMNS = ['id', 'name', 'email'] as const satisfies ReadonlyArray<
  keyof OrganizationRow
>;

/** One multi-row INSERT, so a test can store hundreds of rows in one round trip. */
async function insertRows<Row>(
  db: DataSource,
  table: string,
  columns: ReadonlyArray<keyof Row & string>,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const tuples = rows.map(
    (_, row) =>
      `(${columns.map((_column, column) => `$${row * columns.length + column + 1}`).join(', ')})`,
  );
  await db.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
    rows.flatMap((row) => columns.map((column) => row[column])),
  );
}

export async function insertOrganizations(
  db: DataSource,
  rows: readonly OrganizationRow[],
): Promise<void> {
  await insertRows(db, 'organizations', ORGANIZATION_COLUMNS, rows);
}

export async function insertConnections(
  db: DataSource,
  rows: readonly ConnectionRow[],
): Promise<void> {
  await insertRows(db, 'host_connections', CONNECTION_COLUMNS, rows);
}

export async function truncateAll(db: DataSource): Promise<void> {
  await db.query('TRUNCATE host_connections, organizations');
}
