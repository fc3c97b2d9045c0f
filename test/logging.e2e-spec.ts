import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { LogCapture, type LogRecord } from './support/log-capture.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected&limit=10&offset=0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('structured logs', () => {
  const capture = new LogCapture();
  let t: TestApp;
  let guest: OrganizationRow;
  let host: OrganizationRow;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: capture });
    guest = await anOrganization(t.db);
    host = await anOrganization(t.db);
    await aConnection(t.db, host, guest);
    token = await tokenFor(host.id);
  });

  afterAll(async () => {
    await t.close();
  });

  beforeEach(() => capture.clear());

  const requestLines = (): LogRecord[] =>
    capture
      .records()
      .filter((record) => typeof record.requestId === 'string' && 'status' in record);

  const list = (requestId?: string) => {
    const request = t.http
      .get(LIST)
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', host.id)
      .set('Target-Organization-ID', guest.id.toUpperCase());
    return requestId === undefined ? request : request.set('X-Request-Id', requestId);
  };

  it('should write one JSON line per request with its route, status, duration and organizations', async () => {
    const response = await list('trace-42');

    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe('trace-42');
    expect(requestLines()).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        pid: process.pid,
        hostname: expect.any(String) as unknown,
        requestId: 'trace-42',
        method: 'GET',
        route: '/host-connections',
        path: '/host-connections',
        status: 200,
        durationMs: expect.any(Number) as unknown,
        requesterOrganizationId: host.id,
        targetOrganizationId: guest.id,
        msg: 'request completed',
      },
    ]);
  });

  it('should never log the token, whatever the outcome', async () => {
    const expired = await tokenFor(host.id, { expiresIn: -60 });
    const signature = token.split('.')[2];

    await list();
    await t.http.get(LIST).set('Authorization', `Bearer ${expired}`);
    await t.http.get(LIST).set('Authorization', `Bearer ${token}x`);
    await t.http.get(`${LIST}&access_token=${token}`).set('Authorization', `Bearer ${token}`);

    const logs = capture.lines.join('\n');
    expect(requestLines().map((record) => record.status)).toEqual([200, 401, 401, 422]);
    expect(logs).not.toContain(signature);
    expect(logs).not.toContain(expired.split('.')[2]);
    expect(logs).not.toContain('Bearer');
    expect(logs).not.toContain('access_token');
  });

  it.each([
    ['absent', undefined],
    ['too long', 'x'.repeat(129)],
    ['not plain text', '{"level": "fatal"}'],
  ])('should generate the request id when the header is %s', async (_case, requestId) => {
    const response = await t.http
      .get('/health/live')
      .set(requestId === undefined ? {} : { 'X-Request-Id': requestId });

    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  describe('with a W3C traceparent', () => {
    const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
    const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

    it('should log its trace id and make it the request id when no X-Request-Id came', async () => {
      const response = await list().set('traceparent', TRACEPARENT);

      expect(response.status).toBe(200);
      expect(response.headers['x-request-id']).toBe(TRACE_ID);
      expect(requestLines()).toEqual([
        expect.objectContaining({ requestId: TRACE_ID, trace_id: TRACE_ID, status: 200 }),
      ]);
    });

    it('should keep the caller request id next to the trace id', async () => {
      const response = await list('trace-42').set('traceparent', TRACEPARENT);

      expect(response.headers['x-request-id']).toBe('trace-42');
      expect(requestLines()).toEqual([
        expect.objectContaining({ requestId: 'trace-42', trace_id: TRACE_ID }),
      ]);
    });

    // The trace context is the request's own: it is not echoed to the client.
    it('should not send trace headers back', async () => {
      const response = await list().set('traceparent', TRACEPARENT).set('tracestate', 'a=b');

      expect(response.headers).not.toHaveProperty('traceparent');
      expect(response.headers).not.toHaveProperty('tracestate');
    });

    it.each([
      ['upper-case', TRACEPARENT.toUpperCase()],
      ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
      ['truncated', TRACEPARENT.slice(0, -1)],
      ['JSON', '{"trace_id":"x"}'],
    ])('should ignore a traceparent that is %s', async (_case, traceparent) => {
      const response = await list().set('traceparent', traceparent);

      expect(response.status).toBe(200);
      expect(response.headers['x-request-id']).toMatch(UUID);
      const [line] = requestLines();
      expect(line.requestId).toBe(response.headers['x-request-id']);
      expect(line).not.toHaveProperty('trace_id');
    });
  });

  it('should route unknown paths to one label instead of the raw path', async () => {
    await t.http.get('/no/such/path');

    expect(requestLines()).toEqual([
      expect.objectContaining({ route: 'unmatched', path: '/no/such/path', status: 404 }),
    ]);
  });

  it('should log probes and scrapes at debug level only', async () => {
    await t.http.get('/health/live');
    await t.http.get('/health/ready');
    await t.http.get('/metrics');

    expect(requestLines()).toEqual([]);
  });

  it("should send Nest's own messages through the same JSON logger", async () => {
    const startup = new LogCapture();
    const app = await startTestApp({ LOG_LEVEL: 'debug' }, { logDestination: startup });
    await app.close();

    expect(startup.records()).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        context: 'RouterExplorer',
        msg: 'Mapped {/host-connections, GET} route',
      }),
    );
  });

  it("should keep Nest's start-up report out of the log below debug level", async () => {
    const startup = new LogCapture();
    const app = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: startup });
    await app.close();

    const contexts = startup.records().map((record) => record.context);
    expect(contexts).not.toContain('InstanceLoader');
    expect(contexts).not.toContain('RoutesResolver');
    expect(contexts).not.toContain('RouterExplorer');
  });

  it('should honour LOG_LEVEL', async () => {
    const debugCapture = new LogCapture();
    const quietCapture = new LogCapture();
    const debug = await startTestApp({ LOG_LEVEL: 'debug' }, { logDestination: debugCapture });
    const quiet = await startTestApp({ LOG_LEVEL: 'warn' }, { logDestination: quietCapture });

    await debug.http.get('/health/ready');
    await quiet.http.get('/no/such/path');
    await debug.close();
    await quiet.close();

    expect(debugCapture.records()).toContainEqual(
      expect.objectContaining({ level: 'debug', route: '/health/ready', status: 200 }),
    );
    expect(quietCapture.lines).toEqual([]);
  });
});
