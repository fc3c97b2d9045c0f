import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATA_DIRECTORY, MANIFEST_FILE } from './bench-paths.js';
import {
  type BenchDatabase,
  onServer,
  openBenchDatabase,
  recreateBenchDatabase,
} from './bench-database.js';
import { loadFile, withoutSecondaryIndexes } from './dataset/bulk-load.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';

/*
 * Loads bench/data into a freshly migrated hc_bench. --importer db-import (the default)
 * runs the service's `npm run db:import` (dist/src/tools/import/import.cli.js), as a user
 * fills a database, and the benchmark then measures what the import left: it updates the
 * planner itself. --importer bench uses the benchmark's own loader, then VACUUM ANALYZE.
 */

const IMPORT_CLI = 'dist/src/tools/import/import.cli.js';

async function loadWithBenchLoader(database: BenchDatabase, file: string): Promise<void> {
  const seconds = (from: number, to = Date.now()) => ((to - from) / 1000).toFixed(1);
  await onServer(database.url, async (client) => {
    const started = Date.now();
    let inserted = started;
    await client.query('BEGIN');
    await withoutSecondaryIndexes(client, async () => {
      await loadFile(client, file);
      inserted = Date.now();
    });
    await client.query('COMMIT');
    console.log(`inserts ${seconds(started, inserted)} s, then indexes ${seconds(inserted)} s`);
  });
}

async function loadWithDbImport(database: BenchDatabase, file: string): Promise<void> {
  if (!existsSync(IMPORT_CLI))
    throw new Error(`${IMPORT_CLI} is missing: this tree has no npm run db:import yet`);
  const child = spawn(process.execPath, [IMPORT_CLI, file], {
    env: { ...process.env, DATABASE_URL: database.url },
    stdio: 'inherit',
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`db:import exited with code ${code}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { importer: { type: 'string', default: 'db-import' } } });
  if (values.importer !== 'bench' && values.importer !== 'db-import')
    throw new Error('--importer must be bench or db-import');
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const file = join(DATA_DIRECTORY, manifest.dataFile);
  const database = await openBenchDatabase();
  try {
    await recreateBenchDatabase(database);
    const started = Date.now();
    await (values.importer === 'bench'
      ? loadWithBenchLoader(database, file)
      : loadWithDbImport(database, file));
    const loadedAt = Date.now();
    // Sets the visibility map (index-only scans skip the heap) and the planner statistics.
    if (values.importer === 'bench')
      await onServer(database.url, (client) => client.query('VACUUM (ANALYZE)'));
    const counts = await onServer(database.url, async (client) => {
      const { rows } = await client.query<{ organizations: number; connections: number }>(
        `SELECT (SELECT count(*) FROM organizations)::int AS organizations,
                (SELECT count(*) FROM host_connections)::int AS connections`,
      );
      return rows[0];
    });
    console.log(
      `bench:data loaded ${counts.organizations} organizations and ${counts.connections} ` +
        `connections with ${values.importer} in ${((loadedAt - started) / 1000).toFixed(1)} s, ` +
        (values.importer === 'bench'
          ? `VACUUM ANALYZE ${((Date.now() - loadedAt) / 1000).toFixed(1)} s`
          : 'planner statistics updated by the import itself'),
    );
    if (counts.connections !== manifest.connections)
      throw new Error(`expected ${manifest.connections} connections`);
  } finally {
    await database.stop();
  }
}

await main();
