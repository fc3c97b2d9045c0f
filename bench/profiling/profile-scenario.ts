import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MANIFEST_FILE, RESULTS_DIRECTORY } from '../bench-paths.js';
import { openBenchDatabase } from '../bench-database.js';
import { BENCH_JWT_SECRET, benchHeaders } from '../bench-tokens.js';
import type { DatasetManifest } from '../dataset/dataset-shape.js';
import { loadTest } from '../load-test.js';
import { benchScenarios } from '../scenarios.js';
import { PRODUCTION_NODE_FLAGS, startServer } from '../server-process.js';

/*
 * Where one server spends its CPU per request in steady state: the service and the
 * baseline each run a scenario under --cpu-prof (3 s of warm-up, then the measured load),
 * and the samples of the measured seconds are grouped by what ran, in µs per request.
 * The profiler itself adds ~10 %. Usage:
 *   node dist/bench/profiling/profile-scenario.js [--scenario S1] [--duration 10] [--node PATH]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

// First match wins; the order puts native frames before the packages that call them.
const GROUPS: Array<[string, (frame: ProfileNode['callFrame']) => boolean]> = [
  [
    'socket writes and reads (kernel)',
    (f) => /^(writev|writeUtf8String|writeBuffer)$/.test(f.functionName),
  ],
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  // V8's JSON builtins have no script URL.
  ['JSON', (f) => f.url === '' && /^(stringify|parse)$/.test(f.functionName)],
  [
    'token verification (jose, WebCrypto)',
    (f) => /node_modules\/jose\/|internal\/crypto/.test(f.url),
  ],
  ['TypeORM (QueryRunner, query builder)', (f) => f.url.includes('node_modules/typeorm/')],
  ['pg driver', (f) => /node_modules\/pg(-protocol|-pool|-types)?\//.test(f.url)],
  [
    'Nest, class-validator, class-transformer',
    (f) => /node_modules\/(@nestjs|class-validator|class-transformer|rxjs)\//.test(f.url),
  ],
  [
    'Express, its router, helmet',
    (f) =>
      /node_modules\/(express|router|parseurl|helmet|path-to-regexp|finalhandler|on-finished)\//.test(
        f.url,
      ),
  ],
  [
    'Node HTTP, events, streams',
    (f) => /^node:(_http|events|net|internal\/(streams|stream_base|http))/.test(f.url),
  ],
  ['own code (service or baseline)', (f) => /\/dist\/(src|bench)\//.test(f.url)],
  ['metrics, logging', (f) => /node_modules\/(prom-client|pino)\//.test(f.url)],
  ['other (Node internals, buffers, microtasks, timers)', () => true],
];

function groupOf(frame: ProfileNode['callFrame']): string {
  return GROUPS.find(([, matches]) => matches(frame))?.[0] ?? 'other';
}

/** µs per request by group, over the samples of the last `seconds` of the profile. */
function breakdown(profile: CpuProfile, seconds: number, requests: number): Map<string, number> {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const totals = new Map<string, number>(GROUPS.map(([name]) => [name, 0]));
  const times: number[] = [];
  let at = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((at += delta));
  const from = (times.at(-1) ?? 0) - seconds * 1e6;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    if (times[i] < from || frame === undefined || frame.functionName === '(idle)') return;
    const group = groupOf(frame);
    totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0) / requests);
  });
  return totals;
}

async function profileOne(
  name: 'service' | 'baseline',
  scenarioId: string,
  seconds: number,
  node: string,
): Promise<Map<string, number>> {
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const scenario = benchScenarios(manifest).find((s) => s.id === scenarioId);
  if (scenario === undefined) throw new Error(`no scenario ${scenarioId}`);
  const database = await openBenchDatabase();
  const file = join(RESULTS_DIRECTORY, 'profiles', `${name}-${scenarioId}-steady.cpuprofile`);
  const entry = name === 'service' ? 'dist/src/main.js' : 'dist/bench/baseline-server.js';
  const env = { DATABASE_URL: database.url, JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: 'warn' };
  await rm(file, { force: true });
  const server = await startServer(
    name,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${join(RESULTS_DIRECTORY, 'profiles')}`,
      `--cpu-prof-name=${name}-${scenarioId}-steady.cpuprofile`,
      '--import',
      './dist/bench/profiling/exit-on-signal.js',
      entry,
    ],
    env,
    PRODUCTION_NODE_FLAGS,
    node,
  );
  let requests = 0;
  try {
    const headers = await benchHeaders(scenario.requesterId, scenario.targetId);
    await loadTest(server, scenario, headers, { seconds: 3, connections: 32 });
    requests = (await loadTest(server, scenario, headers, { seconds, connections: 32 })).requests;
  } finally {
    // The profile is written when the process exits.
    await server.stop();
    await database.stop();
  }
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  return breakdown(profile, seconds, requests);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      scenario: { type: 'string', default: 'S1' },
      duration: { type: 'string', default: '10' },
      node: { type: 'string', default: process.execPath },
    },
    strict: true,
  });
  const seconds = Number(values.duration);
  const service = await profileOne('service', values.scenario, seconds, values.node);
  const baseline = await profileOne('baseline', values.scenario, seconds, values.node);
  const total = (groups: Map<string, number>) => [...groups.values()].reduce((a, b) => a + b, 0);
  const rows = [...service.keys()].sort(
    (a, b) =>
      (service.get(b) ?? 0) -
      (baseline.get(b) ?? 0) -
      ((service.get(a) ?? 0) - (baseline.get(a) ?? 0)),
  );
  console.log(
    `| ${values.scenario}, µs of CPU per request (profiled) | service | baseline | difference |`,
  );
  console.log('| --- | ---: | ---: | ---: |');
  for (const group of [...rows, 'total']) {
    const [a, b] =
      group === 'total'
        ? [total(service), total(baseline)]
        : [service.get(group) ?? 0, baseline.get(group) ?? 0];
    console.log(`| ${group} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${(a - b).toFixed(0)} |`);
  }
}

await main();
