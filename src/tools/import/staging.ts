import type { QueryRunner } from 'typeorm';
import type { Section } from './document-reader.js';
import type { ConnectionRecord, OrganizationRecord } from './record-validation.js';

// Temporary tables of the import's own transaction: valid records wait here, with their
// position in the file, until duplicates and references have been checked in SQL.
// Column types are taken from the real tables, so staging follows the schema.
const CREATE_TABLES = [
  `CREATE TEMP TABLE import_organizations ON COMMIT DROP AS
     SELECT 0 AS file_index, id, name, email FROM organizations WITH NO DATA`,
  // Ids of organizations whose records were refused: connections to them are not
  // reported a second time as naming an unknown organization.
  `CREATE TEMP TABLE import_refused_organizations ON COMMIT DROP AS
     SELECT id FROM organizations WITH NO DATA`,
  `CREATE TEMP TABLE import_connections ON COMMIT DROP AS
     SELECT 0 AS file_index, host_organization_id, guest_organization_id, owner_email, status,
            archived, archived_at, active_action_type, active_action_updated_at, created_at,
            updated_at
       FROM host_connections WITH NO DATA`,
];

// One statement per batch: the rows travel as one JSON text, which JSON.stringify writes
// ten times faster than pg serialises array parameters. Timestamps stay RFC 3339 text
// until PostgreSQL parses them: a JS Date would drop the microseconds.
const INSERT_BATCH: Record<StagingTable, string> = {
  organizations: `INSERT INTO import_organizations
    SELECT * FROM json_populate_recordset(NULL::import_organizations, $1::json)`,
  refused_organizations: `INSERT INTO import_refused_organizations
    SELECT * FROM json_populate_recordset(NULL::import_refused_organizations, $1::json)`,
  connections: `INSERT INTO import_connections
    SELECT * FROM json_populate_recordset(NULL::import_connections, $1::json)`,
};

type StagingTable = Section | 'refused_organizations';
type StagedRow =
  ((OrganizationRecord | ConnectionRecord) & { file_index: number }) | { id: string };
const TABLES: StagingTable[] = ['organizations', 'refused_organizations', 'connections'];

/**
 * Collects validated records into column batches and writes each full batch while the
 * parser goes on: one write in flight at a time, so memory holds at most two batches.
 */
export class Staging {
  private batches: Record<StagingTable, StagedRow[]> = {
    organizations: [],
    refused_organizations: [],
    connections: [],
  };
  private inFlight: Promise<unknown> = Promise.resolve();
  staged: Record<Section, number> = { organizations: 0, connections: 0 };

  private constructor(
    private readonly runner: QueryRunner,
    private readonly batchSize: number,
  ) {}

  static async create(runner: QueryRunner, batchSize: number): Promise<Staging> {
    for (const statement of CREATE_TABLES) await runner.query(statement);
    return new Staging(runner, batchSize);
  }

  // A validated record belongs to staging alone: its position is added in place, since a
  // copy per record costs over a second per million.
  addOrganization(index: number, record: OrganizationRecord): void {
    this.batches.organizations.push(Object.assign(record, { file_index: index }));
  }

  addRefusedOrganization(id: string): void {
    this.batches.refused_organizations.push({ id });
  }

  addConnection(index: number, record: ConnectionRecord): void {
    this.batches.connections.push(Object.assign(record, { file_index: index }));
  }

  /** Starts writing every batch that is full; waits only for the previous write. */
  async writeFullBatches(): Promise<void> {
    for (const table of TABLES) {
      if (this.batches[table].length >= this.batchSize) await this.write(table);
    }
  }

  /** Writes whatever is left and waits until everything is in the staging tables. */
  async finish(): Promise<void> {
    for (const table of TABLES) await this.write(table);
    await this.inFlight;
    await this.runner.query('ANALYZE import_organizations, import_connections');
  }

  private async write(table: StagingTable): Promise<void> {
    const batch = this.batches[table];
    if (batch.length === 0) return;
    this.batches[table] = [];
    const rows = JSON.stringify(batch);
    await this.inFlight;
    if (table !== 'refused_organizations') this.staged[table] += batch.length;
    this.inFlight = this.runner.query(INSERT_BATCH[table], [rows]);
    // Awaited by the next write or by finish(); this only keeps Node from reporting an
    // unhandled rejection in between.
    this.inFlight.catch(() => undefined);
  }
}
