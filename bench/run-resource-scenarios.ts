import { onServer } from './bench-database.js';
import type { BenchOptions } from './bench-options.js';
import { benchHeaders } from './bench-tokens.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';
import { combineRuns, type LoadResult } from './load-test.js';
import type { ScenarioResult } from './report.js';
import {
  counterDrift,
  loadResource,
  preservingRows,
  resourceScenarios,
  S7_MAX_SLOWDOWN_VS_S1,
  S8_MAX_P99_MS,
  S8_MIN_REQUESTS_PER_SECOND,
} from './resource-scenarios.js';
import type { ServerProcess } from './server-process.js';

export interface ResourceResult {
  id: string;
  description: string;
  service: LoadResult;
  target: string;
  verdict: 'met' | 'MISSED' | 'n/a';
}

/** S7 and S8 on the service, after the list scenarios (S7 is judged against this run's S1). */
export async function runResourceScenarios(
  manifest: DatasetManifest,
  databaseUrl: string,
  service: ServerProcess,
  options: BenchOptions,
  listResults: ScenarioResult[],
): Promise<{ results: ResourceResult[]; failed: boolean }> {
  return onServer(databaseUrl, async (client) => {
    const scenarios = (await resourceScenarios(manifest, client)).filter(
      (s) => options.scenarios === null || options.scenarios.includes(s.id),
    );
    const results: ResourceResult[] = [];
    let failed = false;
    for (const scenario of scenarios) {
      const scope =
        scenario.method === 'PATCH' ? 'host_connections:write' : 'host_connections:read';
      const headers = await benchHeaders(scenario.guestId, scenario.guestId, scope);
      const settings = { seconds: options.durationSeconds, connections: options.connections };
      const runs = await preservingRows(client, scenario, async () => {
        if (options.warmupSeconds > 0)
          await loadResource(service, scenario, headers, {
            ...settings,
            seconds: options.warmupSeconds,
          });
        const measured: LoadResult[] = [];
        for (let round = 0; round < options.rounds; round++)
          measured.push(await loadResource(service, scenario, headers, settings));
        return measured;
      });
      const result = combineRuns(runs);
      const drift = await counterDrift(client, scenario.guestId);
      if (result.non2xx + result.errors + result.timeouts > 0 || drift > 0) {
        console.error(
          `${scenario.id}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts, ${drift} counter rows off`,
        );
        failed = true;
      }
      results.push({
        id: scenario.id,
        description: scenario.description,
        service: result,
        ...judge(scenario.id, result, listResults),
      });
    }
    if (results.length > 0) printResourceTable(results);
    return { results, failed };
  });
}

function judge(
  id: string,
  result: LoadResult,
  listResults: ScenarioResult[],
): Pick<ResourceResult, 'target' | 'verdict'> {
  if (id === 'S8') {
    return {
      target: `>= ${S8_MIN_REQUESTS_PER_SECOND} req/s, p99 <= ${S8_MAX_P99_MS} ms, counters exact`,
      verdict:
        result.requestsPerSecond >= S8_MIN_REQUESTS_PER_SECOND && result.p99Ms <= S8_MAX_P99_MS
          ? 'met'
          : 'MISSED',
    };
  }
  const s1 = listResults.find((r) => r.scenario.id === 'S1')?.service;
  const target = `>= ${1 - S7_MAX_SLOWDOWN_VS_S1}x S1 req/s`;
  if (s1 === undefined) return { target, verdict: 'n/a' };
  return {
    target: `${target} (S1: ${s1.requestsPerSecond.toFixed(0)})`,
    verdict:
      result.requestsPerSecond >= (1 - S7_MAX_SLOWDOWN_VS_S1) * s1.requestsPerSecond
        ? 'met'
        : 'MISSED',
  };
}

function printResourceTable(results: ResourceResult[]): void {
  const lines = [
    '| scenario | service req/s | p50 ms | p99 ms | CPU ms/req | target | |',
    '|---|---:|---:|---:|---:|---|---|',
    ...results.map(
      ({ id, service, target, verdict }) =>
        `| ${id} | ${service.requestsPerSecond.toFixed(0)} | ${service.p50Ms.toFixed(1)} | ${service.p99Ms.toFixed(1)} | ${service.cpuMsPerRequest.toFixed(2)} | ${target} | ${verdict} |`,
    ),
  ];
  console.log(lines.join('\n'));
}
