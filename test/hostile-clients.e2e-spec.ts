import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { parseErrorEnvelope } from './support/envelope.js';
import { anOrganization, type OrganizationRow } from './support/factories.js';
import { listenOnLoopback, sendRaw } from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

// Issue 14: what a hostile client sends that a client library would not, on raw sockets.

const LIST = '/host-connections?statuses=connected&limit=10&offset=0';
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Conversation {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with the time (ms since connecting) the server closed the connection. */
  closed: Promise<number>;
}

function converse(port: number): Conversation {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(Date.now() - started)),
  );
  return { socket, received: () => text, closed };
}

function statusLines(text: string): string[] {
  return text.split('\r\n').filter((line) => /^HTTP\/1\.[01] \d{3} /.test(line));
}

function headersOf(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('hostile clients', () => {
  let t: TestApp;
  let port: number;
  let guest: OrganizationRow;
  let authorization: string;

  beforeAll(async () => {
    t = await startTestApp();
    port = await listenOnLoopback(t.app);
    guest = await anOrganization(t.db);
    authorization = `Bearer ${await tokenFor(guest.id)}`;
  });

  afterAll(async () => {
    await t.close();
  });

  const list = (path = LIST) =>
    t.http
      .get(path)
      .set('Authorization', authorization)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id);

  const inFlight = async () =>
    sample((await t.metrics.get('/metrics')).text, 'http_requests_in_flight');

  describe('pipelined requests from a client that leaves at once', () => {
    it('should give every in-flight slot back, so ordinary requests still get through', async () => {
      const pipelined = `GET ${LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(300);
      const attacker = converse(port);
      await new Promise((resolve) => attacker.socket.once('connect', resolve));
      attacker.socket.write(pipelined);
      attacker.socket.destroy();
      await attacker.closed;

      let left = await inFlight();
      for (let attempt = 0; attempt < 50 && left !== 0; attempt++) {
        await sleep(100);
        left = await inFlight();
      }
      const statuses = await Promise.all(
        Array.from({ length: 32 }, async () => (await list()).status),
      );

      expect(left).toBe(0);
      expect(statuses.filter((status) => status === 503)).toEqual([]);
      expect(new Set(statuses)).toEqual(new Set([200]));
    });
  });

  describe('query parameters', () => {
    const withPairs = (count: number) => `${LIST}${'&'.repeat(count - 3)}`;

    it('should accept 100 &-separated pairs, empty ones included', async () => {
      const response = await list(withPairs(100));

      expect(response.status).toBe(200);
    });

    it.each([
      ['101 pairs', withPairs(101)],
      ['a parameter after 1,000 empty pairs', `${LIST}${'&'.repeat(1000)}&archived=true`],
      ['an unknown parameter after 1,000 empty pairs', `${LIST}${'&'.repeat(1000)}&nope=1`],
    ])('should refuse %s with 422 too_many_parameters', async (_name, path) => {
      const response = await list(path);

      expect(response.status).toBe(422);
      expect(parseErrorEnvelope(response.headers['content-type'], response.text)).toStrictEqual({
        detail: [
          {
            loc: ['query'],
            msg: 'At most 100 query parameters are accepted',
            type: 'value_error',
            code: 'too_many_parameters',
          },
        ],
      });
    });

    it('should still check the token first (401 before the query)', async () => {
      const response = await t.http.get(withPairs(101));

      expect(response.status).toBe(401);
    });
  });

  describe('exact paths', () => {
    it.each([
      '/HOST-CONNECTIONS?statuses=connected&limit=10&offset=0',
      '/Host-Connections?statuses=connected&limit=10&offset=0',
      '/host-connections/?statuses=connected&limit=10&offset=0',
      '/host-connections//?statuses=connected&limit=10&offset=0',
      '/HEALTH/live',
      '/health/live/',
    ])('should answer 404 for %s', async (path) => {
      const response = await list(path);

      expect(response.status).toBe(404);
    });

    it.each(['/health/live', '/docs', '/docs-json', '/docs-yaml'])(
      'should still serve %s',
      async (path) => {
        const response = await t.http.get(path);

        expect(response.status).toBe(200);
      },
    );

    it('should still serve the API on its exact path', async () => {
      const response = await list();

      expect(response.status).toBe(200);
    });
  });

  describe('repeated and invalid headers', () => {
    const identity = (): Array<[string, string]> => [
      ['Requester-Organization-ID', guest.id],
      ['Target-Organization-ID', guest.id],
    ];

    it('should refuse two Authorization headers, even when the first is valid', async () => {
      const response = await sendRaw(port, {
        target: LIST,
        headers: [['Authorization', authorization], ['Authorization', 'garbage'], ...identity()],
      });

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(
        parseErrorEnvelope(response.headers.get('content-type'), response.body).detail[0].code,
      ).toBe('multiple_authorization_headers');
    });

    it('should accept one Authorization header (control)', async () => {
      const response = await sendRaw(port, {
        target: LIST,
        headers: [['Authorization', authorization], ...identity()],
      });

      expect(response.status).toBe(200);
    });

    it('should refuse two Host headers with 400', async () => {
      const response = await sendRaw(port, {
        target: LIST,
        headers: [['Host', 'evil.example'], ['Authorization', authorization], ...identity()],
      });

      expect(response.status).toBe(400);
      expect(
        parseErrorEnvelope(response.headers.get('content-type'), response.body).detail,
      ).toStrictEqual([
        {
          loc: ['header', 'host'],
          msg: 'Only one Host header is allowed',
          type: 'value_error',
          code: 'invalid_host',
        },
      ]);
    });

    it.each(['evil.example/path', 'user@evil.example', 'a b', 'host:80:80', 'host:port', '[::1'])(
      'should refuse Host %j with 400',
      async (host) => {
        const response = await sendRaw(port, {
          target: LIST,
          omitHost: true,
          headers: [['Host', host], ['Authorization', authorization], ...identity()],
        });

        expect(response.status).toBe(400);
        expect(
          parseErrorEnvelope(response.headers.get('content-type'), response.body).detail[0].code,
        ).toBe('invalid_host');
      },
    );

    it.each(['localhost', 'localhost:3000', '127.0.0.1:80', '[::1]:3000', 'api.example.com'])(
      'should accept Host %j',
      async (host) => {
        const response = await sendRaw(port, {
          target: LIST,
          omitHost: true,
          headers: [['Host', host], ['Authorization', authorization], ...identity()],
        });

        expect(response.status).toBe(200);
      },
    );
  });

  describe('HTTP/1.0 with Transfer-Encoding', () => {
    it('should refuse it with 400, close the connection and never run what follows', async () => {
      const smuggled = `GET ${LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nRequester-Organization-ID: ${guest.id}\r\nTarget-Organization-ID: ${guest.id}\r\n\r\n`;
      const client = converse(port);

      client.socket.write(
        'GET /health/live HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n' +
          `Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
      );
      await client.closed;
      const text = client.received();

      expect(statusLines(text)).toEqual(['HTTP/1.1 400 Bad Request']);
      expect(headersOf(text).get('connection')).toBe('close');
      expect(text).not.toContain('"items"');
    });
  });

  describe('answers written outside Express', () => {
    let expected: Map<string, string>;

    beforeAll(async () => {
      const ordinary = await sendRaw(port, { target: '/health/live' });
      expected = new Map(SECURITY_HEADERS.map((name) => [name, ordinary.headers.get(name) ?? '']));
    });

    async function answerTo(bytes: string): Promise<string> {
      const client = converse(port);
      client.socket.write(bytes);
      await client.closed;
      return client.received();
    }

    it.each<[string, string, number]>([
      ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
      [
        'headers over MAX_HEADER_BYTES',
        `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
      ],
      [
        'an unknown Expect',
        'GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n',
        417,
      ],
      [
        'HTTP/1.0 with Transfer-Encoding',
        'GET /health/live HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
      ],
    ])('should give %s the security headers and a Date', async (_name, bytes, status) => {
      const text = await answerTo(bytes);
      const headers = headersOf(text);

      expect(statusLines(text)[0]).toMatch(new RegExp(`^HTTP/1\\.[01] ${status} `));
      expect(Number.isNaN(Date.parse(headers.get('date') ?? ''))).toBe(false);
      for (const [name, value] of expected)
        expect([name, headers.get(name)]).toEqual([name, value]);
      expect(expected.get('content-security-policy')).not.toBe('');
    });
  });

  describe('a request held far longer than any request can take', () => {
    let held: TestApp;
    let locker: pg.Client;

    beforeAll(async () => {
      held = await startTestApp({
        HTTP_REQUEST_TIMEOUT_MS: '1000',
        DATABASE_STATEMENT_TIMEOUT_MS: '30000',
      });
      locker = new pg.Client({ connectionString: held.database.url });
      await locker.connect();
    });

    afterAll(async () => {
      await locker.end();
      await held.close();
    });

    it('should make the pod not ready, and ready again once it is answered', async () => {
      const organization = await anOrganization(held.db);
      const token = await tokenFor(organization.id);
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE host_connections IN ACCESS EXCLUSIVE MODE');

      const stuck = held.http
        .get(LIST)
        .set('Authorization', `Bearer ${token}`)
        .set('Requester-Organization-ID', organization.id)
        .set('Target-Organization-ID', organization.id)
        .then((response) => response.status);
      await sleep(2500);
      const whileHeld = await held.http.get('/health/ready');
      const gauge = sample((await held.metrics.get('/metrics')).text, 'http_requests_in_flight');
      await locker.query('COMMIT');
      const answered = await stuck;
      const after = await held.http.get('/health/ready');

      expect(whileHeld.status).toBe(503);
      expect(whileHeld.body).toMatchObject({
        error: { requests: { status: 'down', message: 'a request has been in flight too long' } },
      });
      expect(gauge).toBe(1);
      expect(answered).toBe(200);
      expect(after.status).toBe(200);
    });
  });

  describe('server timeouts', () => {
    let slow: TestApp;
    let slowPort: number;

    beforeAll(async () => {
      slow = await startTestApp({
        HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500',
        HTTP_HEADERS_TIMEOUT_MS: '2000',
        HTTP_REQUEST_TIMEOUT_MS: '3000',
      });
      slowPort = await listenOnLoopback(slow.app);
    });

    afterAll(async () => {
      await slow.close();
    });

    it('should default to keep-alive 65 s, headers 66 s and a whole request 30 s', () => {
      const server: Server = t.app.getHttpServer();

      expect([server.keepAliveTimeout, server.headersTimeout, server.requestTimeout]).toEqual([
        65_000, 66_000, 30_000,
      ]);
    });

    it('should close an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
      const client = converse(slowPort);
      client.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
      await new Promise((resolve) => client.socket.once('data', resolve));
      const answeredAt = Date.now();

      await client.closed;
      const idleMs = Date.now() - answeredAt;

      expect(statusLines(client.received())).toEqual(['HTTP/1.1 200 OK']);
      expect(idleMs).toBeGreaterThanOrEqual(1200);
      expect(idleMs).toBeLessThan(4000);
    });

    it('should answer 408 to headers sent too slowly', async () => {
      const client = converse(slowPort);
      client.socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
      const trickle = setInterval(() => client.socket.write('X-Slow: 1\r\n'), 500);

      const closedAfter = await client.closed;
      clearInterval(trickle);

      const headers = headersOf(client.received());
      expect(statusLines(client.received())).toEqual(['HTTP/1.1 408 Request Timeout']);
      expect(closedAfter).toBeLessThan(5000);
      expect(Number.isNaN(Date.parse(headers.get('date') ?? ''))).toBe(false);
      expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    });

    it('should cut off a body sent one byte every 500 ms after HTTP_REQUEST_TIMEOUT_MS', async () => {
      const client = converse(slowPort);
      client.socket.write(
        'POST /host-connections HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
      );
      const trickle = setInterval(() => client.socket.write('x'), 500);

      const closedAfter = await client.closed;
      clearInterval(trickle);

      // 100 bytes at this pace would take 50 s.
      expect(closedAfter).toBeGreaterThanOrEqual(2500);
      expect(closedAfter).toBeLessThan(6000);
    });
  });
});
