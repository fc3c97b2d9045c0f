import type { Response } from 'supertest';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { callerFor, type Caller, getHostConnections } from './support/requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// One entry of the error envelope for a query parameter.
const queryError = (name: string, msg: string, type: string, code: string) => ({
  loc: ['query', name],
  msg,
  type,
  code,
});
const missing = (name: string) => queryError(name, 'Field required', 'missing', 'missing');
const emptyElement = (name: string) =>
  queryError(name, 'Input should not contain empty values', 'value_error', 'empty_value');
const givenTwice = (name: string) =>
  queryError(name, 'Input should be given only once', 'value_error', 'multiple_values');
const unknownParameter = (name: string) =>
  queryError(name, 'Unknown query parameter', 'extra_forbidden', 'unknown_parameter');
const notAnInteger = (name: string) =>
  queryError(
    name,
    'Input should be a whole number written with the digits 0-9',
    'int_parsing',
    'invalid_integer',
  );
const notABoolean = queryError(
  'archived',
  "Input should be 'true', 'false', '1' or '0'",
  'bool_parsing',
  'invalid_boolean',
);
const notAStatus = queryError(
  'statuses',
  "Input should be 'connected' or 'disconnected'",
  'enum',
  'invalid_enum_value',
);
const notAnActionType = queryError(
  'active_action_types',
  "Input should be 'documents_update_request' or 'analytics_request'",
  'enum',
  'invalid_enum_value',
);
const notAnOrderColumn = queryError(
  'order_by',
  "Input should be 'host_name', 'host_email', 'owner_email', 'created_at', 'updated_at', 'archived_at' or 'active_action_updated_at'",
  'enum',
  'invalid_enum_value',
);
const notADirection = queryError(
  'order_dir',
  "Input should be 'asc' or 'desc'",
  'enum',
  'invalid_enum_value',
);
const notASearchField = queryError(
  'search_field',
  "Input should be 'host_name', 'host_email' or 'owner_email'",
  'enum',
  'invalid_enum_value',
);
const searchTooShort = queryError(
  'search_text',
  'String should have at least 1 character',
  'string_too_short',
  'too_short',
);
const searchTooLong = queryError(
  'search_text',
  'String should have at most 255 characters',
  'string_too_long',
  'too_long',
);

const ALL = 'statuses=connected,disconnected&limit=100&offset=0';
const MAX_SAFE_OFFSET = '9007199254740991';

function hostNames(response: Response): string[] {
  return (response.body as { items: Array<{ host_name: string }> }).items.map(
    (item) => item.host_name,
  );
}

function expectUnprocessable(response: Response, detail: object[]): void {
  expect(response.status).toBe(422);
  expect(response.body).toStrictEqual({ detail });
}

