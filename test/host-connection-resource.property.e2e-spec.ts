import fc from 'fast-check';
import type { HostConnectionDto } from '../src/host-connections/dto/host-connection.response.dto.js';
import type { ConnectionStatus } from '../src/host-connections/entities/host-connection.entity.js';
import { importDocument } from '../src/tools/import/importer.js';
import { textSource } from '../src/tools/import/json-tokens.js';
import { getConnection, patchConnection, writerFor } from './support/connection-requests.js';
import {
  expectedPage,
  type ModelQuery,
  ORDER_BY_VALUES,
  rankTexts,
  textsOf,
} from './support/contract-model.js';
import { counterDrift } from './support/counters.js';
import {
  type ConnectionRow,
  insertConnections,
  insertOrganizations,
  type OrganizationRow,
  truncateAll,
} from './support/factories.js';
import { getHostConnections } from './support/requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const HOSTS = 4;
const STATUSES: ConnectionStatus[] = ['connected', 'disconnected'];
const TIMESTAMPS = [
  '2024-02-29T23:59:59.999999Z',
  '2025-01-01T00:00:00.000001Z',
  // Later than any PATCH of this run: a PATCH after it must still stamp its own time.
  '2099-12-31T23:59:59.999999Z',
];

const rowValues = fc.record({
  status: fc.constantFrom(...STATUSES),
  archived_at: fc.option(fc.constantFrom(...TIMESTAMPS), { nil: null }),
  owner_email: fc.constantFrom('a@owner.example', 'b@owner.example'),
  updated_at: fc.constantFrom(...TIMESTAMPS),
});

// A PATCH body with at least one field; If-Match left out, current, stale or `*`.
const patch = fc.record({
  kind: fc.constant('patch' as const),
  host: fc.nat({ max: HOSTS - 1 }),
  body: fc
    .record({ archived: fc.boolean(), status: fc.constantFrom(...STATUSES) }, { requiredKeys: [] })
    .filter((body) => Object.keys(body).length > 0),
  ifMatch: fc.constantFrom('none', 'current', 'stale', 'any'),
});

// The batch import rewriting one connection (or writing it unchanged).
const importRow = fc.record({
  kind: fc.constant('import' as const),
  host: fc.nat({ max: HOSTS - 1 }),
  values: rowValues,
});

const steps = fc.array(
  fc.oneof({ weight: 3, arbitrary: patch }, { weight: 1, arbitrary: importRow }),
  {
    minLength: 1,
    maxLength: 8,
  },
);

const initialRows = fc.array(rowValues, { minLength: HOSTS, maxLength: HOSTS });

