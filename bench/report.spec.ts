import type { LoadResult } from './load-test.js';
import { combineRuns } from './load-test.js';
import { verdict } from './report.js';
import type { Scenario } from './scenarios.js';

const run = (requestsPerSecond: number, p99Ms: number, failures = 0): LoadResult => ({
  requestsPerSecond,
  p50Ms: p99Ms / 4,
  p99Ms,
  cpuMsPerRequest: 1,
  requests: requestsPerSecond * 3,
  non2xx: failures,
  errors: 0,
  timeouts: 0,
});
const scenario = (
  bound: Scenario['bound'],
  minRequestsPerSecond?: number,
  minBaselineRatio?: number,
): Scenario => ({
  id: 'S',
  description: '',
  requesterId: '',
  targetId: '',
  query: '',
  bound,
  minRequestsPerSecond,
  minBaselineRatio,
});

describe('verdict', () => {
  it('should hold a database-bound scenario to its throughput floor alone', () => {
    expect(
      verdict({
        scenario: scenario('database', 130),
        service: run(131, 900),
        baseline: run(900, 10),
      }),
    ).toBe('met');
    expect(
      verdict({
        scenario: scenario('database', 130),
        service: run(129, 10),
        baseline: run(100, 10),
      }),
    ).toBe('MISSED');
  });

  it('should hold an application-bound scenario to its share of the throughput and 2x the p99 of the baseline', () => {
    const baseline = run(1000, 20);
    const s1 = scenario('application', undefined, 0.55);

    expect(verdict({ scenario: s1, service: run(550, 40), baseline })).toBe('met');
    expect(verdict({ scenario: s1, service: run(549, 40), baseline })).toBe('MISSED');
    expect(verdict({ scenario: s1, service: run(900, 41), baseline })).toBe('MISSED');
  });
});

describe('combineRuns', () => {
  it('should average rates and latencies and add up the failures', () => {
    expect(combineRuns([run(100, 10, 1), run(300, 30, 2)])).toEqual({
      requestsPerSecond: 200,
      p50Ms: 5,
      p99Ms: 20,
      cpuMsPerRequest: 1,
      requests: 1200,
      non2xx: 3,
      errors: 0,
      timeouts: 0,
    });
  });
});
