import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadFile, withoutSecondaryIndexes } from '../bench/dataset/bulk-load.js';
import { DATASET_SHAPE, type DatasetManifest } from '../bench/dataset/dataset-shape.js';
import { DATA_FILE, writeDataset } from '../bench/dataset/write-dataset.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// The benchmark's data path end to end on a small shape: generator, file, loader, schema.
const SHAPE = {
  ...DATASET_SHAPE,
  organizations: 1_500,
  connections: 9_000,
  bigGuestHosts: [1_200, 800],
  midGuests: 15,
  midGuestHosts: { min: 21, max: 200 },
};

const INDEX_DEFINITIONS = `SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index
  WHERE indrelid = 'host_connections'::regclass ORDER BY 1`;

describe('bench dataset', () => {
  let directory: string;
  let database: TestDatabase;
  let client: pg.Client;
  let manifest: DatasetManifest;
  let indexesBefore: unknown[];
  let loaded: Record<string, number>;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'bench-dataset-'));
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    manifest = await writeDataset(SHAPE, directory);
    indexesBefore = (await client.query(INDEX_DEFINITIONS)).rows;
    await client.query('BEGIN');
    loaded = await withoutSecondaryIndexes(client, () =>
      loadFile(client, join(directory, DATA_FILE)),
    );
    await client.query('COMMIT');
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('should load every organization and connection of the file', async () => {
    const { rows } = await client.query<{ organizations: number; connections: number }>(
      `SELECT (SELECT count(*) FROM organizations)::int AS organizations,
              (SELECT count(*) FROM host_connections)::int AS connections`,
    );

    expect(loaded).toEqual({ organizations: 1_500, connections: 9_000 });
    expect(rows[0]).toEqual({ organizations: 1_500, connections: 9_000 });
    expect(manifest.connections).toBe(9_000);
  });

  it('should rebuild the secondary indexes exactly as the migrations created them', async () => {
    expect((await client.query(INDEX_DEFINITIONS)).rows).toEqual(indexesBefore);
  });

  it("should leave host names and counters to the schema's triggers", async () => {
    const { rows } = await client.query<{ stale: number; counted: number }>(
      `SELECT (SELECT count(*) FROM host_connections c JOIN organizations o ON o.id = c.host_organization_id
               WHERE c.host_name <> o.name OR c.host_email <> o.email)::int AS stale,
              (SELECT sum(connections) FROM host_connection_counts)::int AS counted`,
    );

    expect(rows[0]).toEqual({ stale: 0, counted: 9_000 });
  });

  it('should name guests and organizations that fit the scenarios', async () => {
    const count = async (sql: string, parameters: unknown[]) =>
      (await client.query<{ n: number }>(sql, parameters)).rows[0].n;
    const [biggest] = manifest.bigGuests;

    expect(
      await count(
        'SELECT count(*)::int AS n FROM host_connections WHERE guest_organization_id = $1',
        [biggest.id],
      ),
    ).toBe(1_200);
    expect(manifest.smallGuest.hosts).toBeGreaterThanOrEqual(10);
    expect(
      await count(
        'SELECT count(*)::int AS n FROM host_connections WHERE guest_organization_id = $1',
        [manifest.smallGuest.id],
      ),
    ).toBe(manifest.smallGuest.hosts);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM host_connections
         WHERE guest_organization_id = $1 AND host_organization_id = $2 AND status = 'connected'`,
        [manifest.smallGuest.id, manifest.crossRequesterId],
      ),
    ).toBe(1);
    expect(
      await count(
        'SELECT count(*)::int AS n FROM host_connections WHERE guest_organization_id = $1 AND host_name ILIKE $2',
        [biggest.id, `%${manifest.search.text}%`],
      ),
    ).toBe(manifest.search.hitsInBiggestGuest);
  });
});
