import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type pg from 'pg';

const BATCH_ROWS = 10_000;

// PostgreSQL parses each batch (a JSON array of import records) itself: the file is never
// parsed in Node, and one statement inserts ten thousand rows. host_name and host_email
// are left to the triggers, as with any other writer.
const INSERT_BY_SECTION: Record<string, string> = {
  organizations: `INSERT INTO organizations (id, name, email)
    SELECT id, name, email FROM json_populate_recordset(null::organizations, $1::json)`,
  connections: `INSERT INTO host_connections (guest_organization_id, host_organization_id,
      owner_email, status, archived, archived_at, active_action_type, active_action_updated_at,
      created_at, updated_at)
    SELECT guest_organization_id, host_organization_id, owner_email, status, archived,
      archived_at, active_action_type, active_action_updated_at, created_at, updated_at
    FROM json_populate_recordset(null::host_connections, $1::json)`,
};

const SECTION_START = /^"(\w+)": \[$/;

// Secondary indexes of host_connections (not those backing a constraint), as the
// migrations created them: building them once after the load is several times faster
// than maintaining them row by row, and replaying pg_get_indexdef cannot drift.
const SECONDARY_INDEXES = `
  SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
  WHERE i.indrelid = 'host_connections'::regclass
    AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`;

export async function withoutSecondaryIndexes<T>(
  client: pg.Client,
  load: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{ name: string; definition: string }>(SECONDARY_INDEXES);
  for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
  const result = await load();
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  for (const { definition } of rows) await client.query(definition);
  return result;
}

/**
 * Streams the generator's file (one record per line, see JsonLinesDocumentWriter) into
 * PostgreSQL in batches. Reads only that layout: it is the benchmark's fast path until
 * `npm run db:import` exists, not a general importer.
 */
export async function loadFile(client: pg.Client, path: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let section: string | undefined;
  let batch: string[] = [];
  const flush = async () => {
    if (section === undefined || batch.length === 0) return;
    await client.query(INSERT_BY_SECTION[section], [`[${batch.join(',')}]`]);
    counts[section] = (counts[section] ?? 0) + batch.length;
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const start = SECTION_START.exec(line);
    if (start !== null) {
      await flush();
      section = start[1];
      if (!(section in INSERT_BY_SECTION)) throw new Error(`unknown section "${section}"`);
    } else if (line.startsWith('{"')) {
      if (section === undefined) throw new Error('a record before any section');
      batch.push(line.endsWith(',') ? line.slice(0, -1) : line);
      if (batch.length >= BATCH_ROWS) await flush();
    } else if (!/^(\{|\}|\],?)$/.test(line)) {
      throw new Error(`not the generator's one-record-per-line layout: ${line.slice(0, 80)}`);
    }
  }
  await flush();
  return counts;
}
