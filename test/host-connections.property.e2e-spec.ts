import fc from 'fast-check';
import type { HostConnectionDto } from '../src/host-connections/dto/host-connection.response.dto.js';
import type {
  ActionType,
  ConnectionStatus,
} from '../src/host-connections/entities/host-connection.entity.js';
import {
  expectedPage,
  type ModelQuery,
  ORDER_BY_VALUES,
  rankTexts,
  textsOf,
} from './support/contract-model.js';
import {
  type ConnectionRow,
  insertConnections,
  insertOrganizations,
  type OrganizationRow,
  truncateAll,
} from './support/factories.js';
import { callerFor, getHostConnections } from './support/requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// Few distinct values, so that ties, NULLs and case-only differences are common; `%`, `_`
// and `\` so that a search for them proves they are literal.
const CHARACTERS = ['a', 'A', 'b', 'B', '%', '_', '\\', ' '];
const TIMESTAMPS = [
  '2024-02-29T23:59:59.999999Z',
  '2025-01-01T00:00:00.000000Z',
  '2025-01-01T00:00:00.000001Z',
  '2025-06-30T12:34:56.789012Z',
];
const STATUSES: ConnectionStatus[] = ['connected', 'disconnected'];
const ACTION_TYPES: ActionType[] = ['documents_update_request', 'analytics_request'];

// An email's local part cannot hold a space or a backslash; `%` and `_` it can.
const EMAIL_CHARACTERS = CHARACTERS.filter((character) => character !== ' ' && character !== '\\');

const text = (maxLength: number, characters = CHARACTERS) =>
  fc.string({ unit: fc.constantFrom(...characters), minLength: 1, maxLength });
const emailLocalPart = text(3, EMAIL_CHARACTERS);
// A filter, present a third of the time, so that most queries still see many rows.
const sometimes = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arbitrary });
// Half the time one of a few values, so equal values (ties) are common.
const tying = (values: string[], other: fc.Arbitrary<string>) =>
  fc.oneof(fc.constantFrom(...values), other);
const timestamp = fc.constantFrom(...TIMESTAMPS);

interface Dataset {
  organizations: OrganizationRow[];
  connections: ConnectionRow[];
}

const connectionValues = fc.record({
  status: fc.constantFrom(...STATUSES),
  owner_email: tying(
    ['a@owner.example', 'A@owner.example'],
    emailLocalPart.map((local) => `${local}@owner.example`),
  ),
  archived_at: fc.option(timestamp, { freq: 2, nil: null }),
  action: fc.option(fc.record({ type: fc.constantFrom(...ACTION_TYPES), at: timestamp }), {
    freq: 2,
    nil: null,
  }),
  created_at: timestamp,
  updated_at: timestamp,
});

// Organizations, and for every ordered pair of them maybe a connection. The first
// organization is the guest of most others, so that its own list is long enough for
// ordering, ties and paging to matter.
const datasets: fc.Arbitrary<Dataset> = fc
  .uniqueArray(
    fc.record({
      id: fc.uuid(),
      name: tying(['a', 'A', 'a_b%'], text(4)),
      email: tying(
        ['a@host.example'],
        emailLocalPart.map((local) => `${local}@host.example`),
      ),
    }),
    { minLength: 2, maxLength: 8, selector: (organization) => organization.id },
  )
  .chain((organizations) => {
    const pairs = organizations.flatMap((host) =>
      organizations.filter((guest) => guest !== host).map((guest) => ({ host, guest })),
    );
    return fc
      .tuple(
        ...pairs.map(({ guest }) =>
          fc.option(connectionValues, { freq: guest === organizations[0] ? 10 : 2, nil: null }),
        ),
      )
      .map((values) => ({
        organizations,
        connections: pairs.flatMap(({ host, guest }, index) => {
          const value = values[index];
          if (value === null) return [];
          const { action, ...columns } = value;
          return [
            {
              ...columns,
              host_organization_id: host.id,
              guest_organization_id: guest.id,
              archived: value.archived_at !== null,
              active_action_type: action?.type ?? null,
              active_action_updated_at: action?.at ?? null,
            },
          ];
        }),
      }));
  });

// A non-empty list sent in either array form or both, with duplicates now and then.
function arrayParameter<T extends string>(name: string, values: readonly T[]) {
  return fc
    .tuple(
      fc.shuffledSubarray([...values], { minLength: 1 }),
      fc.boolean(),
      fc.array(fc.boolean(), { minLength: values.length + 1, maxLength: values.length + 1 }),
    )
    .map(([chosen, duplicate, commas]) => {
      const sent = duplicate ? [...chosen, chosen[0]] : chosen;
      const groups: string[][] = [];
      sent.forEach((value, index) =>
        index > 0 && commas[index] ? groups[groups.length - 1].push(value) : groups.push([value]),
      );
      return { values: chosen, text: groups.map((group) => `${name}=${group.join(',')}`) };
    });
}

const SPELLINGS = { true: ['true', 'TRUE', 'True', '1'], false: ['false', 'FALSE', 'False', '0'] };

