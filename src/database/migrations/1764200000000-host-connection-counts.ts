import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-guest connection counts by (status, archived, active_action_type), kept by triggers.
 *
 * `total_items` must count every matching row. For a guest with 50,000 hosts even an
 * index-only count reads 50,000 index entries (several milliseconds, on every page), while
 * the filters without a search only ever combine these three columns: summing at most
 * 2 × 2 × 3 rows of this table gives the same number in microseconds. Searches and
 * cross-organization requests still count host_connections itself (their matches are few).
 *
 * Statement-level triggers with transition tables apply one aggregated change per
 * statement, so a bulk import of 10,000 rows costs one small upsert, not 10,000.
 * Writers of the same guest and combination queue on that counter row until commit.
 */
export class HostConnectionCounts1764200000000 implements MigrationInterface {
  name = 'HostConnectionCounts1764200000000';

  async up(db: QueryRunner): Promise<void> {
    // The backfill must see every row, and no write may slip in before the triggers exist.
    await db.query(`LOCK TABLE host_connections IN SHARE ROW EXCLUSIVE MODE`);
    // No CHECK (connections >= 0): INSERT … ON CONFLICT checks the proposed row, whose
    // count is a negative delta after deletes.
    await db.query(`
      CREATE TABLE host_connection_counts (
        guest_organization_id uuid NOT NULL,
        status connection_status NOT NULL,
        archived boolean NOT NULL,
        active_action_type action_type,
        connections bigint NOT NULL,
        CONSTRAINT host_connection_counts_key UNIQUE NULLS NOT DISTINCT
          (guest_organization_id, status, archived, active_action_type)
      )`);
    for (const [event, counted] of TRIGGER_CHANGES) {
      await db.query(`
        CREATE FUNCTION host_connection_counts_after_${event}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO host_connection_counts AS n
            SELECT guest_organization_id, status, archived, active_action_type, sum(delta)
            FROM (${counted}) AS changes
            GROUP BY guest_organization_id, status, archived, active_action_type
            HAVING sum(delta) <> 0
            -- One lock order for every writer, so two bulk statements cannot deadlock here.
            ORDER BY guest_organization_id, status, archived, active_action_type
          ON CONFLICT ON CONSTRAINT host_connection_counts_key
            DO UPDATE SET connections = n.connections + EXCLUDED.connections;
          RETURN NULL;
        END $$`);
      await db.query(`
        CREATE TRIGGER host_connection_counts_after_${event}
          AFTER ${event.toUpperCase()} ON host_connections
          REFERENCING ${TRANSITION_TABLES[event]}
          FOR EACH STATEMENT EXECUTE FUNCTION host_connection_counts_after_${event}()`);
    }
    await db.query(`
      CREATE FUNCTION host_connection_counts_after_truncate() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE host_connection_counts;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER host_connection_counts_after_truncate
        AFTER TRUNCATE ON host_connections
        FOR EACH STATEMENT EXECUTE FUNCTION host_connection_counts_after_truncate()`);
    await db.query(`
      INSERT INTO host_connection_counts
        SELECT guest_organization_id, status, archived, active_action_type, count(*)
        FROM host_connections
        GROUP BY guest_organization_id, status, archived, active_action_type`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER host_connection_counts_after_truncate ON host_connections`);
    await db.query(`DROP FUNCTION host_connection_counts_after_truncate()`);
    for (const [event] of TRIGGER_CHANGES) {
      await db.query(`DROP TRIGGER host_connection_counts_after_${event} ON host_connections`);
      await db.query(`DROP FUNCTION host_connection_counts_after_${event}()`);
    }
    await db.query(`DROP TABLE host_connection_counts`);
  }
}

const row = (table: string, delta: number) =>
  `SELECT guest_organization_id, status, archived, active_action_type, ${delta} AS delta FROM ${table}`;

const TRANSITION_TABLES = {
  insert: 'NEW TABLE AS new_rows',
  update: 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
  delete: 'OLD TABLE AS old_rows',
};

// The counter changes each kind of statement makes: +1 per new row, -1 per old row.
const TRIGGER_CHANGES: ReadonlyArray<readonly ['insert' | 'update' | 'delete', string]> = [
  ['insert', row('new_rows', 1)],
  ['update', `${row('new_rows', 1)} UNION ALL ${row('old_rows', -1)}`],
  ['delete', row('old_rows', -1)],
];
