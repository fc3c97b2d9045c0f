import type { QueryRunner } from 'typeorm';
import type { ImportIssue } from './import-issue.js';

// What no single record shows: ids and pairs given twice, and connections naming an
// organization that is neither in the file nor stored. Found once into a temporary table,
// then read page by page, so even a file that is all duplicates is reported in bounded
// memory.
const FIND_CONFLICTS = `
  CREATE TEMP TABLE import_conflicts ON COMMIT DROP AS
  SELECT 0 AS section, file_index, 'duplicate_id' AS kind, id AS first_id, NULL::uuid AS second_id,
         first_index
    FROM (SELECT file_index, id, min(file_index) OVER (PARTITION BY id) AS first_index
            FROM import_organizations) organization
   WHERE file_index <> first_index
  UNION ALL
  SELECT 1, file_index, 'duplicate_pair', host_organization_id, guest_organization_id, first_index
    FROM (SELECT file_index, host_organization_id, guest_organization_id,
                 min(file_index) OVER (PARTITION BY guest_organization_id, host_organization_id)
                   AS first_index
            FROM import_connections) connection
   WHERE file_index <> first_index
  UNION ALL
  SELECT 1, c.file_index, reference.kind, reference.id, NULL, NULL
    FROM import_connections c
   CROSS JOIN LATERAL (VALUES ('unknown_host', c.host_organization_id),
                              ('unknown_guest', c.guest_organization_id)) AS reference (kind, id)
   -- One anti join against every id known, not one per table: with three NOT EXISTS a
   -- freshly analyzed small organizations table made PostgreSQL 15 expect one surviving
   -- reference and scan the staged organizations once per connection (minutes, not ms).
   WHERE NOT EXISTS (
           SELECT FROM (SELECT id FROM import_organizations
                        UNION ALL SELECT id FROM organizations
                        UNION ALL SELECT id FROM import_refused_organizations) known
            WHERE known.id = reference.id)`;

const PAGE_SIZE = 10_000;

const READ_PAGE = `
  SELECT section, file_index, kind, first_id, second_id, first_index
    FROM import_conflicts
   WHERE (section, file_index, kind) > ($1, $2, $3)
   ORDER BY section, file_index, kind
   LIMIT ${PAGE_SIZE}`;

interface ConflictRow {
  section: number;
  file_index: number;
  kind: 'duplicate_id' | 'duplicate_pair' | 'unknown_host' | 'unknown_guest';
  first_id: string;
  second_id: string | null;
  first_index: number | null;
}

function toIssue(row: ConflictRow): ImportIssue {
  switch (row.kind) {
    case 'duplicate_id':
      return {
        position: `organizations[${row.file_index}]`,
        message: `id ${row.first_id} appears more than once; first at organizations[${row.first_index}]`,
      };
    case 'duplicate_pair':
      return {
        position: `connections[${row.file_index}]`,
        message: `the pair host ${row.first_id}, guest ${row.second_id} appears more than once; first at connections[${row.first_index}]`,
      };
    case 'unknown_host':
    case 'unknown_guest':
      return {
        position: `connections[${row.file_index}]`,
        message: `${row.kind === 'unknown_host' ? 'host' : 'guest'}_organization_id ${row.first_id} is not an organization of this file or of the database`,
      };
  }
}

/** Reports every conflict, in file order; returns how many there were. */
export async function reportConflicts(
  runner: QueryRunner,
  report: (issue: ImportIssue) => void,
): Promise<number> {
  await runner.query(FIND_CONFLICTS);
  let count = 0;
  let after: [number, number, string] = [-1, -1, ''];
  for (;;) {
    const rows = (await runner.query(READ_PAGE, after)) as ConflictRow[];
    for (const row of rows) report(toIssue(row));
    count += rows.length;
    if (rows.length < PAGE_SIZE) return count;
    const last = rows[rows.length - 1];
    after = [last.section, last.file_index, last.kind];
  }
}
