import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { HostConnection } from '../src/host-connections/entities/host-connection.entity.js';
import {
  changesStatement,
  connectionQuery,
} from '../src/host-connections/host-connection.queries.js';
import { MANIFEST_FILE } from './bench-paths.js';
import { openBenchDatabase } from './bench-database.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';
import { resourceScenarios } from './resource-scenarios.js';

/*
 * Database time of S7's and S8's statements, built by the service's own query functions:
 * the minimum over repeated EXPLAIN ANALYZE runs (planning + execution, triggers included).
 * S8's run inside transactions that are rolled back, so the dataset does not change.
 * Usage: npm run bench:build && node dist/bench/explain-resource.js [repeat]
 */

async function minimumMilliseconds(
  client: pg.Client,
  [sql, parameters]: [string, unknown[]],
  repeat: number,
  inTransaction: boolean,
): Promise<number> {
  const timings: number[] = [];
  for (let i = 0; i < repeat; i++) {
    if (inTransaction) await client.query('BEGIN');
    const { rows } = await client.query<{ 'QUERY PLAN': [Record<string, number>] }>(
      `EXPLAIN (ANALYZE, TIMING OFF, SUMMARY, FORMAT JSON) ${sql}`,
      parameters,
    );
    if (inTransaction) await client.query('ROLLBACK');
    const [plan] = rows[0]['QUERY PLAN'];
    timings.push(plan['Planning Time'] + plan['Execution Time']);
  }
  return Math.min(...timings);
}

const repeat = Number(process.argv[2] ?? 30);
const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
const database = await openBenchDatabase();
const dataSource = new DataSource(
  buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
);
await dataSource.initialize();
const client = new pg.Client({ connectionString: database.url });
await client.connect();
try {
  const connections = dataSource.getRepository(HostConnection);
  for (const scenario of await resourceScenarios(manifest, client)) {
    const key = { guestId: scenario.guestId, hostId: scenario.hostIds[0] };
    const read = connectionQuery(connections, key, { forUpdate: scenario.method === 'PATCH' });
    const readMs = await minimumMilliseconds(client, read.getQueryAndParameters(), repeat, true);
    if (scenario.method === 'GET') {
      console.log(`${scenario.id}: SELECT ${readMs.toFixed(3)} ms`);
      continue;
    }
    const [{ archived }] = (
      await client.query<{ archived: boolean }>(
        'SELECT archived FROM host_connections WHERE guest_organization_id = $1 AND host_organization_id = $2',
        [key.guestId, key.hostId],
      )
    ).rows;
    const update = changesStatement(connections, key, { archived: !archived });
    const updateMs = await minimumMilliseconds(
      client,
      update.getQueryAndParameters(),
      repeat,
      true,
    );
    console.log(
      `${scenario.id}: SELECT … FOR UPDATE ${readMs.toFixed(3)} ms + UPDATE with counter trigger ${updateMs.toFixed(3)} ms = ${(readMs + updateMs).toFixed(3)} ms (BEGIN/COMMIT and the commit's WAL flush not included)`,
    );
  }
} finally {
  await client.end();
  await dataSource.destroy();
  await database.stop();
}
