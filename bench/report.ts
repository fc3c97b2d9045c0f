import type { LoadResult } from './load-test.js';
import type { Scenario } from './scenarios.js';

export interface ScenarioResult {
  scenario: Scenario;
  service: LoadResult;
  baseline: LoadResult;
}

// The issues' targets: database-bound scenarios have a throughput floor, application-bound
// ones a share of the lean baseline's throughput (issue 11: S1 0.55×, S5 0.5×) and a p99
// within twice the baseline's.
const MAX_P99_RATIO = 2;

export function verdict({ scenario, service, baseline }: ScenarioResult): string {
  if (scenario.bound === 'database')
    return service.requestsPerSecond >= (scenario.minRequestsPerSecond ?? 0) ? 'met' : 'MISSED';
  const throughputOk =
    service.requestsPerSecond >= (scenario.minBaselineRatio ?? 1) * baseline.requestsPerSecond;
  const p99Ok = service.p99Ms <= MAX_P99_RATIO * baseline.p99Ms;
  return throughputOk && p99Ok ? 'met' : 'MISSED';
}

function target(scenario: Scenario): string {
  return scenario.bound === 'database'
    ? `>= ${scenario.minRequestsPerSecond} req/s`
    : `>= ${scenario.minBaselineRatio}x req/s, p99 <= ${MAX_P99_RATIO}x`;
}

const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');

/** The markdown table docs/benchmarks.md shows. */
export function printTable(results: ScenarioResult[]): void {
  const lines = [
    '| scenario | service req/s | p50 ms | p99 ms | CPU ms/req | baseline req/s | p50 ms | p99 ms | CPU ms/req | req/s ratio | p99 ratio | target | |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const result of results) {
    const { scenario, service, baseline } = result;
    lines.push(
      `| ${scenario.id} | ${service.requestsPerSecond.toFixed(0)} | ${service.p50Ms.toFixed(1)} | ${service.p99Ms.toFixed(1)} | ${service.cpuMsPerRequest.toFixed(2)} ` +
        `| ${baseline.requestsPerSecond.toFixed(0)} | ${baseline.p50Ms.toFixed(1)} | ${baseline.p99Ms.toFixed(1)} | ${baseline.cpuMsPerRequest.toFixed(2)} ` +
        `| ${ratio(service.requestsPerSecond, baseline.requestsPerSecond)} | ${ratio(service.p99Ms, baseline.p99Ms)} ` +
        `| ${target(scenario)} | ${verdict(result)} |`,
    );
  }
  console.log(lines.join('\n'));
}
