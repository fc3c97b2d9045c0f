import fc from 'fast-check';
import {
  ORDER_FIELDS,
  SEARCH_FIELDS,
} from '../src/host-connections/dto/list-host-connections.query.dto.js';
import { ACTION_TYPES as ACTIONS } from '../src/host-connections/entities/host-connection.entity.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

/*
 * The list query is optimised (deferred join, a fenced search, totals from counters, one
 * statement with a fallback count). Whatever the parameters, it must answer exactly what
 * the straightforward query answers: one SELECT with ORDER BY/LIMIT/OFFSET, one count(*).
 */

const TIMESTAMP = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const ts = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${TIMESTAMP})`;
const REFERENCE_COLUMNS = `host_organization_id, guest_organization_id, host_name, host_email,
  owner_email, status, archived, ${ts('created_at')} AS created_at, ${ts('updated_at')} AS updated_at,
  ${ts('archived_at')} AS archived_at, active_action_type,
  ${ts('active_action_updated_at')} AS active_action_updated_at`;

interface ListParameters {
  statuses: string[];
  search?: { field: (typeof SEARCH_FIELDS)[number]; text: string };
  orderBy: (typeof ORDER_FIELDS)[number];
  direction: 'asc' | 'desc';
  archived?: boolean;
  actions?: string[];
  limit: number;
  offset: number;
}

function toQueryString(p: ListParameters): string {
  const query = new URLSearchParams();
  for (const status of p.statuses) query.append('statuses', status);
  if (p.search) {
    query.set('search_field', p.search.field);
    query.set('search_text', p.search.text);
  }
  query.set('order_by', p.orderBy);
  query.set('order_dir', p.direction);
  if (p.archived !== undefined) query.set('archived', String(p.archived));
  if (p.actions) query.set('active_action_types', p.actions.join(','));
  query.set('limit', String(p.limit));
  query.set('offset', String(p.offset));
  return query.toString();
}

async function reference(
  t: TestApp,
  guestId: string,
  partyId: string | null,
  p: ListParameters,
): Promise<unknown> {
  const where = ['guest_organization_id = $1', 'status::text = ANY($2)'];
  const values: unknown[] = [guestId, p.statuses];
  const add = (clause: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(clause(values.length));
  };
  if (partyId !== null) add((n) => `host_organization_id = $${n}`, partyId);
  if (p.archived !== undefined) add((n) => `archived = $${n}`, p.archived);
  if (p.actions) add((n) => `active_action_type::text = ANY($${n})`, p.actions);
  if (p.search) {
    const pattern = `%${p.search.text.replace(/[\\%_]/g, '\\$&')}%`;
    add((n) => `${p.search?.field} ILIKE $${n} ESCAPE '\\'`, pattern);
  }
  const filter = where.join(' AND ');
  const items = await t.db.query<unknown[]>(
    `SELECT ${REFERENCE_COLUMNS} FROM host_connections WHERE ${filter}
     ORDER BY ${p.orderBy} ${p.direction} NULLS LAST, host_organization_id ASC
     LIMIT ${p.limit} OFFSET ${p.offset}`,
    values,
  );
  const [{ total }] = await t.db.query<Array<{ total: number }>>(
    `SELECT count(*)::int AS total FROM host_connections WHERE ${filter}`,
    values,
  );
  return { items, total_items: total };
}

describe('GET /host-connections answers what the straightforward query answers', () => {
  let t: TestApp;
  let guest: OrganizationRow;
  let connectedHost: OrganizationRow;
  let names: string[];

  beforeAll(async () => {
    t = await startTestApp();
    guest = await anOrganization(t.db, { name: 'The Guest' });
    const other = await anOrganization(t.db, { name: 'Other Guest' });
    // Repeated names, e-mails and timestamps make ties, which only host_organization_id
    // breaks; %, _ and \ must match literally.
    names = ['Acme', 'acme', 'Zenith 100%', 'Under_score', 'Back\\slash', 'Åsa', 'beta', 'Beta'];
    const hosts: OrganizationRow[] = [];
    for (let i = 0; i < 36; i++) {
      hosts.push(
        await anOrganization(t.db, {
          name: `${names[i % names.length]} ${i % 3 === 0 ? 'Freight' : 'Foods'}`,
          email: `desk${i % 5}@host${i % 4}.example`,
        }),
      );
    }
    for (const [i, host] of hosts.entries()) {
      const archived = i % 4 === 0;
      const action = i % 3 === 0 ? null : ACTIONS[i % 2];
      await aConnection(t.db, host, guest, {
        status: i % 5 === 0 ? 'disconnected' : 'connected',
        owner_email: `owner${i % 6}@example.com`,
        archived,
        archived_at: archived ? `2025-0${1 + (i % 3)}-01T00:00:00.00000${i % 2}Z` : null,
        active_action_type: action,
        active_action_updated_at: action === null ? null : `2025-03-0${1 + (i % 4)}T12:00:00.5Z`,
        created_at: `2024-0${1 + (i % 9)}-15T08:30:00.12345${i % 7}Z`,
        updated_at: `2025-0${1 + (i % 2)}-20T10:00:00.000000Z`,
      });
      if (i % 2 === 0) await aConnection(t.db, host, other);
    }
    connectedHost = hosts[1];
  });
  afterAll(async () => {
    await t.close();
  });

  const parameters: fc.Arbitrary<ListParameters> = fc.record(
    {
      statuses: fc.subarray(['connected', 'disconnected'], { minLength: 1 }),
      search: fc.option(
        fc.record({
          field: fc.constantFrom(...SEARCH_FIELDS),
          text: fc.oneof(
            fc.constantFrom(
              'acme',
              'ACME',
              '%',
              '_',
              '\\',
              'Fre',
              'desk1',
              'host2',
              'owner3',
              'å',
              'zzz',
            ),
            fc.string({ minLength: 1, maxLength: 4 }),
          ),
        }),
        { nil: undefined },
      ),
      orderBy: fc.constantFrom(...ORDER_FIELDS),
      direction: fc.constantFrom('asc' as const, 'desc' as const),
      archived: fc.option(fc.boolean(), { nil: undefined }),
      actions: fc.option(fc.subarray([...ACTIONS], { minLength: 1 }), { nil: undefined }),
      limit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 }), fc.constant(100)),
      offset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
    },
    { requiredKeys: ['statuses', 'orderBy', 'direction', 'limit', 'offset'] },
  );

  it('should list the same page and total for the guest itself', async () => {
    const token = await tokenFor(guest.id);
    await fc.assert(
      fc.asyncProperty(parameters, async (p) => {
        const response = await t.http
          .get(`/host-connections?${toQueryString(p)}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Requester-Organization-ID', guest.id)
          .set('Target-Organization-ID', guest.id);

        expect(response.status).toBe(200);
        expect(response.body).toEqual(await reference(t, guest.id, null, p));
      }),
      { numRuns: 250 },
    );
  });

  it('should list the same row and total for a connected host', async () => {
    const token = await tokenFor(connectedHost.id);
    await fc.assert(
      fc.asyncProperty(parameters, async (p) => {
        const response = await t.http
          .get(`/host-connections?${toQueryString(p)}`)
          .set('Authorization', `Bearer ${token}`)
          .set('Requester-Organization-ID', connectedHost.id)
          .set('Target-Organization-ID', guest.id);

        expect(response.status).toBe(200);
        expect(response.body).toEqual(await reference(t, guest.id, connectedHost.id, p));
      }),
      { numRuns: 60 },
    );
  });

  it('should count past the last page without listing anything', async () => {
    const token = await tokenFor(guest.id);

    const response = await t.http
      .get('/host-connections?statuses=connected,disconnected&limit=10&offset=1000')
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id);

    expect(response.body).toEqual({ items: [], total_items: 36 });
  });
});
