import type { DataSource, QueryRunner } from 'typeorm';
import { normalizeUuid } from '../../common/validation/uuid.js';
import { reportConflicts } from './cross-record-checks.js';
import { DocumentReader, type Section } from './document-reader.js';
import type { ImportIssue } from './import-issue.js';
import { forEachToken, type ImportSource, InvalidJsonError } from './json-tokens.js';
import type { FieldValue, RawRecord } from './raw-record.js';
import { validateConnection, validateOrganization } from './record-validation.js';
import { Staging } from './staging.js';
import {
  DEFAULT_BULK_LOAD_THRESHOLD,
  upsertConnections,
  upsertOrganizations,
  type WriteCounts,
} from './upsert.js';

export interface ImportOptions {
  /** Called with every issue as it is found, however many there are. */
  onIssue?: (issue: ImportIssue) => void;
  /** How many issues the result keeps (all are counted). */
  keepIssues?: number;
  batchSize?: number;
  /** New connections from which host_connections is bulk loaded (see upsertConnections). */
  bulkLoadThreshold?: number;
}

export interface ImportSummary {
  ok: true;
  organizations: WriteCounts;
  connections: WriteCounts;
  bulkLoaded: boolean;
  /** The tables VACUUM (ANALYZE) brought up to date after the commit, and how long it took. */
  maintenance: { tables: string[]; durationMs: number };
  durationMs: number;
}

export interface ImportRejection {
  ok: false;
  issueCount: number;
  /** The first `keepIssues` issues, in the order they were found. */
  issues: ImportIssue[];
  durationMs: number;
}

export type ImportResult = ImportSummary | ImportRejection;

// Serialises imports: two running at once could deadlock on each other's rows.
const IMPORT_LOCK = 7_413_002;

class IssueLog {
  count = 0;
  readonly kept: ImportIssue[] = [];

  constructor(
    private readonly keep: number,
    private readonly onIssue: (issue: ImportIssue) => void,
  ) {}

  add = (issue: ImportIssue): void => {
    this.count += 1;
    if (this.kept.length < this.keep) this.kept.push(issue);
    this.onIssue(issue);
  };
}

/**
 * Loads an import document (see the contract's "Data import") in one transaction: every
 * record is validated, every invalid one reported with its position, and nothing is
 * written unless all are valid. Organizations are upserted by id, connections by their
 * host-guest pair; a row whose values are unchanged is not touched.
 */
export async function importDocument(
  dataSource: DataSource,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const started = performance.now();
  const issues = new IssueLog(options.keepIssues ?? 1000, options.onIssue ?? (() => undefined));
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const result = await importInTransaction(runner, source, issues, options);
    if (result === undefined) {
      await runner.rollbackTransaction();
      return {
        ok: false,
        issueCount: issues.count,
        issues: issues.kept,
        durationMs: performance.now() - started,
      };
    }
    await runner.commitTransaction();
    const maintenance = await updatePlanner(runner, result);
    return { ok: true, ...result, maintenance, durationMs: performance.now() - started };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * Brings the written tables up to date for the planner at once, rather than whenever
 * autovacuum next comes by (minutes after a large import): ANALYZE gives the statistics
 * the list plans depend on, VACUUM sets the visibility map so that counts and page keys
 * stay index-only scans that never read the table. After commit, as VACUUM cannot run in
 * a transaction; VACUUM skips the pages already all-visible, so a small import pays
 * little for it.
 */
async function updatePlanner(
  runner: QueryRunner,
  written: Omit<ImportSummary, 'ok' | 'durationMs' | 'maintenance'>,
): Promise<ImportSummary['maintenance']> {
  const started = performance.now();
  const changed = (counts: WriteCounts) => counts.inserted + counts.updated > 0;
  const tables = [
    ...(changed(written.organizations) ? ['organizations'] : []),
    // The counters are written by the triggers of host_connections.
    ...(changed(written.connections) ? ['host_connections', 'host_connection_counts'] : []),
  ];
  if (tables.length > 0) {
    // VACUUM of a million rows outlasts the service's statement timeout.
    await runner.query('SET statement_timeout = 0');
    try {
      await runner.query(`VACUUM (ANALYZE) ${tables.join(', ')}`);
    } finally {
      await runner.query('RESET statement_timeout');
    }
  }
  return { tables, durationMs: performance.now() - started };
}

async function importInTransaction(
  runner: QueryRunner,
  source: ImportSource,
  issues: IssueLog,
  options: ImportOptions,
): Promise<Omit<ImportSummary, 'ok' | 'durationMs' | 'maintenance'> | undefined> {
  // A large import legitimately runs for longer than the service's statement timeout.
  await runner.query('SET LOCAL statement_timeout = 0');
  await runner.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
  const staging = await Staging.create(runner, options.batchSize ?? 5000);
  const reader = new DocumentReader({
    record: (section, index, value) => stage(staging, issues, section, index, value),
    issue: issues.add,
  });
  try {
    await forEachToken(
      source,
      (token) => reader.consume(token),
      () => staging.writeFullBatches(),
    );
  } catch (error) {
    if (!(error instanceof InvalidJsonError)) throw error;
    issues.add(error.issue);
    return undefined;
  }
  await staging.finish();
  await reportConflicts(runner, issues.add);
  if (issues.count > 0) return undefined;
  const organizations = await upsertOrganizations(runner, staging.staged.organizations);
  const { bulkLoaded, ...connections } = await upsertConnections(
    runner,
    staging.staged.connections,
    options.bulkLoadThreshold ?? DEFAULT_BULK_LOAD_THRESHOLD,
  );
  return { organizations, connections, bulkLoaded };
}

function stage(
  staging: Staging,
  issues: IssueLog,
  section: Section,
  index: number,
  value: RawRecord | FieldValue,
): void {
  const report = (problems: string[]) => {
    for (const message of problems) issues.add({ position: `${section}[${index}]`, message });
  };
  if (section === 'organizations') {
    const organization = validateOrganization(value);
    if (organization.ok) {
      staging.addOrganization(index, organization.record);
      return;
    }
    report(organization.problems);
    const id =
      value !== null && typeof value === 'object' && 'fields' in value
        ? normalizeUuid(value.fields.get('id'))
        : undefined;
    if (id !== undefined) staging.addRefusedOrganization(id);
  } else {
    const connection = validateConnection(value);
    if (connection.ok) staging.addConnection(index, connection.record);
    else report(connection.problems);
  }
}
