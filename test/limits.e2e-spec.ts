import type { QueryRunner } from 'typeorm';
import { parseErrorEnvelope } from './support/envelope.js';
import { anOrganization, type OrganizationRow } from './support/factories.js';
import {
  listenOnLoopback,
  type RawRequest,
  type RawResponse,
  sendRaw,
} from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected&limit=0&offset=0';

async function asOrganization(organization: OrganizationRow, target = LIST): Promise<RawRequest> {
  return {
    target,
    headers: [
      ['Authorization', `Bearer ${await tokenFor(organization.id)}`],
      ['Requester-Organization-ID', organization.id],
      ['Target-Organization-ID', organization.id],
    ],
  };
}

/** A valid listing URL of exactly `length` characters (repeated statuses are harmless). */
function listUrlOfLength(length: number): string {
  let url = '/host-connections?limit=0&offset=0&statuses=connected';
  while (url.length + ',connected'.length + '&search_text=aa'.length <= length) url += ',connected';
  return `${url}&search_text=${'a'.repeat(length - url.length - '&search_text='.length)}`;
}

function expectEnvelope(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  const envelope = parseErrorEnvelope(response.headers.get('content-type'), response.body);
  expect(envelope.detail.map((detail) => detail.code)).toEqual([code]);
}

describe('request limits', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      MAX_HEADER_BYTES: '4096',
      MAX_URL_LENGTH: '1024',
      MAX_IN_FLIGHT_REQUESTS: '2',
      RATE_LIMIT_REQUESTS: '3',
      RATE_LIMIT_WINDOW_SECONDS: '60',
    });
    port = await listenOnLoopback(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('request size', () => {
    it('should answer 431 with the envelope when the headers exceed MAX_HEADER_BYTES', async () => {
      const request = await asOrganization(await anOrganization(t.db));
      request.headers = [...(request.headers ?? []), ['X-Padding', 'a'.repeat(4096)]];

      const response = await sendRaw(port, request);

      expectEnvelope(response, 431, 'headers_too_large');
    });

    it('should serve headers within MAX_HEADER_BYTES', async () => {
      const request = await asOrganization(await anOrganization(t.db));
      request.headers = [...(request.headers ?? []), ['X-Padding', 'a'.repeat(2500)]];

      const response = await sendRaw(port, request);

      expect(response.status).toBe(200);
    });

    it('should answer 414 with the envelope when the URL exceeds MAX_URL_LENGTH', async () => {
      const target = listUrlOfLength(1025);
      const request = await asOrganization(await anOrganization(t.db), target);

      const response = await sendRaw(port, request);

      expect(target.length).toBe(1025);
      expectEnvelope(response, 414, 'uri_too_long');
    });

    it('should serve a URL of exactly MAX_URL_LENGTH characters', async () => {
      const target = listUrlOfLength(1024);
      const request = await asOrganization(await anOrganization(t.db), target);

      const response = await sendRaw(port, request);

      expect(target.length).toBe(1024);
      expect(response.status).toBe(200);
    });
  });

  describe('malformed HTTP', () => {
    it('should answer 400 with the envelope when the request line has a control character', async () => {
      const response = await sendRaw(port, { target: `${LIST}&search_text=a\x01b` });

      expectEnvelope(response, 400, 'malformed_request');
    });

    it('should answer 400 with the envelope when an HTTP/1.1 request has no Host', async () => {
      const request = await asOrganization(await anOrganization(t.db));

      const response = await sendRaw(port, { ...request, omitHost: true });

      expectEnvelope(response, 400, 'missing');
      expect(JSON.parse(response.body)).toEqual({
        detail: [
          { loc: ['header', 'host'], msg: 'Field required', type: 'missing', code: 'missing' },
        ],
      });
    });

    it('should serve an HTTP/1.0 request without Host', async () => {
      const request = await asOrganization(await anOrganization(t.db));

      const response = await sendRaw(port, { ...request, omitHost: true, httpVersion: '1.0' });

      expect(response.status).toBe(200);
    });

    it('should answer 417 with the envelope for an Expect other than 100-continue', async () => {
      const request = await asOrganization(await anOrganization(t.db));
      request.headers = [...(request.headers ?? []), ['Expect', 'teapot']];

      const response = await sendRaw(port, request);

      expectEnvelope(response, 417, 'expectation_failed');
    });

    it('should ignore a request body instead of parsing it', async () => {
      const request = await asOrganization(await anOrganization(t.db));
      request.headers = [...(request.headers ?? []), ['Content-Type', 'application/json']];

      const response = await sendRaw(port, { ...request, body: '{"broken": ' });

      expect(response.status).toBe(200);
    });
  });

  describe('concurrent requests', () => {
    let lock: QueryRunner;

    beforeEach(async () => {
      lock = t.db.createQueryRunner();
      await lock.connect();
      await lock.startTransaction();
      // Both tables a list may read: a count-only request (limit=0) reads only the counters.
      await lock.query(
        'LOCK TABLE host_connections, host_connection_counts IN ACCESS EXCLUSIVE MODE',
      );
    });

    afterEach(async () => {
      if (lock.isTransactionActive) await lock.rollbackTransaction();
      await lock.release();
    });

    it('should answer 503 with Retry-After beyond MAX_IN_FLIGHT_REQUESTS and recover', async () => {
      const [a, b, c] = [
        await anOrganization(t.db),
        await anOrganization(t.db),
        await anOrganization(t.db),
      ];
      const held = [sendRaw(port, await asOrganization(a)), sendRaw(port, await asOrganization(b))];
      await waitForLockWaiters(2);

      const excess = await sendRaw(port, await asOrganization(c));
      // The probes bypass the cap: a full pod must not be restarted nor taken out of rotation.
      const probes = [
        await sendRaw(port, { target: '/health/live' }),
        await sendRaw(port, { target: '/health/ready' }),
      ];
      await lock.rollbackTransaction();
      const served = await Promise.all(held);
      const after = await sendRaw(port, await asOrganization(c));

      expectEnvelope(excess, 503, 'overloaded');
      expect(excess.headers.get('retry-after')).toBe('1');
      expect(probes.map((response) => response.status)).toEqual([200, 200]);
      expect(served.map((response) => response.status)).toEqual([200, 200]);
      expect(after.status).toBe(200);
    });
  });

  describe('rate limit', () => {
    it('should answer 429 with Retry-After once an organization used its quota', async () => {
      const busy = await asOrganization(await anOrganization(t.db));
      const other = await asOrganization(await anOrganization(t.db));

      const allowed = [];
      for (let i = 0; i < 3; i++) allowed.push(await sendRaw(port, busy));
      const refused = await sendRaw(port, busy);
      const unaffected = await sendRaw(port, other);

      expect(allowed.map((response) => response.status)).toEqual([200, 200, 200]);
      expectEnvelope(refused, 429, 'rate_limited');
      // 3 requests per 60 s: the next one is due within 20 s.
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(20);
      expect(unaffected.status).toBe(200);
    });

    it('should not count requests whose token is invalid', async () => {
      const organization = await anOrganization(t.db);
      const request = await asOrganization(organization);
      const forged: RawRequest = {
        ...request,
        headers: [
          [
            'Authorization',
            `Bearer ${await tokenFor(organization.id, { secret: 'x'.repeat(40) })}`,
          ],
          ...(request.headers ?? []).slice(1),
        ],
      };

      const rejected = [];
      for (let i = 0; i < 5; i++) rejected.push(await sendRaw(port, forged));
      const valid = [];
      for (let i = 0; i < 3; i++) valid.push(await sendRaw(port, request));

      expect(rejected.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
      expect(valid.map((response) => response.status)).toEqual([200, 200, 200]);
    });
  });

  async function waitForLockWaiters(count: number): Promise<void> {
    for (;;) {
      const [{ waiting }] = await t.db.query<Array<{ waiting: number }>>(
        `SELECT count(*)::int AS waiting FROM pg_locks
          WHERE NOT granted
            AND relation IN ('host_connections'::regclass, 'host_connection_counts'::regclass)`,
      );
      if (waiting >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
});

describe('request limits by default', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should not rate-limit unless RATE_LIMIT_REQUESTS is set', async () => {
    const organization = await anOrganization(t.db);
    const token = await tokenFor(organization.id);

    const statuses = [];
    for (let i = 0; i < 30; i++) {
      const response = await t.http
        .get(LIST)
        .set('Authorization', `Bearer ${token}`)
        .set('Requester-Organization-ID', organization.id)
        .set('Target-Organization-ID', organization.id);
      statuses.push(response.status);
    }

    expect(new Set(statuses)).toEqual(new Set([200]));
  });
});
