import autocannon from 'autocannon';
import type { Scenario } from './scenarios.js';
import type { ServerProcess } from './server-process.js';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  // The server process's own CPU time per answered request.
  cpuMsPerRequest: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface LoadSettings {
  seconds: number;
  connections: number;
}

/** One bounded autocannon run of a scenario against one server. */
export async function loadTest(
  server: ServerProcess,
  scenario: Scenario,
  headers: Record<string, string>,
  settings: LoadSettings,
): Promise<LoadResult> {
  const cpuBefore = await server.cpuMilliseconds();
  const result = await autocannon({
    url: `${server.baseUrl}/host-connections?${scenario.query}`,
    headers,
    connections: settings.connections,
    duration: settings.seconds,
  });
  const cpu = (await server.cpuMilliseconds()) - cpuBefore;
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    cpuMsPerRequest: cpu / Math.max(1, result.requests.total),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** The mean of several runs of the same scenario on the same server; failures add up. */
export function combineRuns(runs: LoadResult[]): LoadResult {
  const mean = (pick: (run: LoadResult) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  const sum = (pick: (run: LoadResult) => number) =>
    runs.reduce((total, run) => total + pick(run), 0);
  return {
    requestsPerSecond: mean((r) => r.requestsPerSecond),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    cpuMsPerRequest: mean((r) => r.cpuMsPerRequest),
    requests: sum((r) => r.requests),
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
  };
}
