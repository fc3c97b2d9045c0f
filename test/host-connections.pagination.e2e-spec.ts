import { randomUUID } from 'node:crypto';
import type { HostConnectionDto } from '../src/host-connections/dto/host-connection.response.dto.js';
import {
  contractOrder,
  ORDER_BY_VALUES,
  rankTexts,
  type TextRanks,
} from './support/contract-model.js';
import {
  type ConnectionRow,
  insertConnections,
  insertOrganizations,
  type OrganizationRow,
} from './support/factories.js';
import { callerFor, type Caller, getHostConnections } from './support/requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const HOSTS = 250;
const PAGE_SIZES = [9, 40, 100];
// Few distinct values in mixed case, so every column has long runs of ties.
const NAMES = ['Acme', 'acme', 'Blue', 'blue', 'Crane', 'delta', 'Echo', 'echo', 'Fox', 'fox'];
const TIMESTAMPS = [
  '2024-01-01T00:00:00.000000Z',
  '2024-01-01T00:00:00.000001Z',
  '2024-06-01T12:00:00.500000Z',
  '2025-01-01T00:00:00.000000Z',
  '2025-01-01T00:00:00.999999Z',
  '2025-12-31T23:59:59.999999Z',
  '2026-01-01T00:00:00.000000Z',
];

describe('GET /host-connections pagination walk', () => {
  let t: TestApp;
  let caller: Caller;
  let ranks: TextRanks;
  let hostIds: string[];

  beforeAll(async () => {
    t = await startTestApp();
    const guest: OrganizationRow = { id: randomUUID(), name: 'Guest', email: 'guest@example.com' };
    const hosts: OrganizationRow[] = Array.from({ length: HOSTS }, (_, index) => ({
      id: randomUUID(),
      name: NAMES[(index * 7) % NAMES.length],
      email: `${NAMES[(index * 3) % NAMES.length]}@example.com`,
    }));
    // Every third row archived, every other one with an action: NULLs in both nullable columns.
    const connections: ConnectionRow[] = hosts.map((host, index) => ({
      host_organization_id: host.id,
      guest_organization_id: guest.id,
      owner_email: `${NAMES[(index * 11) % NAMES.length]}@owner.example`,
      status: index % 5 === 0 ? 'disconnected' : 'connected',
      archived: index % 3 === 0,
      archived_at: index % 3 === 0 ? TIMESTAMPS[(index * 5) % TIMESTAMPS.length] : null,
      active_action_type: index % 2 === 0 ? 'analytics_request' : null,
      active_action_updated_at: index % 2 === 0 ? TIMESTAMPS[index % TIMESTAMPS.length] : null,
      created_at: TIMESTAMPS[(index * 3) % TIMESTAMPS.length],
      updated_at: TIMESTAMPS[(index * 2) % TIMESTAMPS.length],
    }));
    await insertOrganizations(t.db, [guest, ...hosts]);
    await insertConnections(t.db, connections);
    caller = await callerFor(guest);
    hostIds = hosts.map((host) => host.id).sort();
    ranks = await rankTexts(t.db, [
      ...hosts.flatMap((host) => [host.name, host.email]),
      ...connections.map((connection) => connection.owner_email),
    ]);
  });

  afterAll(async () => {
    await t.close();
  });

  // Every page of `size` from offset 0 until total_items, checking each page's own shape.
  async function walk(order: string, size: number): Promise<HostConnectionDto[]> {
    const rows: HostConnectionDto[] = [];
    for (let offset = 0; offset < HOSTS; offset += size) {
      const response = await getHostConnections(
        t,
        `statuses=connected,disconnected&${order}&limit=${size}&offset=${offset}`,
        caller,
      );
      expect(response.status).toBe(200);
      const page = response.body as { items: HostConnectionDto[]; total_items: number };
      expect(page.total_items).toBe(HOSTS);
      expect(page.items).toHaveLength(Math.min(size, HOSTS - offset));
      rows.push(...page.items);
    }
    return rows;
  }

  describe.each(ORDER_BY_VALUES)('ordered by %s', (orderBy) => {
    it.each(['asc', 'desc'] as const)(
      'should give every row exactly once, in the contract order, whatever the page size, when %s',
      async (orderDir) => {
        const walks = [];
        for (const size of PAGE_SIZES) {
          walks.push(await walk(`order_by=${orderBy}&order_dir=${orderDir}`, size));
        }

        const [first, ...others] = walks.map((rows) => rows.map((row) => row.host_organization_id));
        expect(new Set(first).size).toBe(HOSTS);
        expect([...first].sort()).toStrictEqual(hostIds);
        for (const other of others) expect(other).toStrictEqual(first);
        const inContractOrder = [...walks[0]].sort(contractOrder(orderBy, orderDir, ranks));
        expect(walks[0]).toStrictEqual(inContractOrder);
      },
    );
  });

  it('should answer an empty page with the full total past the last row', async () => {
    const response = await getHostConnections(
      t,
      `statuses=connected,disconnected&limit=100&offset=${HOSTS}`,
      caller,
    );

    expect(response.status).toBe(200);
    expect(response.body).toStrictEqual({ items: [], total_items: HOSTS });
  });
});
