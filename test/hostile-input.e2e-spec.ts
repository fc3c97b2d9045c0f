import fc from 'fast-check';
import { parse as parseQuery } from 'node:querystring';
import { LogCapture } from './support/log-capture.js';
import { leaksIn, parseErrorEnvelope } from './support/envelope.js';
import { aConnection, anOrganization } from './support/factories.js';
import { hostileRequest, QUERY_KEYS } from './support/hostile-requests.js';
import {
  listenOnLoopback,
  type RawRequest,
  type RawResponse,
  sendRaw,
} from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_JWT_SECRET, tokenFor } from './support/tokens.js';

// CI runs the default; FUZZ_RUNS=50000 digs deeper locally.
const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);

describe('hostile input (fuzz)', () => {
  const logs = new LogCapture();
  let t: TestApp;
  let port: number;
  let tokens: string[];
  let organizationIds: string[];

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: logs });
    port = await listenOnLoopback(t.app);
    const guest = await anOrganization(t.db);
    const host = await anOrganization(t.db, { name: "O'Brien 100%_off \\ Freight" });
    const other = await anOrganization(t.db);
    await aConnection(t.db, host, guest);
    await aConnection(t.db, other, guest, {
      status: 'disconnected',
      archived: true,
      archived_at: '2025-06-01T00:00:00.000001Z',
    });
    await aConnection(t.db, guest, host);
    organizationIds = [guest.id, host.id, other.id];
    tokens = [await tokenFor(guest.id), await tokenFor(host.id), await tokenFor(other.id)];
  });

  afterAll(async () => {
    await t.close();
  });

  it(
    `should answer ${RUNS} hostile requests without a 5xx, a leak or a non-envelope error`,
    async () => {
      const sentTokens = new Set<string>();
      const statuses = new Map<number, number>();

      await fc.assert(
        fc.asyncProperty(hostileRequest({ tokens, organizationIds }), async (request) => {
          // Shorter "tokens" ("a", "Bearer") can appear in any text by chance.
          const token = bearerToken(request);
          const secrets = token !== undefined && token.length >= 20 ? [token] : [];
          for (const secret of secrets) sentTokens.add(secret);

          const response = await sendRaw(port, request);

          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          checkResponse(request, response, secrets);
        }),
        { numRuns: RUNS },
      );

      // The generators reach every layer: the parser, auth, headers, validation, the database.
      for (const status of [200, 400, 401, 404, 422])
        expect(statuses.get(status)).toBeGreaterThan(0);
      expect(logs.recordsAtLeast(50)).toEqual([]);
      const leakingLines = logs.lines.filter(
        (line) => leaksIn(line, [TEST_JWT_SECRET, ...sentTokens]).length > 0,
      );
      expect(leakingLines).toEqual([]);
    },
    120_000 + RUNS * 40,
  );
});

function bearerToken(request: RawRequest): string | undefined {
  const header = request.headers?.find(([name]) => name === 'Authorization')?.[1];
  return header?.replace(/^\S+\s+/, '');
}

function checkResponse(request: RawRequest, response: RawResponse, secrets: string[]): void {
  if (response.status >= 500) {
    throw new Error(`${response.status} for ${JSON.stringify(request)}: ${response.body}`);
  }
  if (request.method === 'HEAD') return;
  if (response.body.includes(TEST_JWT_SECRET)) throw new Error('the body holds the JWT secret');
  let ownText = response.body;
  if (response.status >= 400) {
    const envelope = parseErrorEnvelope(response.headers.get('content-type'), response.body);
    // `loc` names the client's own input (an unknown parameter may be called anything):
    // everything else is the service's own text.
    ownText = JSON.stringify(envelope.detail.map(({ msg, type, code }) => [msg, type, code]));
  } else {
    const target = request.headers
      ?.find(([name]) => name === 'Target-Organization-ID')?.[1]
      .toLowerCase();
    // Parsed as Express 5 does: an unknown parameter must never be ignored.
    const keys = Object.keys(parseQuery(request.target.split('?').slice(1).join('?')));
    expect(keys.filter((key) => !(QUERY_KEYS as readonly string[]).includes(key))).toEqual([]);
    const body = JSON.parse(response.body) as
      { items: Array<{ guest_organization_id: string }> } | { guest_organization_id: string };
    // A page of the list, or one connection (/host-connections/{host_org_id}).
    for (const item of 'items' in body ? body.items : [body])
      expect(item.guest_organization_id).toBe(target);
  }
  const leaks = leaksIn(ownText, secrets);
  if (leaks.length > 0) throw new Error(`body leaks ${leaks.join(', ')}: ${response.body}`);
}
