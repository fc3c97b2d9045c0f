import type { QueryRunner } from 'typeorm';

// Everything host_connections does for each written row, read from the catalog so that the
// definitions replayed afterwards are exactly those the migrations made.
const SECONDARY_INDEXES = `
  SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
   WHERE i.indrelid = 'host_connections'::regclass
     AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)`;

const FOREIGN_KEYS = `
  SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint
   WHERE conrelid = 'host_connections'::regclass AND contype = 'f'`;

const COPY_HOST_TRIGGER = 'host_connections_copy_host';

interface Definition {
  name: string;
  definition: string;
}

/**
 * Runs `load` on host_connections stripped of its secondary indexes, foreign keys and the
 * trigger that copies the host's name and email (`load` must write those itself), then
 * restores them: each index is built once from sorted data and each foreign key checked
 * by one join, instead of a million single-row steps. DDL is transactional, so a failure
 * anywhere rolls all of it back; until commit, readers of host_connections wait.
 */
export async function withoutRowByRowWork<T>(
  runner: QueryRunner,
  load: () => Promise<T>,
): Promise<T> {
  const indexes = (await runner.query(SECONDARY_INDEXES)) as Definition[];
  const foreignKeys = (await runner.query(FOREIGN_KEYS)) as Definition[];
  for (const { name } of foreignKeys) {
    await runner.query(`ALTER TABLE host_connections DROP CONSTRAINT ${name}`);
  }
  for (const { name } of indexes) await runner.query(`DROP INDEX ${name}`);
  await runner.query(`ALTER TABLE host_connections DISABLE TRIGGER ${COPY_HOST_TRIGGER}`);

  const result = await load();

  await runner.query(`ALTER TABLE host_connections ENABLE TRIGGER ${COPY_HOST_TRIGGER}`);
  await runner.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  for (const { definition } of indexes) await runner.query(definition);
  for (const { name, definition } of foreignKeys) {
    await runner.query(`ALTER TABLE host_connections ADD CONSTRAINT ${name} ${definition}`);
  }
  return result;
}
