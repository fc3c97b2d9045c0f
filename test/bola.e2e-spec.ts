import fc from 'fast-check';
import type {
  HostConnectionDto,
  HostConnectionListDto,
} from '../src/host-connections/dto/host-connection.response.dto.js';
import {
  ORDER_DIRECTIONS,
  ORDER_FIELDS,
} from '../src/host-connections/dto/list-host-connections.query.dto.js';
import {
  CONNECTION_STATUSES,
  type ConnectionStatus,
} from '../src/host-connections/entities/host-connection.entity.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WRITE_SCOPE } from './support/connection-requests.js';
import { READ_SCOPE, tokenFor } from './support/tokens.js';

// Broken object-level authorization (OWASP API1): whatever organization, token, headers
// and query a client sends, it never sees a row it is not entitled to.
const RUNS = Number(process.env.BOLA_RUNS ?? 400);
const ORGANIZATIONS = 10;

interface Row {
  host: number;
  guest: number;
  status: ConnectionStatus;
  archived: boolean;
}

type TokenKind = 'valid' | 'no_scope' | 'expired' | 'foreign_secret';

const TOKEN_KINDS: readonly TokenKind[] = ['valid', 'no_scope', 'expired', 'foreign_secret'];

/** A fixed, varied graph: about a third of ordered pairs connected, some disconnected. */
function world(): Row[] {
  let seed = 20_251_126;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const rows: Row[] = [];
  for (let host = 0; host < ORGANIZATIONS; host++) {
    for (let guest = 0; guest < ORGANIZATIONS; guest++) {
      const draw = random();
      if (host === guest || draw >= 0.5) continue;
      rows.push({
        host,
        guest,
        status: draw < 0.35 ? 'connected' : 'disconnected',
        archived: random() < 0.3,
      });
    }
  }
  return rows;
}

