import type { DataSource, Migration } from 'typeorm';

// TypeORM takes no lock of its own: two deployments migrating at once would both apply
// the same migration. Any fixed number works; it only has to be the same everywhere.
const MIGRATION_LOCK = 7_413_003;

export async function withMigrationLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
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

/**
 * Applies every pending migration in one transaction (a failure leaves the schema as it
 * was), while holding the lock that keeps a second run from applying them too.
 */
export function migrateWithLock(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'all' }));
}