describe('PATCH /host-connections/{host_org_id} against a model of the contract', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should keep the single read, the list and total_items equal to the model after every PATCH and import', async () => {
    const guest: OrganizationRow = {
      id: '00000000-0000-4000-8000-000000000000',
      name: 'Guest',
      email: 'g@guest.example',
    };
    const hosts: OrganizationRow[] = Array.from({ length: HOSTS }, (_, index) => ({
      id: `00000000-0000-4000-8000-00000000000${index + 1}`,
      name: `Host ${index % 2}`,
      email: `h${index}@host.example`,
    }));

    const property = fc.asyncProperty(initialRows, steps, async (initial, plan) => {
      await truncateAll(t.db);
      await insertOrganizations(t.db, [guest, ...hosts]);
      const rows: ConnectionRow[] = initial.map((values, index) => ({
        ...values,
        host_organization_id: hosts[index].id,
        guest_organization_id: guest.id,
        archived: values.archived_at !== null,
        active_action_type: null,
        active_action_updated_at: null,
        created_at: '2024-01-01T00:00:00.000000Z',
      }));
      await insertConnections(t.db, rows);
      const model = new Map<string, HostConnectionDto>(
        rows.map((row, index) => [
          row.host_organization_id,
          {
            host_organization_id: row.host_organization_id,
            guest_organization_id: guest.id,
            host_name: hosts[index].name,
            host_email: hosts[index].email,
            owner_email: row.owner_email,
            status: row.status,
            archived: row.archived,
            created_at: row.created_at,
            updated_at: row.updated_at,
            archived_at: row.archived_at,
            active_action_type: null,
            active_action_updated_at: null,
          },
        ]),
      );
      const caller = await writerFor(guest);
      const tags = new Map<string, string>();
      const staleTags = new Map<string, string>();
      for (const host of hosts) {
        const read = await getConnection(t, host.id, caller);
        tags.set(host.id, read.headers.etag);
      }

      for (const step of plan) {
        const hostId = hosts[step.host].id;
        const before = model.get(hostId) as HostConnectionDto;
        if (step.kind === 'import') {
          const archived = step.values.archived_at !== null;
          const result = await importDocument(
            t.db,
            textSource(
              JSON.stringify({
                organizations: [],
                connections: [
                  {
                    ...before,
                    ...step.values,
                    archived,
                    host_name: undefined,
                    host_email: undefined,
                  },
                ],
              }),
            ),
          );
          expect(result.ok).toBe(true);
          model.set(hostId, { ...before, ...step.values, archived });
        } else {
          const ifMatch = {
            none: undefined,
            current: tags.get(hostId),
            stale: staleTags.get(hostId) ?? '"never-a-tag"',
            any: '*',
          }[step.ifMatch];

          const response = await patchConnection(t, hostId, caller, step.body, { ifMatch });

          // An older tag names the current version again when an import restored it.
          if (step.ifMatch === 'stale' && ifMatch !== tags.get(hostId)) {
            expect(response.status).toBe(412);
          } else {
            expect(response.status).toBe(200);
            const after = response.body as HostConnectionDto;
            const archived = step.body.archived ?? before.archived;
            const status = step.body.status ?? before.status;
            const changed = archived !== before.archived || status !== before.status;
            if (changed) {
              expect(after.updated_at).not.toBe(before.updated_at);
              expect(after).toEqual({
                ...before,
                status,
                archived,
                archived_at:
                  archived === before.archived
                    ? before.archived_at
                    : archived
                      ? after.updated_at
                      : null,
                updated_at: after.updated_at,
              });
            } else {
              expect(after).toEqual(before);
            }
            model.set(hostId, after);
          }
        }

        // After every step: each connection read alone, its ETag moving exactly when the
        // connection did, and the list in every order with and without the archive filter.
        for (const host of hosts) {
          const read = await getConnection(t, host.id, caller);
          expect(read.body).toEqual(model.get(host.id));
          const previous = tags.get(host.id) as string;
          const moved = read.headers.etag !== previous;
          expect(moved).toBe(
            host.id === hostId && JSON.stringify(model.get(host.id)) !== JSON.stringify(before),
          );
          if (moved) staleTags.set(host.id, previous);
          tags.set(host.id, read.headers.etag);
        }
        const stored = [...model.values()];
        const ranks = await rankTexts(t.db, textsOf(stored));
        for (const [index, orderBy] of ORDER_BY_VALUES.entries()) {
          const query: ModelQuery = {
            statuses: index % 3 === 0 ? ['connected'] : ['connected', 'disconnected'],
            orderBy,
            orderDir: index % 2 === 0 ? 'asc' : 'desc',
            archived: [undefined, true, false][index % 3],
            limit: 100,
            offset: 0,
          };
          const text = [
            `statuses=${query.statuses.join(',')}`,
            `order_by=${orderBy}`,
            `order_dir=${query.orderDir}`,
            ...(query.archived === undefined ? [] : [`archived=${query.archived}`]),
            'limit=100&offset=0',
          ].join('&');
          const list = await getHostConnections(t, text, caller);
          expect(list.body).toStrictEqual(
            expectedPage(stored, { targetId: guest.id, hostId: null }, query, ranks),
          );
        }
        expect(await counterDrift(t.db)).toEqual([]);
      }
    });

    await fc.assert(property, { numRuns: 25, interruptAfterTimeLimit: 120_000 });
  }, 180_000);
});
