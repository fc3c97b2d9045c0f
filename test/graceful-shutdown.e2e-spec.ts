import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { buildApp, type BuiltApp, ChildApp } from './support/built-app.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { TEST_JWT_SECRET, tokenFor } from './support/tokens.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** A keep-alive connection that has served one request and now sits idle, as a proxy's would. */
async function idleKeepAliveConnection(
  port: number,
): Promise<{ socket: Socket; closed: Promise<Error | undefined> }> {
  const socket = connect(port, '127.0.0.1');
  let failure: Error | undefined;
  socket.on('error', (error) => (failure = error));
  const closed = new Promise<Error | undefined>((resolve) =>
    socket.once('close', () => resolve(failure)),
  );
  await new Promise<void>((resolve) => {
    socket.once('data', () => resolve());
    socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
  });
  return { socket, closed };
}

function connectionRefused(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

describe('graceful shutdown of the built service (SIGTERM)', () => {
  let built: BuiltApp;
  let database: TestDatabase;
  let guest: OrganizationRow;
  let locker: pg.Client;

  beforeAll(async () => {
    [built, database] = await Promise.all([buildApp(), createTestDatabase()]);
    const seed = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: database.url }),
    );
    await seed.initialize();
    guest = await anOrganization(seed);
    await aConnection(seed, await anOrganization(seed), guest);
    await seed.destroy();
  }, 120_000);

  afterAll(async () => {
    await database.drop();
    await built.remove();
  });

  beforeEach(async () => {
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });

  afterEach(async () => {
    await locker.end();
  });

  function start(env: Record<string, string>, entry?: string): ChildApp {
    return new ChildApp(
      built,
      {
        DATABASE_URL: database.url,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        // The blocked query must wait for the test, not time out.
        DATABASE_STATEMENT_TIMEOUT_MS: '0',
        DATABASE_QUERY_TIMEOUT_MS: '0',
        ...env,
      },
      entry,
    );
  }

  /** Holds the table so the next list query waits, in flight, until the lock is released. */
  async function blockListQueries(): Promise<void> {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE host_connections IN ACCESS EXCLUSIVE MODE');
  }

  async function untilAQueryWaitsOnTheLock(): Promise<void> {
    for (;;) {
      const { rows } = await locker.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'host-connections' AND wait_event_type = 'Lock'`,
        [database.name],
      );
      if (rows[0].waiting > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function listAsGuest(port: number): Promise<Answer> {
    return get(port, '/host-connections?statuses=connected&limit=10&offset=0', {
      Authorization: `Bearer ${await tokenFor(guest.id)}`,
      'Requester-Organization-ID': guest.id,
      'Target-Organization-ID': guest.id,
    });
  }

  it('should finish the request in flight, close idle connections, refuse new ones and exit 0', async () => {
    const app = start({ SHUTDOWN_GRACE_PERIOD_MS: '60000' });
    const port = await app.port();
    const idle = await idleKeepAliveConnection(port);
    await blockListQueries();
    const inFlight = listAsGuest(port);
    await untilAQueryWaitsOnTheLock();

    app.signal('SIGTERM');
    await app.logLine((line) => String(line.msg).startsWith('Shutting down (SIGTERM)'));
    const idleClosedWith = await idle.closed;
    const newConnection = await connectionRefused(port);
    await locker.query('COMMIT');
    const answer = await inFlight;
    const exitCode = await app.exited;

    expect(idleClosedWith).toBeUndefined();
    expect(newConnection).toBe('ECONNREFUSED');
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ total_items: 1 });
    expect(exitCode).toBe(0);
    expect(app.logs).toContainEqual(
      expect.objectContaining({ msg: 'Shutting down (SIGTERM): not ready, draining 1 request(s)' }),
    );
    expect(app.logs).toContainEqual(
      expect.objectContaining({
        route: '/host-connections',
        status: 200,
        msg: 'request completed',
      }),
    );
    expect(app.logs.filter((line) => 'unparsed' in line)).toEqual([]);
  });

  it('should stop waiting for requests when the grace period ends, and still exit 0', async () => {
    const app = start({ SHUTDOWN_GRACE_PERIOD_MS: '200' });
    const port = await app.port();
    await blockListQueries();
    const inFlight = listAsGuest(port).then(
      (answer) => answer.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    await untilAQueryWaitsOnTheLock();

    app.signal('SIGTERM');
    const exitCode = await app.exited;
    const outcome = await inFlight;
    await locker.query('ROLLBACK');

    expect(exitCode).toBe(0);
    expect(outcome).toBe('ECONNRESET');
    expect(app.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'Grace period over: closing 1 connection(s) with a request still running',
      }),
    );
  });

  // `npm start` execs this entry point (package.json): with DATABASE_URL it is the service
  // as in production, and must keep the same shutdown promise.
  it('should drain the request in flight when started as npm start with DATABASE_URL', async () => {
    const app = start({ SHUTDOWN_GRACE_PERIOD_MS: '60000' }, 'tools/demo/demo.cli.js');
    const port = await app.port();
    await blockListQueries();
    const inFlight = listAsGuest(port);
    await untilAQueryWaitsOnTheLock();

    app.signal('SIGTERM');
    await app.logLine((line) => String(line.msg).startsWith('Shutting down (SIGTERM)'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await locker.query('COMMIT');
    const answer = await inFlight;
    const exitCode = await app.exited;

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ total_items: 1 });
    expect(exitCode).toBe(0);
  });
});
