import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app.setup.js';
import { validateEnvironment } from '../src/config/env.schema.js';
import { LogCapture } from './support/log-capture.js';
import { type DedicatedPostgres, startDedicatedPostgres } from './support/dedicated-postgres.js';
import { parseErrorEnvelope } from './support/envelope.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { listenOnLoopback, type RawRequest, sendRaw } from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_JWT_SECRET, tokenFor } from './support/tokens.js';

// Jest fails the running test on an unhandled rejection or an uncaught exception (an
// 'error' event nobody listens to), so each test below also proves there were none while
// the database failed.

const LIST = '/host-connections?statuses=connected&limit=10&offset=0';
const UNAVAILABLE = {
  detail: [
    {
      loc: [],
      msg: 'The service is temporarily unavailable, please retry',
      type: 'service_unavailable',
      code: 'service_unavailable',
    },
  ],
};

async function listAs(
  requester: OrganizationRow,
  target: OrganizationRow = requester,
): Promise<RawRequest> {
  return {
    target: LIST,
    headers: [
      ['Authorization', `Bearer ${await tokenFor(requester.id)}`],
      ['Requester-Organization-ID', requester.id],
      ['Target-Organization-ID', target.id],
    ],
  };
}

describe('database down', () => {
  const CONNECT_TIMEOUT_MS = 2000;
  const logs = new LogCapture();
  let database: DedicatedPostgres;
  let app: NestExpressApplication;
  let host: OrganizationRow;
  let guest: OrganizationRow;

  beforeAll(async () => {
    database = await startDedicatedPostgres();
    const config = validateEnvironment({
      DATABASE_URL: database.url,
      DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
    });
    app = await createApp(config, { logDestination: logs });
    await app.init();
    const db = app.get(DataSource);
    guest = await anOrganization(db);
    host = await anOrganization(db);
    await aConnection(db, host, guest);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.destroy();
  });

  // Bounded by the connect timeout plus slack for the machine: a hang fails the test.
  const get = async (requester: OrganizationRow, target: OrganizationRow = requester) => {
    const { headers } = await listAs(requester, target);
    return request(app.getHttpServer())
      .get(LIST)
      .set(Object.fromEntries(headers ?? []))
      .timeout({ deadline: CONNECT_TIMEOUT_MS + 1500 });
  };

  const ready = () =>
    request(app.getHttpServer())
      .get('/health/ready')
      .timeout({ deadline: CONNECT_TIMEOUT_MS + 1500 });

  it('should answer 503, then recover by itself when the database is back', async () => {
    const before = await get(guest);
    const readyBefore = await ready();

    await database.stop();
    const whileDown = [];
    for (let i = 0; i < 5; i++) whileDown.push(await get(guest));
    whileDown.push(await get(host, guest));
    const readyWhileDown = await ready();
    await database.start();
    const after = [await get(guest), await get(host, guest)];
    const readyAfter = await ready();

    expect(before.status).toBe(200);
    expect([readyBefore.status, readyWhileDown.status, readyAfter.status]).toEqual([200, 503, 200]);
    for (const response of whileDown) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual(UNAVAILABLE);
    }
    expect(after.map((response) => response.status)).toEqual([200, 200]);
    // Each 503 is logged once, with the request id the client got back.
    const warnedRequestIds = logs
      .records()
      .filter((record) => String(record.msg).startsWith('database unavailable'))
      .map((record) => record.requestId);
    expect(warnedRequestIds).toEqual(whileDown.map((response) => response.headers['x-request-id']));
    expect(logs.recordsAtLeast(50)).toEqual([]);
    expect(logs.lines.filter((line) => /unhandled/i.test(line))).toEqual([]);
  }, 60_000);
});

