import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface SoakData {
  /** Guests with GUEST_HOSTS hosts each. */
  guests: string[];
  /** A host of guests[0], allowed to look at it (cross-organization). */
  hostOfFirstGuest: string;
  /** An organization with no connection to guests[0]. */
  stranger: string;
}

const GUESTS = 20;
const HOSTS = 1000;
const GUEST_HOSTS = 200;

/** Organizations and connections with every column varied, inserted in a few statements. */
export async function seedSoakData(db: DataSource): Promise<SoakData> {
  const guests = Array.from({ length: GUESTS }, () => randomUUID());
  const hosts = Array.from({ length: HOSTS }, () => randomUUID());
  await db.query(
    `INSERT INTO organizations (id, name, email)
     SELECT id, name, lower(replace(name, ' ', '.')) || '@example.com'
       FROM unnest($1::uuid[], $2::text[]) AS o (id, name)`,
    [
      [...guests, ...hosts],
      [...guests.map((_, i) => `Guest ${i}`), ...hosts.map((_, i) => `Host ${i} Freight`)],
    ],
  );
  const pairs = guests.flatMap((guest, g) =>
    Array.from({ length: GUEST_HOSTS }, (_, k) => ({
      guest,
      host: hosts[(g * 50 + k) % HOSTS],
      n: k,
    })),
  );
  await db.query(
    `INSERT INTO host_connections (host_organization_id, guest_organization_id, owner_email, status,
       archived, archived_at, active_action_type, active_action_updated_at, created_at, updated_at)
     SELECT host, guest, 'owner' || n || '@example.com',
            (CASE WHEN n % 5 = 0 THEN 'disconnected' ELSE 'connected' END)::connection_status,
            n % 7 = 0, CASE WHEN n % 7 = 0 THEN now() - n * interval '1 hour' END,
            (CASE n % 3 WHEN 0 THEN 'analytics_request' WHEN 1 THEN 'documents_update_request' END)::action_type,
            CASE WHEN n % 3 < 2 THEN now() - n * interval '1 minute' END,
            now() - n * interval '1 day', now() - n * interval '1 second'
       FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS p (host, guest, n)`,
    [pairs.map((p) => p.host), pairs.map((p) => p.guest), pairs.map((p) => p.n)],
  );
  // guests[0] has hosts 0..199 (host 1 is connected: 1 % 5 != 0); host 900 never meets it.
  return { guests, hostOfFirstGuest: hosts[1], stranger: hosts[900] };
}
