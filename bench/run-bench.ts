import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MANIFEST_FILE, RESULTS_DIRECTORY } from './bench-paths.js';
import { onServer, openBenchDatabase } from './bench-database.js';
import { readBenchOptions } from './bench-options.js';
import { BENCH_JWT_SECRET, benchHeaders } from './bench-tokens.js';
import type { DatasetManifest } from './dataset/dataset-shape.js';
import { combineRuns, type LoadResult, loadTest } from './load-test.js';
import { printTable, type ScenarioResult } from './report.js';
import { benchScenarios, type Scenario } from './scenarios.js';
import { runResourceScenarios } from './run-resource-scenarios.js';
import { PRODUCTION_NODE_FLAGS, type ServerProcess, startServer } from './server-process.js';

const PROFILE_DIRECTORY = join(RESULTS_DIRECTORY, 'profiles');

async function sameAnswer(
  scenario: Scenario,
  headers: Record<string, string>,
  servers: ServerProcess[],
): Promise<string | null> {
  const answers = await Promise.all(
    servers.map(async (server) => {
      const response = await fetch(`${server.baseUrl}/host-connections?${scenario.query}`, {
        headers,
      });
      return { status: response.status, body: await response.json() };
    }),
  );
  if (answers.some((answer) => answer.status !== 200))
    return `statuses ${answers.map((a) => a.status).join(' / ')}`;
  return isDeepStrictEqual(answers[0].body, answers[1].body) ? null : 'different bodies';
}

async function main(): Promise<void> {
  const options = readBenchOptions(process.argv.slice(2));
  const manifest = JSON.parse(await readFile(MANIFEST_FILE, 'utf8')) as DatasetManifest;
  const scenarios = benchScenarios(manifest).filter(
    (s) => options.scenarios === null || options.scenarios.includes(s.id),
  );
  const database = await openBenchDatabase();
  const servers: ServerProcess[] = [];
  let failed = false;
  try {
    const { organizations, version } = await onServer(database.url, async (client) => ({
      organizations: Number(
        (await client.query<{ n: string }>('SELECT count(*) AS n FROM organizations')).rows[0].n,
      ),
      version: (await client.query<{ v: string }>('SELECT version() AS v')).rows[0].v,
    }));
    if (organizations !== manifest.organizations)
      throw new Error('hc_bench does not hold the generated dataset: run npm run bench:data');

    const env = {
      DATABASE_URL: database.url,
      JWT_SECRET: BENCH_JWT_SECRET,
      // warn: no log line per request, as the baseline writes none (--log-level info adds them).
      LOG_LEVEL: options.logLevel,
    };
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const profileArgs = (name: string) =>
      options.profile
        ? [
            '--cpu-prof',
            `--cpu-prof-dir=${PROFILE_DIRECTORY}`,
            `--cpu-prof-name=${name}-${stamp}.cpuprofile`,
            '--import',
            './dist/bench/profiling/exit-on-signal.js',
          ]
        : [];
    // The service exactly as its image starts it (npm run start:prod), the baseline alike.
    servers.push(
      await startServer(
        'service',
        [...profileArgs('service'), 'dist/src/main.js'],
        env,
        PRODUCTION_NODE_FLAGS,
        options.node,
      ),
    );
    servers.push(
      await startServer(
        'baseline',
        [...profileArgs('baseline'), 'dist/bench/baseline-server.js'],
        env,
        PRODUCTION_NODE_FLAGS,
        options.node,
      ),
    );
    const nodeVersion = execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim();
    console.log(
      `servers on Node ${nodeVersion} (${options.node}); load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    const [service, baseline] = servers;

    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const headers = await benchHeaders(scenario.requesterId, scenario.targetId);
      const mismatch = await sameAnswer(scenario, headers, servers);
      if (mismatch !== null) {
        console.error(`${scenario.id}: service and baseline disagree (${mismatch})`);
        failed = true;
        continue;
      }
      const settings = { seconds: options.durationSeconds, connections: options.connections };
      if (options.warmupSeconds > 0) {
        for (const server of servers)
          await loadTest(server, scenario, headers, {
            ...settings,
            seconds: options.warmupSeconds,
          });
      }
      // Alternating which server goes first cancels most of the drift of a busy machine.
      const runs = new Map<ServerProcess, LoadResult[]>(servers.map((s) => [s, []]));
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? [service, baseline] : [baseline, service];
        for (const server of order)
          runs.get(server)?.push(await loadTest(server, scenario, headers, settings));
      }
      const result: ScenarioResult = {
        scenario,
        service: combineRuns(runs.get(service) ?? []),
        baseline: combineRuns(runs.get(baseline) ?? []),
      };
      results.push(result);
      console.log(
        `${scenario.id}: service ${result.service.requestsPerSecond.toFixed(0)} req/s, ` +
          `baseline ${result.baseline.requestsPerSecond.toFixed(0)} req/s; CPU per request ` +
          `${result.service.cpuMsPerRequest.toFixed(2)} / ${result.baseline.cpuMsPerRequest.toFixed(2)} ms`,
      );
      for (const [name, run] of [
        ['service', result.service],
        ['baseline', result.baseline],
      ] as const) {
        if (run.non2xx + run.errors + run.timeouts > 0) {
          console.error(
            `${scenario.id} ${name}: ${run.non2xx} non-2xx, ${run.errors} errors, ${run.timeouts} timeouts`,
          );
          failed = true;
        }
      }
    }

    printTable(results);
    const resourceResults = await runResourceScenarios(
      manifest,
      database.url,
      service,
      options,
      results,
    );
    if (resourceResults.failed) failed = true;
    await mkdir(RESULTS_DIRECTORY, { recursive: true });
    const file = join(
      RESULTS_DIRECTORY,
      `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
    );
    await writeFile(
      file,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          machine: {
            cpus: cpus().length,
            cpuModel: cpus()[0]?.model,
            memoryGiB: Math.round(totalmem() / 2 ** 30),
            node: nodeVersion,
            loadAverageAtEnd: loadavg(),
            postgres: version,
          },
          options,
          results,
          resourceResults: resourceResults.results,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`results saved to ${file}`);
  } finally {
    for (const server of servers) await server.stop(options.profile ? 'SIGUSR2' : 'SIGTERM');
    await database.stop();
  }
  if (failed) {
    console.error('bench: FAILED (see the errors above)');
    // Explicit: an embedded PostgreSQL's exit hook would otherwise exit with code 0.
    process.exit(1);
  }
}

await main();