describe('slow database', () => {
  let t: TestApp;
  let locker: pg.Client;

  beforeAll(async () => {
    t = await startTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: '300', DATABASE_POOL_SIZE: '3' });
    locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker.end();
    await t.close();
  });

  const get = async (requester: OrganizationRow, target: OrganizationRow = requester) => {
    const { headers } = await listAs(requester, target);
    return t.http
      .get(LIST)
      .set(Object.fromEntries(headers ?? []))
      .timeout({ deadline: 5000 });
  };

  it('should answer 503 when a query hits the statement timeout, and keep the pool healthy', async () => {
    const guest = await anOrganization(t.db);
    const host = await anOrganization(t.db);
    await aConnection(t.db, host, guest);

    await locker.query('BEGIN');
    await locker.query('LOCK TABLE host_connections IN ACCESS EXCLUSIVE MODE');
    const blocked = [];
    // More than the pool holds, self and cross-organization (the guard's query).
    for (let i = 0; i < 4; i++) blocked.push(await get(guest), await get(host, guest));
    await locker.query('ROLLBACK');
    const after = [];
    for (let i = 0; i < 10; i++) after.push(await get(i % 2 === 0 ? guest : host, guest));
    const sessions = await t.db.query<Array<{ state: string; count: number }>>(
      `SELECT state, count(*)::int AS count FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'host-connections'
        GROUP BY state`,
    );

    for (const response of blocked) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual(UNAVAILABLE);
    }
    expect(after.map((response) => response.status)).toEqual(Array(10).fill(200));
    // Only this query is active; no connection was left inside a transaction.
    expect(sessions.filter((session) => session.state !== 'idle')).toEqual([
      { state: 'active', count: 1 },
    ]);
  });
});

describe('pool exhaustion', () => {
  let t: TestApp;
  let port: number;
  let organizations: OrganizationRow[];

  beforeAll(async () => {
    t = await startTestApp({
      DATABASE_POOL_SIZE: '5',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '3000',
      // The pool, not the in-flight cap, is under test here.
      MAX_IN_FLIGHT_REQUESTS: '0',
    });
    port = await listenOnLoopback(t.app);
    organizations = [];
    for (let i = 0; i < 10; i++) organizations.push(await anOrganization(t.db));
    await aConnection(t.db, organizations[1], organizations[0]);
  });

  afterAll(async () => {
    await t.close();
  });

  const burst = async (count: number) => {
    const requests = await Promise.all(organizations.map((organization) => listAs(organization)));
    return Array.from({ length: count }, (_, i) => sendRaw(port, requests[i % requests.length]));
  };

  function expectOnly200Or503(statuses: number[]): void {
    expect(statuses).toHaveLength(500);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
  }

  it('should finish 500 concurrent requests on a pool of 5 with 200 or 503', async () => {
    const responses = await Promise.all(await burst(500));

    const statuses = responses.map((response) => response.status);
    expectOnly200Or503(statuses);
    expect(statuses).toContain(200);
    for (const response of responses.filter((r) => r.status === 503)) {
      parseErrorEnvelope(response.headers.get('content-type'), response.body);
    }
  });

  it('should answer 503 after the bounded acquire wait while the pool is stuck, then recover', async () => {
    const locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE host_connections IN ACCESS EXCLUSIVE MODE');

    const pending = await burst(500);
    // The first answers are the acquire timeouts: the pool's 5 connections are all stuck.
    const first = await Promise.race(pending);
    await locker.query('ROLLBACK');
    await locker.end();
    const responses = await Promise.all(pending);
    const after = await sendRaw(port, await listAs(organizations[0]));

    expect(first.status).toBe(503);
    expect(JSON.parse(first.body)).toEqual(UNAVAILABLE);
    expectOnly200Or503(responses.map((response) => response.status));
    expect(after.status).toBe(200);
  });
});

describe('frozen database', () => {
  const STATEMENT_TIMEOUT_MS = 500;
  const CONNECT_TIMEOUT_MS = 1000;
  let database: DedicatedPostgres;
  let app: NestExpressApplication;
  let guest: OrganizationRow;

  beforeAll(async () => {
    database = await startDedicatedPostgres();
    const config = validateEnvironment({
      DATABASE_URL: database.url,
      DATABASE_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
    });
    app = await createApp(config);
    await app.init();
    guest = await anOrganization(app.get(DataSource));
  }, 60_000);

  afterAll(async () => {
    await database?.thaw();
    await app?.close();
    await database?.destroy();
  });

  // A hung server or a network partition: connections stay open, nothing ever answers, so
  // the server-side statement_timeout cannot help. The client-side read timeout
  // (statement + connect timeout) turns that into a 503; without it requests hang forever.
  it('should answer 503 instead of hanging while the server answers nothing', async () => {
    const { headers } = await listAs(guest);
    const get = () =>
      request(app.getHttpServer())
        .get(LIST)
        .set(Object.fromEntries(headers ?? []))
        .timeout({ deadline: STATEMENT_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 1500 });
    const before = await get();

    await database.freeze();
    const whileFrozen = [await get(), await get()];
    await database.thaw();
    const after = await get();

    expect(before.status).toBe(200);
    for (const response of whileFrozen) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual(UNAVAILABLE);
    }
    expect(after.status).toBe(200);
  }, 60_000);
});
