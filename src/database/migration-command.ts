import { type DataSource, MigrationExecutor } from 'typeorm';
import { type CommandOutput, runCommand, UsageError } from '../common/cli/run-cli.js';
import { createCliDataSource } from './cli-data-source.js';

const USAGE =
  'Usage: node dist/src/database/cli.js migrate|revert   (DATABASE_URL names the database)';

// TypeORM takes no lock of its own: two deployments migrating at once would both apply
// the same migration. Any fixed number works; it only has to be the same everywhere.
const MIGRATION_LOCK = 7_413_003;

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      return await work();
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await lock.release();
  }
}

async function migrate(dataSource: DataSource, output: CommandOutput): Promise<void> {
  // One transaction for all pending migrations: a failure leaves the schema as it was.
  const applied = await dataSource.runMigrations({ transaction: 'all' });
  if (applied.length === 0) output.out('The database schema is up to date.');
  for (const migration of applied) output.out(`Applied ${migration.name}`);
}

async function revert(dataSource: DataSource, output: CommandOutput): Promise<void> {
  // undoLastMigration reverts the executed migration with the latest timestamp.
  const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
  const last = executed.sort((a, b) => b.timestamp - a.timestamp)[0];
  if (last === undefined) {
    output.out('No migration to revert.');
    return;
  }
  await dataSource.undoLastMigration({ transaction: 'all' });
  output.out(`Reverted ${last.name}`);
}

/** `npm run db:migrate` / `npm run db:revert`: applies every pending migration, or undoes the last one. */
export function runMigrationCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
): Promise<number> {
  return runCommand('Migration', output, async () => {
    const [action] = args;
    if (args.length !== 1 || (action !== 'migrate' && action !== 'revert')) {
      throw new UsageError(USAGE);
    }
    const dataSource = createCliDataSource(env);
    await dataSource.initialize();
    try {
      await withMigrationLock(dataSource, () =>
        action === 'migrate' ? migrate(dataSource, output) : revert(dataSource, output),
      );
      return 0;
    } finally {
      await dataSource.destroy();
    }
  });
}
