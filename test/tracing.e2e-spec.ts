import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { SHUTDOWN_EXPORT_TIMEOUT_MS } from '../src/platform/tracing/opentelemetry.js';
import { builtFile, ensureBuilt } from './support/build.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { LogCapture, type LogRecord } from './support/log-capture.js';
import { type ExportedSpan, OtlpReceiver } from './support/otlp-receiver.js';
import { runNode } from './support/processes.js';
import { startTestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';
import { TEST_JWT_SECRET, tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected&search_text=secret-search&limit=10&offset=0';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const SERVER = 2;
const CLIENT = 3;
const STATUS_ERROR = 2;

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const logs = new LogCapture();
  let receiver: OtlpReceiver;
  let guest: OrganizationRow;
  let host: OrganizationRow;
  let token: string;
  let untracedResponseId: string;

  // Both requests first, then the app is closed: shutting down exports every buffered span.
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    const t = await startTestApp(
      { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, LOG_LEVEL: 'info' },
      { logDestination: logs },
    );
    guest = await anOrganization(t.db);
    host = await anOrganization(t.db);
    await aConnection(t.db, host, guest);
    token = await tokenFor(host.id);
    const list = () =>
      t.http
        .get(LIST)
        .set('Authorization', `Bearer ${token}`)
        .set('Requester-Organization-ID', host.id)
        .set('Target-Organization-ID', guest.id);

    const traced = await list().set('traceparent', `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`);
    const untraced = await list();
    await t.http.get('/health/ready');
    await t.close();

    expect([traced.status, untraced.status]).toEqual([200, 200]);
    untracedResponseId = untraced.headers['x-request-id'];
  });

  afterAll(async () => {
    await receiver.close();
  });

  afterAll(() =>
    console.log(
      JSON.stringify(
        receiver.spans.map((s) => [
          s.name,
          s.kind,
          s.traceId.slice(0, 6),
          s.spanId.slice(0, 6),
          s.parentSpanId?.slice(0, 6),
          String(s.attributes['db.query.text']).slice(0, 60),
        ]),
      ),
    ),
  );
  const serverSpans = () => receiver.spans.filter((span) => span.kind === SERVER);
  const childrenOf = (parent: ExportedSpan) =>
    receiver.spans.filter(
      (span) => span.parentSpanId === parent.spanId && span.traceId === parent.traceId,
    );
  const requestLine = (requestId: string): LogRecord | undefined =>
    logs.records().find((record) => record.requestId === requestId && 'status' in record);

  it('should export a server span of the request in the caller trace, under its parent', () => {
    const [span] = serverSpans().filter((candidate) => candidate.traceId === TRACE_ID);

    expect(span).toMatchObject({
      name: 'GET /host-connections',
      parentSpanId: PARENT_SPAN_ID,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/host-connections',
        'url.path': '/host-connections',
        'http.response.status_code': 200,
      },
      resource: { 'service.name': 'host-connections' },
    });
    expect(span.status.code).not.toBe(STATUS_ERROR);
    expect(receiver.contentTypes[0]).toBe('application/json');
  });

  it('should export a client span for each SQL statement, children of the request span', () => {
    const [span] = serverSpans().filter((candidate) => candidate.traceId === TRACE_ID);
    const statements = childrenOf(span);

    // The guard's access check and the page's statement.
    expect(statements.length).toBeGreaterThanOrEqual(2);
    for (const statement of statements) {
      expect(statement).toMatchObject({
        kind: CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.query.text': expect.stringMatching(/host_connections/) as unknown,
          'server.address': expect.any(String) as unknown,
        },
      });
      expect(['SELECT', 'WITH']).toContain(statement.name);
    }
  });

  // Parameter values are the client's data (search text, organization ids): never recorded.
  it('should record no parameter value, header or token', () => {
    const exported = JSON.stringify(receiver.spans);

    expect(exported).not.toContain('secret-search');
    expect(exported).not.toContain(guest.id);
    expect(exported).not.toContain(host.id);
    expect(exported).not.toContain(token.split('.')[2]);
  });

  it('should start a trace of its own without traceparent, and log its trace id', () => {
    const own = serverSpans().filter((span) => span.traceId !== TRACE_ID);

    expect(own).toHaveLength(1);
    expect(own[0].parentSpanId ?? '').toBe('');
    expect(childrenOf(own[0]).length).toBeGreaterThanOrEqual(2);
    expect(requestLine(untracedResponseId)).toMatchObject({ trace_id: own[0].traceId });
  });

  it('should log the caller trace id on the traced request', () => {
    expect(requestLine(TRACE_ID)).toMatchObject({ trace_id: TRACE_ID, status: 200 });
  });

  it('should not trace probes', () => {
    expect(
      receiver.spans.filter((span) => span.attributes['url.path'] === '/health/ready'),
    ).toEqual([]);
    expect(serverSpans()).toHaveLength(2);
  });
});

describe('tracing with a collector that never answers', () => {
  it('should answer requests as usual and still shut down promptly', async () => {
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
    await once(blackHole, 'listening');
    const { port } = blackHole.address() as { port: number };
    const t = await startTestApp({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
    try {
      const guest = await anOrganization(t.db);

      const response = await t.http
        .get(LIST)
        .set('Authorization', `Bearer ${await tokenFor(guest.id)}`)
        .set('Requester-Organization-ID', guest.id)
        .set('Target-Organization-ID', guest.id);
      const started = Date.now();
      await t.close();

      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(SHUTDOWN_EXPORT_TIMEOUT_MS + 2000);
    } finally {
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  }, 30_000);
});

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  // Starts the built app in a process of its own and prints how many OpenTelemetry SDK
  // modules it loaded: Jest's module registry would hide that in this process. The packages
  // are CommonJS, so they show in the require cache once anything imports them. The API
  // package does not count: prom-client loads it anyway (for exemplars), and it is a no-op.
  const LOADED_OPENTELEMETRY_MODULES = `
    import { createRequire } from 'node:module';
    const { createApp } = await import(process.env.APP_SETUP);
    const { validateEnvironment } = await import(process.env.ENV_SCHEMA);
    const app = await createApp(validateEnvironment(process.env));
    await app.init();
    await app.close();
    const cache = Object.keys(createRequire(import.meta.url).cache);
    console.log('loaded=' + cache.filter((path) => /\\/@opentelemetry\\/(?!api\\/)/.test(path)).length);
  `;

  async function openTelemetryModulesLoaded(env: Record<string, string>): Promise<number> {
    const database = await createTestDatabase();
    try {
      const child = runNode(['--input-type=module', '-e', LOADED_OPENTELEMETRY_MODULES], {
        PATH: process.env.PATH,
        APP_SETUP: pathToFileURL(builtFile('src/app.setup.ts')).href,
        ENV_SCHEMA: pathToFileURL(builtFile('src/config/env.schema.ts')).href,
        DATABASE_URL: database.url,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'silent',
        ...env,
      });
      const { code } = await child.exited;
      expect({ code, output: child.output() }).toMatchObject({ code: 0 });
      return Number(/loaded=(\d+)/.exec(child.output())?.[1]);
    } finally {
      await database.drop();
    }
  }

  beforeAll(async () => {
    await ensureBuilt();
  }, 120_000);

  it('should not load the OpenTelemetry SDK at all', async () => {
    expect(await openTelemetryModulesLoaded({})).toBe(0);
  }, 60_000);

  // Proves the count above can see the SDK when it is there.
  it('should load it once the endpoint is set', async () => {
    expect(
      await openTelemetryModulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }),
    ).toBeGreaterThan(0);
  }, 60_000);
});
