import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MANIFEST_FILE } from '../bench-paths.js';
import { openBenchDatabase } from '../bench-database.js';
import { BENCH_JWT_SECRET, benchHeaders } from '../bench-tokens.js';
import type { DatasetManifest } from '../dataset/dataset-shape.js';
import { benchScenarios } from '../scenarios.js';
import { type ServerProcess, startServer } from '../server-process.js';
import { interleavedRounds } from './interleaved-rounds.js';

/*
 * What one change buys: two or more builds of the service (folders holding src/main.js, as
 * dist/ does) and the baseline, loaded in interleaved rounds, reported as the median CPU
 * time per request and requests per second. Medians, because a round now and then runs
 * far slower on a shared machine. A build outside the project cannot find node_modules:
 * copy it inside, e.g.
 *   git stash && npm run build && cp -r dist .compare/before && git stash pop && npm run build
 *   node dist/bench/profiling/compare-builds.js --scenarios S1,S5 .compare/before dist
 */

const USAGE =
  'node dist/bench/profiling/compare-builds.js [--scenarios S1,S5] [--rounds 6] [--duration 3] <build> <build> ...';

interface Options {
  builds: string[];
  scenarios: string[];
  rounds: number;
  seconds: number;
}

function readOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      scenarios: { type: 'string', default: 'S1,S5' },
      rounds: { type: 'string', default: '6' },
      duration: { type: 'string', default: '3' },
    },
    allowPositionals: true,
    strict: true,
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.duration);
  if (positionals.length === 0 || !(rounds >= 1) || !(seconds >= 1)) throw new Error(USAGE);
  return { builds: positionals, scenarios: values.scenarios.split(','), rounds, seconds };
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const database = await openBenchDatabase();
  const env = { DATABASE_URL: database.url, JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: 'warn' };
  const servers: ServerProcess[] = [];
  try {
    for (const build of options.builds)
      servers.push(await startServer(build, [`${build}/src/main.js`], env));
    servers.push(await startServer('baseline', ['dist/bench/baseline-server.js'], env));
    const scenarios = benchScenarios(manifest).filter((s) => options.scenarios.includes(s.id));
    for (const scenario of scenarios) {
      const headers = await benchHeaders(scenario.requesterId, scenario.targetId);
      const summaries = await interleavedRounds(servers, scenario, headers, {
        seconds: options.seconds,
        connections: 32,
        rounds: options.rounds,
      });
      for (const [server, summary] of summaries) {
        const { failures } = summary;
        console.log(
          `${scenario.id} ${server.name.padEnd(24)} ${summary.medianCpuMicroseconds.toFixed(0).padStart(5)} µs CPU/request ` +
            `${summary.medianRequestsPerSecond.toFixed(0).padStart(6)} req/s ` +
            `p99 ${summary.medianP99Ms.toFixed(1)} ms  rounds [${summary.cpuMicroseconds.join(' ')}]` +
            (failures > 0 ? `  ${failures} FAILED` : ''),
        );
        if (failures > 0) process.exitCode = 1;
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    await database.stop();
  }
}

await main();
