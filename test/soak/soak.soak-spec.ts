import autocannon from 'autocannon';
import { mkdir, writeFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../../src/database/database.options.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { TEST_JWT_SECRET, tokenFor } from '../support/tokens.js';
import { seedSoakData } from './soak-data.js';
import { type ServiceProcess, type ServiceSample, startService } from './service-process.js';

// npm run test:soak. SOAK_SECONDS (CI: 60) of full load after SOAK_WARMUP_SECONDS, with
// SOAK_CONNECTIONS concurrent keep-alive connections, against the built service.
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const WARMUP_SECONDS = Number(process.env.SOAK_WARMUP_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 32);
const SAMPLE_EVERY_MS = 5000;
const MAX_RSS_GROWTH = 0.1;

interface Mix {
  name: string;
  path: string;
  headers: Record<string, string>;
  expected: number;
}

interface Tally {
  expected: number;
  unexpected: Map<number, number>;
}

describe('soak', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let mix: Mix[];

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
    );
    await db.initialize();
    const data = await seedSoakData(db).finally(() => db.destroy());
    mix = await requestMix(data.guests, data.hostOfFirstGuest, data.stranger);
    service = await startService({
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: process.env.SOAK_LOG_LEVEL ?? 'warn',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it(`should serve ${SOAK_SECONDS} s of mixed load with no error and stable memory`, async () => {
    await load(service.baseUrl, mix, WARMUP_SECONDS, new Map());
    const afterWarmup = await service.sample({ reset: true });
    const samples: ServiceSample[] = [];
    const sampling = setInterval(() => {
      void service.sample().then((sample) => samples.push(sample));
    }, SAMPLE_EVERY_MS);
    const tallies = new Map<string, Tally>();

    let result: autocannon.Result;
    try {
      result = await load(service.baseUrl, mix, SOAK_SECONDS, tallies);
    } finally {
      clearInterval(sampling);
    }
    const end = await service.sample();

    const rssGrowth = (end.rss - afterWarmup.rss) / afterWarmup.rss;
    const unexpected = [...tallies].flatMap(([name, tally]) =>
      [...tally.unexpected].map(([status, count]) => `${name}: ${count} × ${status}`),
    );
    const expectedNon2xx = mix
      .filter((entry) => entry.expected >= 300)
      .reduce((sum, entry) => sum + (tallies.get(entry.name)?.expected ?? 0), 0);
    await report({ result, afterWarmup, end, samples, rssGrowth, tallies });

    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(unexpected).toEqual([]);
    expect(result.non2xx).toBe(expectedNon2xx);
    expect(result.requests.total).toBeGreaterThan(0);
    expect(rssGrowth).toBeLessThan(MAX_RSS_GROWTH);
  });
});

async function requestMix(guests: string[], host: string, stranger: string): Promise<Mix[]> {
  const as = async (requester: string, target = requester) => ({
    authorization: `Bearer ${await tokenFor(requester, { expiresIn: '2h' })}`,
    'requester-organization-id': requester,
    'target-organization-id': target,
  });
  const list = (query: string) => `/host-connections?statuses=connected&${query}`;
  const [g0, g1, g2, g3] = guests;
  return [
    { name: 'first page', path: list('limit=20&offset=0'), headers: await as(g0), expected: 200 },
    {
      name: 'search host name',
      path: list('search_text=Host%201&limit=50&offset=0'),
      headers: await as(g0),
      expected: 200,
    },
    {
      name: 'newest active, 100 rows',
      path: list('order_by=created_at&order_dir=desc&archived=false&limit=100&offset=0'),
      headers: await as(g0),
      expected: 200,
    },
    {
      name: 'both statuses, by action',
      path: '/host-connections?statuses=connected,disconnected&active_action_types=analytics_request&order_by=active_action_updated_at&limit=20&offset=0',
      headers: await as(g1),
      expected: 200,
    },
    { name: 'count only', path: list('limit=0&offset=0'), headers: await as(g2), expected: 200 },
    {
      name: 'deep page by owner',
      path: list('order_by=owner_email&limit=100&offset=150'),
      headers: await as(g0),
      expected: 200,
    },
    {
      name: 'search owner email',
      path: list('search_field=owner_email&search_text=owner1&limit=20&offset=0'),
      headers: await as(g3),
      expected: 200,
    },
    {
      name: 'host looks at guest',
      path: list('limit=20&offset=0'),
      headers: await as(host, g0),
      expected: 200,
    },
    {
      name: 'invalid limit',
      path: list('limit=101&offset=0'),
      headers: await as(g0),
      expected: 422,
    },
    {
      name: 'stranger',
      path: list('limit=20&offset=0'),
      headers: await as(stranger, g0),
      expected: 403,
    },
  ];
}

async function load(
  url: string,
  mix: Mix[],
  seconds: number,
  tallies: Map<string, Tally>,
): Promise<autocannon.Result> {
  return await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 10,
    requests: mix.map((entry) => ({
      method: 'GET',
      path: entry.path,
      headers: entry.headers,
      onResponse: (status: number) => {
        const tally = tallies.get(entry.name) ?? { expected: 0, unexpected: new Map() };
        if (status === entry.expected) tally.expected += 1;
        else tally.unexpected.set(status, (tally.unexpected.get(status) ?? 0) + 1);
        tallies.set(entry.name, tally);
      },
    })),
  });
}

async function report(run: {
  result: autocannon.Result;
  afterWarmup: ServiceSample;
  end: ServiceSample;
  samples: ServiceSample[];
  rssGrowth: number;
  tallies: Map<string, Tally>;
}): Promise<void> {
  const megabytes = (bytes: number) => Math.round(bytes / 1048576);
  const summary = {
    seconds: SOAK_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
    requests: run.result.requests.total,
    requestsPerSecond: run.result.requests.average,
    latencyMs: {
      p50: run.result.latency.p50,
      p99: run.result.latency.p99,
      max: run.result.latency.max,
    },
    errors: run.result.errors,
    timeouts: run.result.timeouts,
    non2xx: run.result.non2xx,
    rssMb: {
      afterWarmup: megabytes(run.afterWarmup.rss),
      peak: megabytes(Math.max(run.end.rss, ...run.samples.map((sample) => sample.rss))),
      end: megabytes(run.end.rss),
    },
    rssGrowthPercent: Math.round(run.rssGrowth * 1000) / 10,
    eventLoopDelayMs: run.end.eventLoopDelay,
    byRequest: Object.fromEntries(
      [...run.tallies].map(([name, tally]) => [
        name,
        { expected: tally.expected, unexpected: Object.fromEntries(tally.unexpected) },
      ]),
    ),
  };
  await mkdir('test-results', { recursive: true });
  await writeFile('test-results/soak.json', `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`\nsoak: ${JSON.stringify(summary, null, 2)}\n`);
}
