import type { QueryRunner } from 'typeorm';
import { withoutRowByRowWork } from './bulk-load.js';

export interface WriteCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

// A row is written only when a value differs, so a re-import changes nothing and fires no
// trigger. Unchanged rows are left out before the INSERT: ON CONFLICT ... DO UPDATE ...
// WHERE would still lock (and so rewrite the page of) every row it skips. xmax = 0 tells a
// fresh insert from an update.
const UPSERT_ORGANIZATIONS = `
  WITH written AS (
    INSERT INTO organizations AS o (id, name, email)
    SELECT i.id, i.name, i.email FROM import_organizations i
     WHERE NOT EXISTS (SELECT FROM organizations s
                        WHERE s.id = i.id AND (s.name, s.email) = (i.name, i.email))
     ORDER BY i.id
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email
    RETURNING (o.xmax = 0) AS inserted)
  SELECT count(*) FILTER (WHERE inserted)::integer AS inserted,
         count(*) FILTER (WHERE NOT inserted)::integer AS updated
    FROM written`;

// Rows go in guest order, the order of every index, so index pages are touched once.
// host_name and host_email are normally left to the table's trigger, as for every writer;
// a bulk load disables it and copies them in the same statement instead.
function upsertConnectionsStatement(copyHostColumns: boolean): string {
  return `
  WITH written AS (
    INSERT INTO host_connections AS c (guest_organization_id, host_organization_id,
      ${copyHostColumns ? 'host_name, host_email,' : ''}
      owner_email, status, archived, archived_at, active_action_type, active_action_updated_at,
      created_at, updated_at)
    SELECT i.guest_organization_id, i.host_organization_id,
           ${copyHostColumns ? 'host.name, host.email,' : ''}
           i.owner_email, i.status, i.archived, i.archived_at, i.active_action_type,
           i.active_action_updated_at, i.created_at, i.updated_at
      FROM import_connections i
      ${copyHostColumns ? 'JOIN organizations host ON host.id = i.host_organization_id' : ''}
     WHERE NOT EXISTS (
       SELECT FROM host_connections s
        WHERE s.guest_organization_id = i.guest_organization_id
          AND s.host_organization_id = i.host_organization_id
          AND (s.owner_email, s.status, s.archived, s.archived_at, s.active_action_type,
               s.active_action_updated_at, s.created_at, s.updated_at)
              IS NOT DISTINCT FROM
              (i.owner_email, i.status, i.archived, i.archived_at, i.active_action_type,
               i.active_action_updated_at, i.created_at, i.updated_at))
     ORDER BY i.guest_organization_id, i.host_organization_id
    ON CONFLICT (guest_organization_id, host_organization_id) DO UPDATE SET
      owner_email = EXCLUDED.owner_email, status = EXCLUDED.status,
      archived = EXCLUDED.archived, archived_at = EXCLUDED.archived_at,
      active_action_type = EXCLUDED.active_action_type,
      active_action_updated_at = EXCLUDED.active_action_updated_at,
      created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
    RETURNING (c.xmax = 0) AS inserted)
  SELECT count(*) FILTER (WHERE inserted)::integer AS inserted,
         count(*) FILTER (WHERE NOT inserted)::integer AS updated
    FROM written`;
}

const COUNT_NEW_CONNECTIONS = `
  SELECT (SELECT count(*) FROM host_connections)::bigint AS existing,
         (SELECT count(*) FROM import_connections i
           WHERE NOT EXISTS (SELECT FROM host_connections c
                              WHERE c.guest_organization_id = i.guest_organization_id
                                AND c.host_organization_id = i.host_organization_id))::bigint
           AS added`;

/**
 * Below this many new connections, maintaining the indexes row by row is cheap enough,
 * and readers are never blocked.
 */
export const DEFAULT_BULK_LOAD_THRESHOLD = 50_000;

async function counted(
  runner: QueryRunner,
  statement: string,
  staged: number,
): Promise<WriteCounts> {
  const [row] = (await runner.query(statement)) as Array<{ inserted: number; updated: number }>;
  return { ...row, unchanged: staged - row.inserted - row.updated };
}

export function upsertOrganizations(runner: QueryRunner, staged: number): Promise<WriteCounts> {
  return counted(runner, UPSERT_ORGANIZATIONS, staged);
}

export interface ConnectionWrite extends WriteCounts {
  bulkLoaded: boolean;
}

/**
 * Upserts the staged connections. When they at least double the table (a first load),
 * they are bulk loaded: several times faster than row-by-row index, trigger and foreign
 * key work, at the price of an exclusive lock on host_connections until the import commits.
 */
export async function upsertConnections(
  runner: QueryRunner,
  staged: number,
  bulkLoadThreshold: number,
): Promise<ConnectionWrite> {
  const [{ existing, added }] = (await runner.query(COUNT_NEW_CONNECTIONS)) as Array<{
    existing: string;
    added: string;
  }>;
  if (Number(added) < Math.max(bulkLoadThreshold, Number(existing))) {
    const counts = await counted(runner, upsertConnectionsStatement(false), staged);
    return { ...counts, bulkLoaded: false };
  }
  const counts = await withoutRowByRowWork(runner, () =>
    counted(runner, upsertConnectionsStatement(true), staged),
  );
  return { ...counts, bulkLoaded: true };
}
