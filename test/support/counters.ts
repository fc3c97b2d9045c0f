import type { DataSource } from 'typeorm';

// The counter rows that differ from a recount of host_connections, both ways: empty when
// the trigger-kept counters are exact.
const DRIFT = `
  (SELECT guest_organization_id, status, archived, active_action_type, connections
     FROM host_connection_counts WHERE connections <> 0
   EXCEPT
   SELECT guest_organization_id, status, archived, active_action_type, count(*)
     FROM host_connections GROUP BY 1, 2, 3, 4)
  UNION ALL
  (SELECT guest_organization_id, status, archived, active_action_type, count(*)
     FROM host_connections GROUP BY 1, 2, 3, 4
   EXCEPT
   SELECT guest_organization_id, status, archived, active_action_type, connections
     FROM host_connection_counts)`;

export function counterDrift(db: DataSource): Promise<unknown[]> {
  return db.query<unknown[]>(DRIFT);
}

/** A connection as stored, timestamps as text with microseconds in UTC. */
export async function storedConnection(
  db: DataSource,
  guestId: string,
  hostId: string,
): Promise<Record<string, unknown> | undefined> {
  const format = (column: string) =>
    `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ${column}`;
  const [row] = await db.query<Array<Record<string, unknown>>>(
    `SELECT status, archived, ${format('archived_at')}, ${format('updated_at')}, xmin::text AS version
       FROM host_connections WHERE guest_organization_id = $1 AND host_organization_id = $2`,
    [guestId, hostId],
  );
  return row;
}
