import { type LoadResult, type LoadSettings, loadTest } from '../load-test.js';
import type { Scenario } from '../scenarios.js';
import type { ServerProcess } from '../server-process.js';

export interface RoundSummary {
  /** CPU time of the server process per request, in µs, one value per round. */
  cpuMicroseconds: number[];
  medianCpuMicroseconds: number;
  medianRequestsPerSecond: number;
  medianP99Ms: number;
  failures: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * One warm-up run per server, then `rounds` rounds in which every server takes the same
 * load, in alternating order so that none always runs right after another. Medians,
 * because a round now and then runs far slower on a shared machine.
 */
export async function interleavedRounds(
  servers: ServerProcess[],
  scenario: Scenario,
  headers: Record<string, string>,
  settings: LoadSettings & { rounds: number },
): Promise<Map<ServerProcess, RoundSummary>> {
  for (const server of servers) await loadTest(server, scenario, headers, settings);
  const runs = new Map<ServerProcess, LoadResult[]>(servers.map((s) => [s, []]));
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order)
      runs.get(server)?.push(await loadTest(server, scenario, headers, settings));
  }
  return new Map(
    servers.map((server) => {
      const results = runs.get(server) ?? [];
      const cpu = results.map((r) => Math.round(r.cpuMsPerRequest * 1000));
      return [
        server,
        {
          cpuMicroseconds: cpu,
          medianCpuMicroseconds: median(cpu),
          medianRequestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
          medianP99Ms: median(results.map((r) => r.p99Ms)),
          failures: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
        },
      ];
    }),
  );
}
