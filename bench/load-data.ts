import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DATA_DIRECTORY, MANIFEST_FILE } from './bench-paths.js';
import { onServer, openBenchDatabase, recreateBenchDatabase } from './bench-database.js';
import { loadFile, withoutSecondaryIndexes } from './dataset/bulk-load.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';

async function main(): Promise<void> {
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const database = await openBenchDatabase();
  try {
    const started = Date.now();
    await recreateBenchDatabase(database);
    const counts = await onServer(database.url, async (client) => {
      await client.query('BEGIN');
      const loaded = await withoutSecondaryIndexes(client, () =>
        loadFile(client, join(DATA_DIRECTORY, manifest.dataFile)),
      );
      await client.query('COMMIT');
      return loaded;
    });
    const loadedAt = Date.now();
    // Sets the visibility map (index-only scans skip the heap) and the planner statistics.
    await onServer(database.url, (client) => client.query('VACUUM (ANALYZE)'));
    console.log(
      `bench:data loaded ${JSON.stringify(counts)} in ${((loadedAt - started) / 1000).toFixed(1)} s, ` +
        `VACUUM ANALYZE ${((Date.now() - loadedAt) / 1000).toFixed(1)} s`,
    );
    if (counts.connections !== manifest.connections)
      throw new Error(`expected ${manifest.connections} connections`);
  } finally {
    await database.stop();
  }
}

await main();
