import { once } from 'node:events';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { onServer, openBenchDatabase } from '../bench-database.js';
import { BENCH_JWT_SECRET, benchHeaders } from '../bench-tokens.js';
import type { Scenario } from '../scenarios.js';
import { type ServerProcess, startServer } from '../server-process.js';
import { interleavedRounds } from './interleaved-rounds.js';
import { createCliDataSource } from '../../src/tools/cli-data-source.js';
import { migrateWithLock } from '../../src/database/migration-lock.js';
import { importDocument } from '../../src/tools/import/importer.js';
import { textSource } from '../../src/tools/import/json-tokens.js';
import {
  DEMO_CONNECTED_HOST,
  DEMO_GUEST,
  demoDocument,
} from '../../src/tools/demo/demo-dataset.js';

/*
 * What OpenTelemetry tracing costs: the service with tracing off and with tracing on
 * (exporting to an OTLP receiver in this process that accepts and drops every batch),
 * loaded in interleaved rounds on the demo dataset, reported as the median CPU time of the
 * service process per request. A database of its own (hc_tracing_cost) on the bench server
 * (BENCH_SERVER_URL, else 127.0.0.1:5432, else embedded). Usage:
 *   npm run bench:build && node dist/bench/profiling/tracing-cost.js [--rounds 6] [--duration 3]
 */

const DATABASE_NAME = 'hc_tracing_cost';

async function prepareDatabase(serverUrl: string): Promise<string> {
  await onServer(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE_NAME} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${DATABASE_NAME}`;
  const dataSource = createCliDataSource({ DATABASE_URL: url.toString() });
  await dataSource.initialize();
  try {
    await migrateWithLock(dataSource);
    const result = await importDocument(dataSource, textSource(JSON.stringify(demoDocument())));
    if (!result.ok) throw new Error('the demo dataset was refused');
  } finally {
    await dataSource.destroy();
  }
  return url.toString();
}

/** An OTLP/HTTP endpoint that reads and drops every export, counting the spans' bytes. */
async function startSink(): Promise<{ endpoint: string; bytes: () => number; close(): void }> {
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => response.writeHead(200).end('{}'));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, bytes: () => bytes, close: () => server.close() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      rounds: { type: 'string', default: '6' },
      duration: { type: 'string', default: '3' },
    },
    strict: true,
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.duration);
  const database = await openBenchDatabase();
  const sink = await startSink();
  const servers: ServerProcess[] = [];
  try {
    const env = {
      DATABASE_URL: await prepareDatabase(database.serverUrl),
      JWT_SECRET: BENCH_JWT_SECRET,
      LOG_LEVEL: 'warn',
    };
    servers.push(await startServer('tracing off', ['dist/src/main.js'], env));
    servers.push(
      await startServer('tracing on', ['dist/src/main.js'], {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint,
      }),
    );
    const scenarios: Scenario[] = [
      {
        id: 'self',
        description: 'the demo guest lists its own hosts',
        requesterId: DEMO_GUEST.id,
        targetId: DEMO_GUEST.id,
        query: 'statuses=connected&limit=20&offset=0',
        bound: 'application',
      },
      {
        id: 'cross',
        description: 'connected host reads the guest list (access check + page)',
        requesterId: DEMO_CONNECTED_HOST.id,
        targetId: DEMO_GUEST.id,
        query: 'statuses=connected&limit=20&offset=0',
        bound: 'application',
      },
    ];
    for (const scenario of scenarios) {
      const headers = await benchHeaders(scenario.requesterId, scenario.targetId);
      const summaries = await interleavedRounds(servers, scenario, headers, {
        seconds,
        connections: 32,
        rounds,
      });
      for (const [server, summary] of summaries) {
        const { failures } = summary;
        console.log(
          `${scenario.id.padEnd(5)} ${server.name.padEnd(12)} ${String(summary.medianCpuMicroseconds).padStart(5)} µs CPU/request ` +
            `${summary.medianRequestsPerSecond.toFixed(0).padStart(6)} req/s  rounds [${summary.cpuMicroseconds.join(' ')}]` +
            (failures > 0 ? `  ${failures} FAILED` : ''),
        );
        if (failures > 0) process.exitCode = 1;
      }
    }
    console.log(`the OTLP receiver got ${(sink.bytes() / 1e6).toFixed(1)} MB of spans`);
  } finally {
    for (const server of servers) await server.stop();
    sink.close();
    await database.stop();
  }
}

await main();