describe('GET /host-connections query parameters', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  // A guest, its hosts (created in this order) and a caller listing the guest's own hosts.
  async function aGuestWithHosts(
    hosts: Array<{
      organization?: Partial<OrganizationRow>;
      connection?: Parameters<typeof aConnection>[3];
    }>,
  ): Promise<{ caller: Caller; hosts: OrganizationRow[] }> {
    const guest = await anOrganization(t.db);
    const created: OrganizationRow[] = [];
    for (const host of hosts) {
      const organization = await anOrganization(t.db, host.organization);
      await aConnection(t.db, organization, guest, host.connection);
      created.push(organization);
    }
    return { caller: await callerFor(guest), hosts: created };
  }

  describe('statuses', () => {
    let caller: Caller;

    beforeAll(async () => {
      ({ caller } = await aGuestWithHosts([
        { organization: { name: 'Alpha' }, connection: { status: 'connected' } },
        { organization: { name: 'Bravo' }, connection: { status: 'disconnected' } },
      ]));
    });

    it.each([
      ['a single value', 'statuses=connected', ['Alpha']],
      ['the other single value', 'statuses=disconnected', ['Bravo']],
      ['repeated keys', 'statuses=connected&statuses=disconnected', ['Alpha', 'Bravo']],
      ['a comma-separated value', 'statuses=disconnected,connected', ['Alpha', 'Bravo']],
      [
        'both forms mixed',
        'statuses=disconnected&statuses=connected,disconnected',
        ['Alpha', 'Bravo'],
      ],
      ['duplicated values', 'statuses=connected,connected&statuses=connected', ['Alpha']],
    ])(
      'should return the rows of the listed statuses when given %s',
      async (_, statuses, names) => {
        const response = await getHostConnections(t, `${statuses}&limit=100&offset=0`, caller);

        expect(response.status).toBe(200);
        expect(hostNames(response)).toStrictEqual(names);
        expect(response.body).toMatchObject({ total_items: names.length });
      },
    );

    it.each([
      ['a trailing empty element', 'statuses=connected,', emptyElement('statuses')],
      ['a leading empty element', 'statuses=,connected', emptyElement('statuses')],
      ['an empty value', 'statuses=', emptyElement('statuses')],
      ['an empty repeated key', 'statuses=connected&statuses=', emptyElement('statuses')],
      ['an upper-case value', 'statuses=CONNECTED', notAStatus],
      ['an unknown value', 'statuses=connected,pending', notAStatus],
      ['no statuses at all', 'archived=true', missing('statuses')],
    ])('should answer 422 when statuses has %s', async (_, statuses, detail) => {
      const response = await getHostConnections(t, `${statuses}&limit=100&offset=0`, caller);

      expectUnprocessable(response, [detail]);
    });
  });

  describe('search_field and search_text', () => {
    const longName = `${'a'.repeat(254)}😀`;
    let caller: Caller;

    beforeAll(async () => {
      ({ caller } = await aGuestWithHosts([
        {
          organization: { name: 'Acme Freight', email: 'ops@acme.example' },
          connection: { owner_email: 'Jane.Doe@acme.example' },
        },
        {
          organization: { name: 'Blue Harbor', email: 'desk@BLUE.example' },
          connection: { owner_email: 'max@harbor.example' },
        },
        { organization: { name: 'Rate 100%', email: 'x_y@rate.example' } },
        { organization: { name: 'Rate 100', email: 'xzy@rate.example' } },
        { organization: { name: 'Snake_Case' } },
        { organization: { name: 'SnakeXCase' } },
        { organization: { name: 'Back\\Slash' } },
        { organization: { name: 'BackSlash' } },
        { organization: { name: longName } },
      ]));
    });

    async function search(parameters: Record<string, string>): Promise<Response> {
      const query = Object.entries(parameters)
        .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
        .join('&');
      return getHostConnections(t, `${ALL}&${query}`, caller);
    }

    it.each([
      ['host_name by default', { search_text: 'acme' }, ['Acme Freight']],
      [
        'host_name in another case',
        { search_field: 'host_name', search_text: 'FREIGHT' },
        ['Acme Freight'],
      ],
      [
        'host_name inside a word',
        { search_field: 'host_name', search_text: 'me fr' },
        ['Acme Freight'],
      ],
      ['host_email', { search_field: 'host_email', search_text: 'blue.EX' }, ['Blue Harbor']],
      ['owner_email', { search_field: 'owner_email', search_text: 'jANE.dOE' }, ['Acme Freight']],
      [
        'owner_email only',
        { search_field: 'owner_email', search_text: 'harbor.example' },
        ['Blue Harbor'],
      ],
      ['host_name only', { search_field: 'host_name', search_text: 'harbor.example' }, []],
    ])('should match a case-insensitive substring of %s', async (_, parameters, names) => {
      const response = await search(parameters);

      expect(response.status).toBe(200);
      expect(hostNames(response)).toStrictEqual(names);
      expect(response.body).toMatchObject({ total_items: names.length });
    });

    it.each([
      ['%', ['Rate 100%']],
      ['100%', ['Rate 100%']],
      ['%%', []],
      ['_', ['Snake_Case']],
      ['e_c', ['Snake_Case']],
      ['\\', ['Back\\Slash']],
      ['K\\s', ['Back\\Slash']],
      ['\\%', []],
      ['\\_', []],
    ])('should treat %j as literal characters', async (text, names) => {
      const response = await search({ search_text: text });

      expect(response.status).toBe(200);
      expect(hostNames(response)).toStrictEqual(names);
    });

    it('should treat _ as a literal character in an email', async () => {
      const response = await search({ search_field: 'host_email', search_text: 'x_y@' });

      expect(response.status).toBe(200);
      expect(hostNames(response)).toStrictEqual(['Rate 100%']);
    });

    it('should accept a one-character search text', async () => {
      const response = await search({ search_text: 'x' });

      expect(response.status).toBe(200);
      expect(hostNames(response)).toStrictEqual(['SnakeXCase']);
    });

    it('should accept 255 code points counting an astral-plane emoji as one', async () => {
      const response = await search({ search_text: longName });

      expect(longName.length).toBe(256);
      expect(response.status).toBe(200);
      expect(hostNames(response)).toStrictEqual([longName]);
    });

    it('should accept 255 astral-plane emoji', async () => {
      const response = await search({ search_text: '😀'.repeat(255) });

      expect(response.status).toBe(200);
      expect(hostNames(response)).toStrictEqual([]);
    });

    it.each([
      ['256 characters', 'a'.repeat(256), searchTooLong],
      ['256 astral-plane emoji', '😀'.repeat(256), searchTooLong],
      ['no characters', '', searchTooShort],
      [
        'a NUL character',
        'a\u0000b',
        queryError(
          'search_text',
          'String should not contain NUL characters',
          'string_pattern_mismatch',
          'invalid_character',
        ),
      ],
    ])('should answer 422 when search_text has %s', async (_, text, detail) => {
      const response = await search({ search_text: text });

      expectUnprocessable(response, [detail]);
    });

    it('should not filter when search_field comes without search_text', async () => {
      const response = await search({ search_field: 'owner_email' });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ total_items: 9 });
    });

    it.each(['name', 'HOST_NAME', ''])(
      'should answer 422 when search_field is %j',
      async (field) => {
        const response = await search({ search_field: field, search_text: 'a' });

        expectUnprocessable(response, [notASearchField]);
      },
    );
  });

  // Five hosts whose ids sort h1 < … < h5, built for ordering, archive and action filters,
  // and paging. Values repeat (ties), nullable columns have NULLs, and timestamps differ
  // only in their microseconds where it matters.
  describe('with five hosts', () => {
    const T1 = '2025-01-01T00:00:00.000001Z';
    const T2 = '2025-01-01T00:00:00.000002Z';
    const T3 = '2025-01-02T00:00:00.000000Z';
    const ROWS = [
      {
        name: 'bravo',
        email: 'c@x.example',
        owner: 'x@x.example',
        created: T2,
        updated: T1,
        archivedAt: null,
        action: { type: 'documents_update_request', at: T1 },
      },
      {
        name: 'alpha',
        email: 'a@x.example',
        owner: 'x@x.example',
        created: T1,
        updated: T3,
        archivedAt: T2,
        action: null,
      },
      {
        name: 'charlie',
        email: 'a@x.example',
        owner: 'y@x.example',
        created: T2,
        updated: T2,
        archivedAt: T1,
        action: { type: 'analytics_request', at: T2 },
      },
      {
        name: 'alpha',
        email: 'b@x.example',
        owner: 'w@x.example',
        created: T3,
        updated: T2,
        archivedAt: null,
        action: { type: 'analytics_request', at: T1 },
      },
      {
        name: 'bravo',
        email: 'c@x.example',
        owner: 'y@x.example',
        created: T1,
        updated: T1,
        archivedAt: T2,
        action: null,
      },
    ] as const;
    let caller: Caller;
    let ids: string[];

    beforeAll(async () => {
      const guest = await anOrganization(t.db);
      ids = (await Promise.all(ROWS.map(() => anOrganization(t.db)))).map((host) => host.id).sort();
      // Inserted last to first, so the physical row order never gives the tie-breaker away.
      for (let index = ROWS.length - 1; index >= 0; index--) {
        const row = ROWS[index];
        await t.db.query('UPDATE organizations SET name = $2, email = $3 WHERE id = $1', [
          ids[index],
          row.name,
          row.email,
        ]);
        await aConnection(t.db, { id: ids[index] }, guest, {
          owner_email: row.owner,
          created_at: row.created,
          updated_at: row.updated,
          archived: row.archivedAt !== null,
          archived_at: row.archivedAt,
          active_action_type: row.action?.type ?? null,
          active_action_updated_at: row.action?.at ?? null,
        });
      }
      caller = await callerFor(guest);
    });

    // Host numbers (1-5) of the page, in the order returned.
    function hostNumbers(response: Response): number[] {
      return (response.body as { items: Array<{ host_organization_id: string }> }).items.map(
        (item) => ids.indexOf(item.host_organization_id) + 1,
      );
    }

    describe('order_by and order_dir', () => {
      it.each([
        ['host_name', 'asc', [2, 4, 1, 5, 3]],
        ['host_name', 'desc', [3, 1, 5, 2, 4]],
        ['host_email', 'asc', [2, 3, 4, 1, 5]],
        ['host_email', 'desc', [1, 5, 4, 2, 3]],
        ['owner_email', 'asc', [4, 1, 2, 3, 5]],
        ['owner_email', 'desc', [3, 5, 1, 2, 4]],
        ['created_at', 'asc', [2, 5, 1, 3, 4]],
        ['created_at', 'desc', [4, 1, 3, 2, 5]],
        ['updated_at', 'asc', [1, 5, 3, 4, 2]],
        ['updated_at', 'desc', [2, 3, 4, 1, 5]],
        ['archived_at', 'asc', [3, 2, 5, 1, 4]],
        ['archived_at', 'desc', [2, 5, 3, 1, 4]],
        ['active_action_updated_at', 'asc', [1, 4, 3, 2, 5]],
        ['active_action_updated_at', 'desc', [3, 1, 4, 2, 5]],
      ])(
        'should order by %s %s, ties by host_organization_id ascending and NULLs last',
        async (column, direction, expected) => {
          const response = await getHostConnections(
            t,
            `${ALL}&order_by=${column}&order_dir=${direction}`,
            caller,
          );

          expect(response.status).toBe(200);
          expect(hostNumbers(response)).toStrictEqual(expected);
        },
      );

      it.each([
        ['no order parameter', '', [2, 4, 1, 5, 3]],
        ['only order_dir', '&order_dir=desc', [3, 1, 5, 2, 4]],
        ['only order_by', '&order_by=created_at', [2, 5, 1, 3, 4]],
      ])('should default to host_name and ascending when given %s', async (_, order, expected) => {
        const response = await getHostConnections(t, `${ALL}${order}`, caller);

        expect(response.status).toBe(200);
        expect(hostNumbers(response)).toStrictEqual(expected);
      });

      it.each([
        ['order_by', 'name', notAnOrderColumn],
        ['order_by', 'HOST_NAME', notAnOrderColumn],
        ['order_by', 'host_organization_id', notAnOrderColumn],
        ['order_dir', 'DESC', notADirection],
        ['order_dir', 'descending', notADirection],
        ['order_dir', '', notADirection],
      ])('should answer 422 when %s is %j', async (name, value, detail) => {
        const response = await getHostConnections(t, `${ALL}&${name}=${value}`, caller);

        expectUnprocessable(response, [detail]);
      });
    });

    describe('archived', () => {
      it.each(['true', 'TRUE', 'True', '1'])(
        'should return only archived rows when archived is %s',
        async (value) => {
          const response = await getHostConnections(t, `${ALL}&archived=${value}`, caller);

          expect(response.status).toBe(200);
          expect(hostNumbers(response)).toStrictEqual([2, 5, 3]);
          expect(response.body).toMatchObject({ total_items: 3 });
        },
      );

      it.each(['false', 'FALSE', 'False', '0'])(
        'should return only rows that are not archived when archived is %s',
        async (value) => {
          const response = await getHostConnections(t, `${ALL}&archived=${value}`, caller);

          expect(response.status).toBe(200);
          expect(hostNumbers(response)).toStrictEqual([4, 1]);
          expect(response.body).toMatchObject({ total_items: 2 });
        },
      );

      it('should return archived and active rows when archived is absent', async () => {
        const response = await getHostConnections(t, ALL, caller);

        expect(response.status).toBe(200);
        expect(hostNumbers(response)).toStrictEqual([2, 4, 1, 5, 3]);
      });

      it.each(['yes', 'no', 't', 'f', '2', '', 'true ', 'null'])(
        'should answer 422 when archived is %j',
        async (value) => {
          const response = await getHostConnections(
            t,
            `${ALL}&archived=${encodeURIComponent(value)}`,
            caller,
          );

          expectUnprocessable(response, [notABoolean]);
        },
      );
    });

    describe('active_action_types', () => {
      it.each([
        ['one type', 'active_action_types=documents_update_request', [1]],
        ['the other type', 'active_action_types=analytics_request', [4, 3]],
        [
          'repeated keys',
          'active_action_types=analytics_request&active_action_types=documents_update_request',
          [4, 1, 3],
        ],
        [
          'a comma-separated value',
          'active_action_types=documents_update_request,analytics_request',
          [4, 1, 3],
        ],
        [
          'duplicated values',
          'active_action_types=analytics_request,analytics_request&active_action_types=analytics_request',
          [4, 3],
        ],
      ])(
        'should return rows with one of the listed actions when given %s',
        async (_, filter, expected) => {
          const response = await getHostConnections(t, `${ALL}&${filter}`, caller);

          expect(response.status).toBe(200);
          expect(hostNumbers(response)).toStrictEqual(expected);
          expect(response.body).toMatchObject({ total_items: expected.length });
        },
      );

      it('should return rows without an action when active_action_types is absent', async () => {
        const response = await getHostConnections(t, ALL, caller);

        expect(response.status).toBe(200);
        expect(hostNumbers(response)).toStrictEqual([2, 4, 1, 5, 3]);
      });

      it.each([
        ['', emptyElement('active_action_types')],
        ['analytics_request,', emptyElement('active_action_types')],
        ['ANALYTICS_REQUEST', notAnActionType],
        ['none', notAnActionType],
      ])('should answer 422 when active_action_types is %j', async (value, detail) => {
        const response = await getHostConnections(t, `${ALL}&active_action_types=${value}`, caller);

        expectUnprocessable(response, [detail]);
      });
    });

    describe('limit and offset', () => {
      const page = (limit: string, offset: string) =>
        getHostConnections(
          t,
          `statuses=connected,disconnected&limit=${limit}&offset=${offset}`,
          caller,
        );

      it('should return only total_items when limit is 0', async () => {
        const response = await page('0', '0');

        expect(response.status).toBe(200);
        expect(response.text).toBe('{"items":[],"total_items":5}');
      });

      it.each([
        ['1', '0', [2]],
        ['2', '0', [2, 4]],
        ['2', '2', [1, 5]],
        ['2', '4', [3]],
        ['100', '0', [2, 4, 1, 5, 3]],
        ['100', '1', [4, 1, 5, 3]],
        ['002', '003', [5, 3]],
        ['10', '5', []],
        ['100', MAX_SAFE_OFFSET, []],
      ])(
        'should return the rows of the page and every matching row in total_items when limit is %s and offset %s',
        async (limit, offset, expected) => {
          const response = await page(limit, offset);

          expect(response.status).toBe(200);
          expect(hostNumbers(response)).toStrictEqual(expected);
          expect(response.body).toMatchObject({ total_items: 5 });
        },
      );

      it.each([
        ['%2B1', 'a plus sign'],
        ['%201', 'a leading space'],
        ['1%20', 'a trailing space'],
        ['1.0', 'a decimal point'],
        ['1e1', 'an exponent'],
        ['0x1', 'hex'],
        ['1_0', 'an underscore'],
        ['-1', 'a minus sign'],
        ['', 'nothing'],
        ['ten', 'letters'],
        ['%EF%BC%91', 'a full-width digit'],
      ])('should answer 422 when limit is %s (%s)', async (limit) => {
        const response = await page(limit, '0');

        expectUnprocessable(response, [notAnInteger('limit')]);
      });

      it('should answer 422 when limit is 101', async () => {
        const response = await page('101', '0');

        expectUnprocessable(response, [
          queryError(
            'limit',
            'Input should be less than or equal to 100',
            'less_than_equal',
            'out_of_range',
          ),
        ]);
      });

      it.each(['9007199254740992', '1'.padEnd(40, '0')])(
        'should answer 422 when offset is %s',
        async (offset) => {
          const response = await page('10', offset);

          expectUnprocessable(response, [
            queryError(
              'offset',
              'Input should be less than or equal to 9007199254740991',
              'less_than_equal',
              'out_of_range',
            ),
          ]);
        },
      );

      it.each(['-1', '%2B1', '1.5', '1e3'])(
        'should answer 422 when offset is %s',
        async (offset) => {
          const response = await page('10', offset);

          expectUnprocessable(response, [notAnInteger('offset')]);
        },
      );

      it('should answer 422 for each of limit and offset when both are missing', async () => {
        const response = await getHostConnections(t, 'statuses=connected', caller);

        expectUnprocessable(response, [missing('limit'), missing('offset')]);
      });
    });
  });

  describe('the whole query', () => {
    let caller: Caller;

    beforeAll(async () => {
      ({ caller } = await aGuestWithHosts([{}]));
    });

    it.each([
      ['search_field', 'host_name', 'host_email'],
      ['search_text', 'a', 'a'],
      ['order_by', 'host_name', 'created_at'],
      ['order_dir', 'asc', 'asc'],
      ['archived', 'true', 'false'],
      ['limit', '1', '2'],
      ['offset', '0', '0'],
    ])(
      'should answer 422 when the single-valued %s is given twice',
      async (name, first, second) => {
        const others = ['statuses=connected', 'limit=10', 'offset=0'].filter(
          (parameter) => !parameter.startsWith(`${name}=`),
        );
        const query = [...others, `${name}=${first}`, `${name}=${second}`].join('&');

        const response = await getHostConnections(t, query, caller);

        expectUnprocessable(response, [givenTwice(name)]);
      },
    );

    it.each([
      'foo',
      'Limit',
      'statuses[]',
      'toString',
      'constructor',
      '__proto__',
      'hasOwnProperty',
    ])('should answer 422 when the unknown parameter %s is given', async (name) => {
      const response = await getHostConnections(t, `${ALL}&${name}=1`, caller);

      expectUnprocessable(response, [unknownParameter(name)]);
    });

    it('should report every invalid input of the request together', async () => {
      const query = [
        'statuses=connected,',
        'search_field=name',
        'search_text=',
        'order_by=name',
        'order_dir=DESC',
        'archived=yes',
        'active_action_types=none',
        'limit=101',
        'offset=-1',
        'foo=1',
        'bar=2',
      ].join('&');

      const response = await getHostConnections(t, query, caller);

      expectUnprocessable(response, [
        unknownParameter('foo'),
        unknownParameter('bar'),
        emptyElement('statuses'),
        notASearchField,
        searchTooShort,
        notAnOrderColumn,
        notADirection,
        notABoolean,
        notAnActionType,
        queryError(
          'limit',
          'Input should be less than or equal to 100',
          'less_than_equal',
          'out_of_range',
        ),
        notAnInteger('offset'),
      ]);
    });

    it('should report every missing required parameter together', async () => {
      const response = await getHostConnections(t, 'order_by=host_name', caller);

      expectUnprocessable(response, [missing('statuses'), missing('limit'), missing('offset')]);
    });
  });

  describe('the response', () => {
    it('should give every field in the contract order, null where empty, with no-store', async () => {
      const guest = await anOrganization(t.db);
      const full = await anOrganization(t.db, { name: 'Acme Freight', email: 'ops@acme.example' });
      const bare = await anOrganization(t.db, { name: 'Blue Harbor', email: 'desk@blue.example' });
      await aConnection(t.db, full, guest, {
        owner_email: 'jane@acme.example',
        status: 'connected',
        archived: true,
        archived_at: '2025-12-12T12:00:03.000003Z',
        active_action_type: 'analytics_request',
        active_action_updated_at: '2025-12-12T12:00:04.000004Z',
        created_at: '2025-12-12T12:00:01.000001Z',
        updated_at: '2025-12-12T12:00:02.000002Z',
      });
      await aConnection(t.db, bare, guest, {
        owner_email: 'max@blue.example',
        status: 'disconnected',
        created_at: '2024-01-01T00:00:00.000000Z',
        updated_at: '2024-01-02T00:00:00.000000Z',
      });

      const response = await getHostConnections(t, ALL, await callerFor(guest));

      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.text).toBe(
        JSON.stringify({
          items: [
            {
              host_organization_id: full.id,
              guest_organization_id: guest.id,
              host_name: 'Acme Freight',
              host_email: 'ops@acme.example',
              owner_email: 'jane@acme.example',
              status: 'connected',
              archived: true,
              created_at: '2025-12-12T12:00:01.000001Z',
              updated_at: '2025-12-12T12:00:02.000002Z',
              archived_at: '2025-12-12T12:00:03.000003Z',
              active_action_type: 'analytics_request',
              active_action_updated_at: '2025-12-12T12:00:04.000004Z',
            },
            {
              host_organization_id: bare.id,
              guest_organization_id: guest.id,
              host_name: 'Blue Harbor',
              host_email: 'desk@blue.example',
              owner_email: 'max@blue.example',
              status: 'disconnected',
              archived: false,
              created_at: '2024-01-01T00:00:00.000000Z',
              updated_at: '2024-01-02T00:00:00.000000Z',
              archived_at: null,
              active_action_type: null,
              active_action_updated_at: null,
            },
          ],
          total_items: 2,
        }),
      );
    });

    it.each([
      ['microseconds', '2025-12-12T12:00:00.123456Z', '2025-12-12T12:00:00.123456Z'],
      ['a UTC offset', '2024-02-29T23:59:59.999999+05:30', '2024-02-29T18:29:59.999999Z'],
      ['whole seconds', '2025-03-01 00:00:00+00', '2025-03-01T00:00:00.000000Z'],
      ['tenths of a second', '2025-01-01T00:00:00.1Z', '2025-01-01T00:00:00.100000Z'],
    ])(
      'should give a stored timestamp with %s as RFC 3339 UTC with its microseconds',
      async (_, stored, returned) => {
        const guest = await anOrganization(t.db);
        const host = await anOrganization(t.db);
        await aConnection(t.db, host, guest, {
          created_at: stored,
          updated_at: stored,
          archived: true,
          archived_at: stored,
          active_action_type: 'documents_update_request',
          active_action_updated_at: stored,
        });

        const response = await getHostConnections(t, ALL, await callerFor(guest));

        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          items: [
            {
              created_at: returned,
              updated_at: returned,
              archived_at: returned,
              active_action_updated_at: returned,
            },
          ],
        });
      },
    );

    it('should answer 200 with an empty page when the organization has no connections', async () => {
      const loner = await anOrganization(t.db);

      const response = await getHostConnections(t, ALL, await callerFor(loner));

      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.text).toBe('{"items":[],"total_items":0}');
    });
  });
});