// A valid query, as the model reads it and as a client would send it.
const queries: fc.Arbitrary<{ model: ModelQuery; text: string }> = fc
  .record({
    statuses: arrayParameter('statuses', STATUSES),
    search: sometimes(
      fc.record({
        field: fc.option(fc.constantFrom('host_name', 'host_email', 'owner_email' as const), {
          nil: undefined,
        }),
        text: text(3),
      }),
    ),
    orderBy: fc.option(fc.constantFrom(...ORDER_BY_VALUES), { nil: undefined }),
    orderDir: fc.option(fc.constantFrom('asc', 'desc' as const), { nil: undefined }),
    archived: sometimes(
      fc
        .boolean()
        .chain((archived) =>
          fc.constantFrom(...SPELLINGS[`${archived}`]).map((spelling) => ({ archived, spelling })),
        ),
    ),
    actionTypes: sometimes(arrayParameter('active_action_types', ACTION_TYPES)),
    limit: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(100)),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
  })
  .map((q) => ({
    model: {
      statuses: q.statuses.values,
      search: q.search && { field: q.search.field ?? 'host_name', text: q.search.text },
      orderBy: q.orderBy ?? 'host_name',
      orderDir: q.orderDir ?? 'asc',
      archived: q.archived?.archived,
      actionTypes: q.actionTypes?.values,
      limit: q.limit,
      offset: q.offset,
    },
    text: [
      ...q.statuses.text,
      ...(q.search?.field ? [`search_field=${q.search.field}`] : []),
      ...(q.search ? [`search_text=${encodeURIComponent(q.search.text)}`] : []),
      ...(q.orderBy ? [`order_by=${q.orderBy}`] : []),
      ...(q.orderDir ? [`order_dir=${q.orderDir}`] : []),
      ...(q.archived ? [`archived=${q.archived.spelling}`] : []),
      ...(q.actionTypes?.text ?? []),
      `limit=${q.limit}`,
      `offset=${q.offset}`,
    ].join('&'),
  }));

// Who asks about whom: indexes into the dataset's organizations, the first one and the
// same one as often as not.
const requests = fc.array(
  fc.record({
    requester: fc.oneof(fc.constant(0), fc.nat()),
    target: fc.option(fc.nat(), { freq: 2, nil: null }),
    query: queries,
  }),
  { minLength: 1, maxLength: 6 },
);

function asStored(dataset: Dataset): HostConnectionDto[] {
  const byId = new Map(
    dataset.organizations.map((organization) => [organization.id, organization]),
  );
  return dataset.connections.map((connection) => {
    const host = byId.get(connection.host_organization_id) as OrganizationRow;
    return {
      host_organization_id: connection.host_organization_id,
      guest_organization_id: connection.guest_organization_id,
      host_name: host.name,
      host_email: host.email,
      owner_email: connection.owner_email,
      status: connection.status,
      archived: connection.archived,
      created_at: connection.created_at,
      updated_at: connection.updated_at,
      archived_at: connection.archived_at,
      active_action_type: connection.active_action_type,
      active_action_updated_at: connection.active_action_updated_at,
    };
  });
}

function connectedEitherWay(dataset: Dataset, a: string, b: string): boolean {
  return dataset.connections.some(
    (connection) =>
      connection.status === 'connected' &&
      ((connection.host_organization_id === a && connection.guest_organization_id === b) ||
        (connection.host_organization_id === b && connection.guest_organization_id === a)),
  );
}

describe('GET /host-connections against a model of the contract', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer every valid query exactly as the model, never leaking another organization row', async () => {
    const property = fc.asyncProperty(datasets, requests, async (dataset, asked) => {
      await truncateAll(t.db);
      await insertOrganizations(t.db, dataset.organizations);
      await insertConnections(t.db, dataset.connections);
      const stored = asStored(dataset);
      const ranks = await rankTexts(t.db, textsOf(stored));

      for (const request of asked) {
        const organizations = dataset.organizations;
        const requester = organizations[request.requester % organizations.length];
        const target =
          request.target === null
            ? requester
            : organizations[request.target % organizations.length];
        const self = requester.id === target.id;

        const response = await getHostConnections(
          t,
          request.query.text,
          await callerFor(requester, target),
        );

        if (!self && !connectedEitherWay(dataset, requester.id, target.id)) {
          expect(response.status).toBe(403);
          continue;
        }
        expect(response.status).toBe(200);
        const body = response.body as { items: HostConnectionDto[]; total_items: number };
        for (const item of body.items) {
          expect(item.guest_organization_id).toBe(target.id);
          if (!self) expect(item.host_organization_id).toBe(requester.id);
        }
        const access = { targetId: target.id, hostId: self ? null : requester.id };
        expect(body).toStrictEqual(expectedPage(stored, access, request.query.model, ranks));
      }
    });

    // Shrinking a failure replays whole requests: bounded, so Jest reports the smallest
    // counterexample found in time instead of a bare timeout.
    await fc.assert(property, { numRuns: 100, interruptAfterTimeLimit: 120_000 });
  }, 180_000);
});