describe('broken object-level authorization (property)', () => {
  const rows = world();
  let t: TestApp;
  let organizations: OrganizationRow[];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    organizations = [];
    for (let i = 0; i < ORGANIZATIONS; i++) organizations.push(await anOrganization(t.db));
    for (const row of rows) {
      await aConnection(t.db, organizations[row.host], organizations[row.guest], {
        status: row.status,
        archived: row.archived,
        archived_at: row.archived ? '2025-06-01T00:00:00.000001Z' : null,
      });
    }
    const past = Math.floor(Date.now() / 1000) - 3600;
    for (const [index, organization] of organizations.entries()) {
      const id = organization.id;
      tokens.set(`${index}:valid`, await tokenFor(id));
      tokens.set(`${index}:no_scope`, await tokenFor(id, { scope: 'other:read' }));
      tokens.set(`${index}:expired`, await tokenFor(id, { expiresIn: past }));
      tokens.set(`${index}:foreign_secret`, await tokenFor(id, { secret: 'f'.repeat(48) }));
    }
  });

  afterAll(async () => {
    await t.close();
  });

  const linked = (a: number, b: number) =>
    rows.some(
      (row) =>
        row.status === 'connected' &&
        ((row.host === a && row.guest === b) || (row.host === b && row.guest === a)),
    );
  const partnersOf = (a: number) =>
    [...Array(ORGANIZATIONS).keys()].filter((b) => b !== a && linked(a, b));

  const organization = fc.nat(ORGANIZATIONS - 1);
  const scenario = organization.chain((requester) =>
    fc.record({
      requester: fc.constant(requester),
      // Mostly the requester itself or a connected partner: the interesting cases.
      target: fc.oneof(
        fc.constant(requester),
        partnersOf(requester).length > 0
          ? fc.constantFrom(...partnersOf(requester))
          : fc.constant(requester),
        organization,
      ),
      tokenOrganization: fc.oneof(
        { weight: 4, arbitrary: fc.constant(requester) },
        { weight: 1, arbitrary: organization },
      ),
      tokenKind: fc.oneof(
        { weight: 6, arbitrary: fc.constant<TokenKind>('valid') },
        { weight: 1, arbitrary: fc.constantFrom(...TOKEN_KINDS) },
      ),
      upperCaseRequester: fc.boolean(),
      upperCaseTarget: fc.boolean(),
      statuses: fc.subarray([...CONNECTION_STATUSES], { minLength: 1 }),
      archived: fc.option(fc.boolean(), { nil: undefined }),
      orderBy: fc.constantFrom(...ORDER_FIELDS),
      orderDir: fc.constantFrom(...ORDER_DIRECTIONS),
      limit: fc.integer({ min: 0, max: 100 }),
      offset: fc.integer({ min: 0, max: 12 }),
    }),
  );

  it(
    `should never show a row beyond the requester's rights (${RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const requesterId = organizations[s.requester].id;
          const targetId = organizations[s.target].id;
          const query = new URLSearchParams({
            statuses: s.statuses.join(','),
            order_by: s.orderBy,
            order_dir: s.orderDir,
            limit: String(s.limit),
            offset: String(s.offset),
            ...(s.archived !== undefined && { archived: String(s.archived) }),
          });

          const response = await t.http
            .get(`/host-connections?${query.toString()}`)
            .set('Authorization', `Bearer ${tokens.get(`${s.tokenOrganization}:${s.tokenKind}`)}`)
            .set(
              'Requester-Organization-ID',
              s.upperCaseRequester ? requesterId.toUpperCase() : requesterId,
            )
            .set('Target-Organization-ID', s.upperCaseTarget ? targetId.toUpperCase() : targetId);

          const expected = expectedAnswer(s);
          expect(response.status).toBe(expected.status);
          if (expected.status !== 200) return;
          const page = response.body as HostConnectionListDto;
          const allowedHosts = new Set(expected.rows.map((row) => organizations[row.host].id));
          expect(page.total_items).toBe(expected.rows.length);
          expect(page.items).toHaveLength(
            Math.min(s.limit, Math.max(0, expected.rows.length - s.offset)),
          );
          for (const item of page.items) {
            expect(item.guest_organization_id).toBe(targetId);
            expect(allowedHosts.has(item.host_organization_id)).toBe(true);
            if (s.requester !== s.target) expect(item.host_organization_id).toBe(requesterId);
          }
        }),
        { numRuns: RUNS },
      );
    },
    60_000 + RUNS * 100,
  );

  function expectedAnswer(s: {
    requester: number;
    target: number;
    tokenOrganization: number;
    tokenKind: TokenKind;
    statuses: ConnectionStatus[];
    archived?: boolean;
  }): { status: number; rows: Row[] } {
    if (s.tokenKind === 'expired' || s.tokenKind === 'foreign_secret')
      return { status: 401, rows: [] };
    if (s.tokenKind === 'no_scope' || s.tokenOrganization !== s.requester) {
      return { status: 403, rows: [] };
    }
    const self = s.requester === s.target;
    if (!self && !linked(s.requester, s.target)) return { status: 403, rows: [] };
    return {
      status: 200,
      rows: rows.filter(
        (row) =>
          row.guest === s.target &&
          (self || row.host === s.requester) &&
          s.statuses.includes(row.status) &&
          (s.archived === undefined || row.archived === s.archived),
      ),
    };
  }
});

// The same property for one connection: GET /host-connections/{host_org_id} shows only what
// the list would, and PATCH changes nothing but the requester's own connections.
describe('broken object-level authorization of one connection (property)', () => {
  const rows = world();
  let t: TestApp;
  let organizations: OrganizationRow[];
  const tokens = new Map<string, string>();
  const SCOPES: Record<ResourceTokenKind, string> = {
    read: READ_SCOPE,
    write: WRITE_SCOPE,
    both: `${READ_SCOPE} ${WRITE_SCOPE}`,
    other: 'other:read other:write',
  };

  beforeAll(async () => {
    t = await startTestApp();
    organizations = [];
    for (let i = 0; i < ORGANIZATIONS; i++) organizations.push(await anOrganization(t.db));
    for (const row of rows) {
      await aConnection(t.db, organizations[row.host], organizations[row.guest], {
        status: row.status,
        archived: row.archived,
        archived_at: row.archived ? '2025-06-01T00:00:00.000001Z' : null,
      });
    }
    for (const [index, organization] of organizations.entries()) {
      for (const [kind, scope] of Object.entries(SCOPES))
        tokens.set(`${index}:${kind}`, await tokenFor(organization.id, { scope }));
      tokens.set(
        `${index}:foreign`,
        await tokenFor(organization.id, { secret: 'f'.repeat(48), scope: SCOPES.both }),
      );
    }
  });

  afterAll(async () => {
    await t.close();
  });

  const linked = (a: number, b: number) =>
    rows.some(
      (row) =>
        row.status === 'connected' &&
        ((row.host === a && row.guest === b) || (row.host === b && row.guest === a)),
    );
  const rowOf = (host: number, guest: number) =>
    rows.find((row) => row.host === host && row.guest === guest);

  // Every connection's stored version: xmin changes whenever a row is written.
  const versions = async () =>
    new Map(
      (
        await t.db.query<Array<{ key: string; version: string }>>(
          `SELECT guest_organization_id || '/' || host_organization_id AS key, xmin::text AS version FROM host_connections`,
        )
      ).map((row) => [row.key, row.version]),
    );

  const organization = fc.nat(ORGANIZATIONS - 1);
  const scenario = organization.chain((requester) =>
    fc.record({
      requester: fc.constant(requester),
      target: fc.oneof(fc.constant(requester), organization),
      host: fc.oneof(
        { weight: 5, arbitrary: organization },
        { weight: 1, arbitrary: fc.constant(-1) },
      ),
      tokenOrganization: fc.oneof(
        { weight: 4, arbitrary: fc.constant(requester) },
        { weight: 1, arbitrary: organization },
      ),
      tokenKind: fc.constantFrom<ResourceTokenKind | 'foreign'>(
        'read',
        'write',
        'both',
        'both',
        'other',
        'foreign',
      ),
      method: fc.constantFrom('GET' as const, 'PATCH' as const),
      archived: fc.boolean(),
    }),
  );

  it(
    `should never show or change a connection beyond the requester's rights (${RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const requesterId = organizations[s.requester].id;
          const targetId = organizations[s.target].id;
          const hostId =
            s.host === -1 ? '99999999-9999-4999-8999-999999999999' : organizations[s.host].id;
          const before = await versions();

          let request = (
            s.method === 'GET'
              ? t.http.get(`/host-connections/${hostId}`)
              : t.http.patch(`/host-connections/${hostId}`)
          )
            .set('Authorization', `Bearer ${tokens.get(`${s.tokenOrganization}:${s.tokenKind}`)}`)
            .set('Requester-Organization-ID', requesterId)
            .set('Target-Organization-ID', targetId);
          if (s.method === 'PATCH') request = request.set('Content-Type', 'application/json');
          const response = await (s.method === 'PATCH'
            ? request.send(JSON.stringify({ archived: s.archived }))
            : request);

          const expected = expectedAnswer(s);
          expect(response.status).toBe(expected);
          const after = await versions();
          const changed = [...after]
            .filter(([key, version]) => before.get(key) !== version)
            .map(([key]) => key);
          const own = rowOf(s.host, s.target);
          if (
            expected === 200 &&
            s.method === 'PATCH' &&
            own !== undefined &&
            own.archived !== s.archived
          ) {
            expect(changed).toEqual([`${targetId}/${hostId}`]);
            own.archived = s.archived;
          } else {
            expect(changed).toEqual([]);
          }
          if (expected === 200) {
            const body = response.body as HostConnectionDto;
            expect(body.guest_organization_id).toBe(targetId);
            expect(body.host_organization_id).toBe(hostId);
            if (s.requester !== s.target) expect(hostId).toBe(requesterId);
          }
        }),
        { numRuns: RUNS },
      );
    },
    60_000 + RUNS * 100,
  );

  function expectedAnswer(s: {
    requester: number;
    target: number;
    host: number;
    tokenOrganization: number;
    tokenKind: ResourceTokenKind | 'foreign';
    method: 'GET' | 'PATCH';
  }): number {
    if (s.tokenKind === 'foreign') return 401;
    const needed = s.method === 'GET' ? 'read' : 'write';
    if (s.tokenKind !== needed && s.tokenKind !== 'both') return 403;
    if (s.tokenOrganization !== s.requester) return 403;
    const self = s.requester === s.target;
    if (!self && (s.method === 'PATCH' || !linked(s.requester, s.target))) return 403;
    if (!self && s.host !== s.requester) return 404;
    return rowOf(s.host, s.target) === undefined ? 404 : 200;
  }
});

type ResourceTokenKind = 'read' | 'write' | 'both' | 'other';
