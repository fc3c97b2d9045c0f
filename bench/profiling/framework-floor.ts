import { combineRuns, type LoadResult, loadTest } from '../load-test.js';
import { startServer } from '../server-process.js';

/*
 * The framework's own cost per request: CPU time of a server answering a constant body,
 * node:http against Nest on Express, interleaved like the benchmark. Usage:
 * node dist/bench/profiling/framework-floor.js [seconds] [rounds]
 */

const MODES = ['node', 'nest', 'nest-without-body-parser'];

async function main(): Promise<void> {
  const [seconds = '5', rounds = '2'] = process.argv.slice(2);
  const servers = await Promise.all(
    MODES.map((mode) => startServer(mode, ['dist/bench/profiling/floor-server.js', mode], {})),
  );
  const scenario = {
    id: 'floor',
    description: 'constant body',
    requesterId: '',
    targetId: '',
    query: 'statuses=connected&limit=20&offset=0',
    bound: 'application' as const,
  };
  try {
    const runs = new Map<string, LoadResult[]>(MODES.map((mode) => [mode, []]));
    for (let round = 0; round < Number(rounds); round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const result = await loadTest(
          server,
          scenario,
          {},
          {
            seconds: Number(seconds),
            connections: 32,
          },
        );
        runs.get(server.name)?.push(result);
      }
    }
    for (const [mode, results] of runs) {
      const { requestsPerSecond, cpuMsPerRequest, p99Ms } = combineRuns(results);
      console.log(
        `${mode.padEnd(26)} ${requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
          `${(cpuMsPerRequest * 1000).toFixed(0).padStart(4)} µs CPU/request  p99 ${p99Ms.toFixed(1)} ms`,
      );
    }
  } finally {
    for (const server of servers) await server.stop();
  }
}

await main();
