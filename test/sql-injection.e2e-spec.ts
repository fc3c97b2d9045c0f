import type { Response } from 'supertest';
import type { ErrorEnvelope } from '../src/common/errors/api-error.js';
import type { HostConnectionListDto } from '../src/host-connections/dto/host-connection.response.dto.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { percentEncode, QUERY_KEYS, SQL_PAYLOADS } from './support/hostile-requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const VALID: Record<string, string> = { statuses: 'connected', limit: '10', offset: '0' };
// Every parameter but search_text, whose value is free text: it is searched for instead.
const PARAMETERS = QUERY_KEYS.filter((name) => name !== 'search_text');

const detailOf = (response: Response) => (response.body as ErrorEnvelope).detail;
const hostNamesOf = (response: Response) =>
  (response.body as HostConnectionListDto).items.map((item) => item.host_name);

function listUrl(overrides: Record<string, string>): string {
  const query = Object.entries({ ...VALID, ...overrides })
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
  return `/host-connections?${query}`;
}

describe('SQL injection', () => {
  let t: TestApp;
  let guest: OrganizationRow;
  let token: string;
  let rowCounts: string;

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.http.get(url).set({
      Authorization: `Bearer ${token}`,
      'Requester-Organization-ID': guest.id,
      'Target-Organization-ID': guest.id,
      ...headers,
    });

  const countRows = async (): Promise<string> => {
    const [row] = await t.db.query<Array<{ counts: string }>>(
      `SELECT (SELECT count(*) FROM host_connections) || '/' || (SELECT count(*) FROM organizations) AS counts`,
    );
    return row.counts;
  };

  beforeAll(async () => {
    t = await startTestApp();
    guest = await anOrganization(t.db);
    for (const name of ["O'Brien Freight", '100%_off Logistics', '100 percent off', 'Acme']) {
      await aConnection(t.db, await anOrganization(t.db, { name }), guest);
    }
    token = await tokenFor(guest.id);
    rowCounts = await countRows();
  });

  afterAll(async () => {
    await t.close();
  });

  describe.each(SQL_PAYLOADS)('payload %j', (payload) => {
    it.each(PARAMETERS)('should refuse it in %s with 422', async (parameter) => {
      const response = await get(listUrl({ [parameter]: payload }));

      expect(response.status).toBe(422);
      expect(detailOf(response)).toEqual([expect.objectContaining({ loc: ['query', parameter] })]);
    });

    it('should search for it literally and find nothing', async () => {
      const response = await get(listUrl({ search_text: payload.slice(0, 255) }));

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total_items: 0 });
    });

    it('should refuse it as a parameter name with 422', async () => {
      const response = await get(listUrl({ [payload]: 'connected' }));

      expect(response.status).toBe(422);
      expect(detailOf(response)).toEqual([
        expect.objectContaining({ loc: ['query', payload], code: 'unknown_parameter' }),
      ]);
    });

    it.each(['requester-organization-id', 'target-organization-id'])(
      'should refuse it in the %s header with 422',
      async (header) => {
        const response = await get(listUrl({}), { [header]: payload });

        expect(response.status).toBe(422);
        expect(detailOf(response)).toEqual([
          expect.objectContaining({ loc: ['header', header], code: 'invalid_uuid' }),
        ]);
      },
    );

    it('should refuse it as the bearer token with 401', async () => {
      const response = await get(listUrl({}), { Authorization: `Bearer ${payload}` });

      expect(response.status).toBe(401);
    });

    it('should refuse a signed token whose org_id claim holds it with 401', async () => {
      const forged = await tokenFor(guest.id, { claims: { org_id: payload } });

      const response = await get(listUrl({}), { Authorization: `Bearer ${forged}` });

      expect(response.status).toBe(401);
    });
  });

  it('should match quotes and LIKE wildcards as the characters they are', async () => {
    const quote = await get(listUrl({ search_text: "o'brien" }));
    const wildcards = await get(listUrl({ search_text: '100%_off' }));

    expect(hostNamesOf(quote)).toEqual(["O'Brien Freight"]);
    expect(hostNamesOf(wildcards)).toEqual(['100%_off Logistics']);
  });

  // Last in the file: every payload above has been sent by now.
  it('should still have every table and row', async () => {
    const counts = await countRows();

    expect(counts).toBe(rowCounts);
    expect(rowCounts).toBe('4/5');
  });
});
