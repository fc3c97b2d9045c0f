import 'reflect-metadata';
import { DataSource, type EntityManager } from 'typeorm';
import { buildDataSourceOptions, DEFAULT_DATABASE_SETTINGS } from '../database/database.options.js';
import { HostConnection } from './entities/host-connection.entity.js';
import { applyChanges, connectionQuery } from './host-connection.queries.js';

// Snapshots of the SQL the single-connection routes send, so a change to it shows in review.
// After an intended change: npm test -- src/host-connections/host-connection.queries.spec.ts -u

/** A DataSource that never connects: it only builds the entity metadata. */
class UnconnectedDataSource extends DataSource {
  async buildMetadataWithoutConnecting(): Promise<void> {
    await this.buildMetadatas();
  }
}

const KEY = {
  guestId: '8f14e45f-ceea-467f-a8b5-0c1f6a0e4f2b',
  hostId: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
};

describe('single-connection SQL', () => {
  let dataSource: UnconnectedDataSource;

  beforeAll(async () => {
    dataSource = new UnconnectedDataSource(
      buildDataSourceOptions({
        ...DEFAULT_DATABASE_SETTINGS,
        DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      }),
    );
    await dataSource.buildMetadataWithoutConnecting();
  });

  it.each([false, true])(
    'should read one connection by its key when forUpdate is %s',
    (forUpdate) => {
      const statement = connectionQuery(dataSource.getRepository(HostConnection), KEY, {
        forUpdate,
      });

      expect(statement.getQueryAndParameters()).toMatchSnapshot();
    },
  );

  it.each([
    ['archiving', { archived: true }],
    ['unarchiving', { archived: false }],
    ['a status change', { status: 'disconnected' as const }],
    ['both', { archived: true, status: 'connected' as const }],
  ])('should set only the changed columns and the database time for %s', async (_name, changes) => {
    const statements: Array<[string, unknown[] | undefined]> = [];
    // A manager whose query runner records the statement instead of running it.
    const manager: EntityManager = dataSource.createEntityManager(
      Object.assign(dataSource.createQueryRunner(), {
        query: (sql: string, parameters?: unknown[]) => {
          statements.push([sql, parameters]);
          return Promise.resolve({ records: [{}], raw: [{}], affected: 1 });
        },
      }),
    );

    await applyChanges(manager, KEY, changes);

    expect(statements).toMatchSnapshot();
  });
});
