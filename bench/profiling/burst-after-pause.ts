import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MANIFEST_FILE } from '../bench-paths.js';
import { openBenchDatabase } from '../bench-database.js';
import { BENCH_JWT_SECRET, benchHeaders } from '../bench-tokens.js';
import type { DatasetManifest } from '../dataset/dataset-shape.js';
import { loadTest } from '../load-test.js';
import { benchScenarios } from '../scenarios.js';
import { PRODUCTION_NODE_FLAGS, startServer } from '../server-process.js';

/*
 * What a burst costs after a quiet spell: S1 load, then for each pause the CPU per request
 * of the first second of load after it and of the two seconds after that. Usage:
 *   node dist/bench/profiling/burst-after-pause.js [--server service|baseline]
 *        [--node-flags "--no-memory-reducer"] [--pauses 0,20,30,30]
 * --node-flags "" runs Node with its defaults; the default is the production flags.
 */

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      server: { type: 'string', default: 'service' },
      'node-flags': { type: 'string', default: PRODUCTION_NODE_FLAGS.join(' ') },
      pauses: { type: 'string', default: '0,20,30,30' },
    },
    strict: true,
  });
  const entry = values.server === 'baseline' ? 'dist/bench/baseline-server.js' : 'dist/src/main.js';
  const flags = values['node-flags'].split(' ').filter((flag) => flag !== '');
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const scenario = benchScenarios(manifest).find((s) => s.id === 'S1');
  if (scenario === undefined) throw new Error('no scenario S1');
  const database = await openBenchDatabase();
  const env = { DATABASE_URL: database.url, JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: 'warn' };
  const server = await startServer(values.server, [entry], env, flags);
  try {
    const headers = await benchHeaders(scenario.requesterId, scenario.targetId);
    await loadTest(server, scenario, headers, { seconds: 5, connections: 32 });
    console.log(`${values.server}, node flags: ${flags.join(' ') || '(none)'}`);
    for (const pause of values.pauses.split(',').map(Number)) {
      await new Promise((resolve) => setTimeout(resolve, pause * 1000));
      const first = await loadTest(server, scenario, headers, { seconds: 1, connections: 32 });
      const next = await loadTest(server, scenario, headers, { seconds: 2, connections: 32 });
      console.log(
        `pause ${String(pause).padStart(3)} s: first second ${(first.cpuMsPerRequest * 1000).toFixed(0)} µs/request, ` +
          `next 2 s ${(next.cpuMsPerRequest * 1000).toFixed(0)} µs/request`,
      );
    }
  } finally {
    await server.stop();
    await database.stop();
  }
}

await main();
