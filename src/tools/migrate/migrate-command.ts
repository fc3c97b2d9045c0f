import { type DataSource, MigrationExecutor } from 'typeorm';
import { migrateWithLock, withMigrationLock } from '../../database/migration-lock.js';
import { type CommandOutput, runCommand, UsageError } from '../run-cli.js';
import { createCliDataSource } from '../cli-data-source.js';

export const USAGE =
  'Usage: node dist/src/tools/migrate/migrate.cli.js migrate|revert   (DATABASE_URL names the database)';

async function migrate(dataSource: DataSource, output: CommandOutput): Promise<void> {
  const applied = await migrateWithLock(dataSource);
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
      if (action === 'migrate') await migrate(dataSource, output);
      else await withMigrationLock(dataSource, () => revert(dataSource, output));
      return 0;
    } finally {
      await dataSource.destroy();
    }
  });
}
