import pg from 'pg';
import { aConnection, anOrganization } from './support/factories.js';
import { LogCapture } from './support/log-capture.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected&limit=10&offset=0';
const QUERY_TIMEOUT_MS = 600;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

// Behind PgBouncer the statement timeout is 0 (it is set on the role). A statement that
// hangs anyway, here behind a lock, must still end in a 503 through the client-side timeout.
describe('client-side query timeout without a statement timeout', () => {
  const logs = new LogCapture();
  let t: TestApp;
  let locker: pg.Client;

  beforeAll(async () => {
    t = await startTestApp(
      {
        DATABASE_STATEMENT_TIMEOUT_MS: '0',
        DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        LOG_LEVEL: 'warn',
      },
      { logDestination: logs },
    );
    locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker.end();
    await t.close();
  });

  it('should answer 503 when a statement hangs, then 200 once it no longer does', async () => {
    const guest = await anOrganization(t.db);
    await aConnection(t.db, await anOrganization(t.db), guest);
    const token = await tokenFor(guest.id);
    const get = () =>
      t.http
        .get(LIST)
        .set('Authorization', `Bearer ${token}`)
        .set('Requester-Organization-ID', guest.id)
        .set('Target-Organization-ID', guest.id)
        .set('traceparent', `00-${TRACE_ID}-b7ad6b7169203331-01`)
        .timeout({ deadline: QUERY_TIMEOUT_MS + 3000 });

    await locker.query('BEGIN');
    await locker.query('LOCK TABLE host_connections IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    const whileHung = await get();
    const elapsedMs = Date.now() - started;
    await locker.query('ROLLBACK');
    const after = await get();

    expect(whileHung.status).toBe(503);
    expect(whileHung.body).toEqual({
      detail: [
        {
          loc: [],
          msg: 'The service is temporarily unavailable, please retry',
          type: 'service_unavailable',
          code: 'service_unavailable',
        },
      ],
    });
    expect(elapsedMs).toBeGreaterThanOrEqual(QUERY_TIMEOUT_MS - 50);
    expect(after.status).toBe(200);
    // The error filter's line carries the request's ids like the request line does.
    expect(logs.records()).toContainEqual(
      expect.objectContaining({
        context: 'ApiExceptionFilter',
        msg: expect.stringMatching(/^database unavailable: .*Query read timeout/) as unknown,
        requestId: TRACE_ID,
        trace_id: TRACE_ID,
      }),
    );
  });
});
