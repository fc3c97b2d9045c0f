import type { HostConnectionDto } from '../src/host-connections/dto/host-connection.response.dto.js';
import type { ConnectionStatus } from '../src/host-connections/entities/host-connection.entity.js';
import { builtFile, ensureBuilt } from './support/build.js';
import { ChildApp } from './support/built-app.js';
import { WRITE_SCOPE } from './support/connection-requests.js';
import { counterDrift } from './support/counters.js';
import {
  type ConnectionRow,
  insertConnections,
  insertOrganizations,
  type OrganizationRow,
  truncateAll,
} from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { READ_SCOPE, TEST_JWT_SECRET, tokenFor } from './support/tokens.js';

const CONNECTIONS = 40;
const SPREAD_PATCHES = 200;
const SAME_ROW_PATCHES = 50;

interface Answer {
  hostId: string;
  sent: { archived: boolean; status: ConnectionStatus };
  ifMatch?: string;
  status: number;
  body: HostConnectionDto;
  etag: string | null;
  ms: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function seed(
  db: TestApp['db'],
): Promise<{ guest: OrganizationRow; hosts: OrganizationRow[] }> {
  await truncateAll(db);
  const guest = {
    id: '10000000-0000-4000-8000-000000000000',
    name: 'Big Guest',
    email: 'big@guest.example',
  };
  const hosts = Array.from({ length: CONNECTIONS }, (_, index) => ({
    id: `20000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: `Host ${index}`,
    email: `host${index}@host.example`,
  }));
  await insertOrganizations(db, [guest, ...hosts]);
  await insertConnections(
    db,
    hosts.map((host): ConnectionRow => ({
      host_organization_id: host.id,
      guest_organization_id: guest.id,
      owner_email: 'owner@example.com',
      status: 'connected',
      archived: false,
      archived_at: null,
      active_action_type: null,
      active_action_updated_at: null,
      created_at: '2025-01-01T00:00:00.000000Z',
      updated_at: '2025-01-01T00:00:00.000000Z',
    })),
  );
  return { guest, hosts };
}

// Deterministic but varied bodies: every combination of the two fields comes up.
const bodyFor = (index: number): Answer['sent'] => ({
  archived: index % 2 === 0,
  status: index % 3 === 0 ? 'disconnected' : 'connected',
});

/**
 * The serial order the database applied the changes of one connection in: by the
 * updated_at each effective change stamped. The final row must be the last of them, and
 * every answer must be what its own body asked for (each PATCH sends both fields).
 */
function expectLinearizable(
  answers: Answer[],
  final: HostConnectionDto,
  initial: HostConnectionDto,
): void {
  for (const answer of answers.filter((a) => a.status === 200)) {
    expect({ archived: answer.body.archived, status: answer.body.status }).toEqual(answer.sent);
  }
  const changes = answers.filter(
    (a) => a.status === 200 && a.body.updated_at !== initial.updated_at,
  );
  const stamps = changes.map((a) => a.body.updated_at);
  const distinct = new Set(stamps);
  // A no-op answer repeats the stamp of the change it saw; the changes themselves never share one.
  const last = [...distinct].sort().at(-1);
  if (last === undefined) {
    expect(final).toEqual(initial);
    return;
  }
  const lastChange = changes.find((a) => a.body.updated_at === last) as Answer;
  expect(final).toEqual(lastChange.body);
}

describe('concurrent PATCHes', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
  });
  afterAll(async () => {
    await t.close();
  });

  async function send(
    guest: OrganizationRow,
    token: string,
    hostId: string,
    sent: Answer['sent'],
    ifMatch?: string,
  ): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(`${base}/host-connections/${hostId}`, {
      method: 'PATCH',
      headers: {
        Authorization: `Bearer ${token}`,
        'Requester-Organization-ID': guest.id,
        'Target-Organization-ID': guest.id,
        'Content-Type': 'application/json',
        ...(ifMatch !== undefined && { 'If-Match': ifMatch }),
      },
      body: JSON.stringify(sent),
    });
    const body = (await response.json()) as HostConnectionDto;
    return {
      hostId,
      sent,
      ifMatch,
      status: response.status,
      body,
      etag: response.headers.get('etag'),
      ms: performance.now() - started,
    };
  }

  async function stored(
    guest: OrganizationRow,
    token: string,
    hostId: string,
  ): Promise<{ body: HostConnectionDto; etag: string }> {
    const response = await fetch(`${base}/host-connections/${hostId}`, {
      headers: {
        Authorization: `Bearer ${token}`,
        'Requester-Organization-ID': guest.id,
        'Target-Organization-ID': guest.id,
      },
    });
    return {
      body: (await response.json()) as HostConnectionDto,
      etag: response.headers.get('etag') as string,
    };
  }

  it('should apply 200 PATCHes spread over one guest serially per connection, with exact counters', async () => {
    const { guest, hosts } = await seed(t.db);
    const token = await tokenFor(guest.id, { scope: `${READ_SCOPE} ${WRITE_SCOPE}` });
    const initial = new Map<string, HostConnectionDto>();
    for (const host of hosts) initial.set(host.id, (await stored(guest, token, host.id)).body);

    const answers = await Promise.all(
      Array.from({ length: SPREAD_PATCHES }, (_, index) =>
        send(guest, token, hosts[(index * 7) % CONNECTIONS].id, bodyFor(index)),
      ),
    );

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    for (const host of hosts) {
      const final = (await stored(guest, token, host.id)).body;
      expectLinearizable(
        answers.filter((a) => a.hostId === host.id),
        final,
        initial.get(host.id) as HostConnectionDto,
      );
    }
    expect(await counterDrift(t.db)).toEqual([]);
    const ms = answers.map((a) => a.ms);
    console.log(
      `${SPREAD_PATCHES} concurrent PATCHes on ${CONNECTIONS} connections: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms`,
    );
  }, 60_000);

  it('should let at most one If-Match PATCH of a version change it, among 50 on one connection', async () => {
    const { guest, hosts } = await seed(t.db);
    const token = await tokenFor(guest.id, { scope: `${READ_SCOPE} ${WRITE_SCOPE}` });
    const hostId = hosts[0].id;
    const initial = await stored(guest, token, hostId);

    const answers = await Promise.all(
      Array.from({ length: SAME_ROW_PATCHES }, (_, index) =>
        send(guest, token, hostId, bodyFor(index + 1), index % 2 === 0 ? initial.etag : undefined),
      ),
    );

    expect(answers.filter((a) => a.status !== 200 && a.status !== 412)).toEqual([]);
    expect(answers.filter((a) => a.ifMatch === undefined && a.status !== 200)).toEqual([]);
    const conditional = answers.filter((a) => a.ifMatch !== undefined && a.status === 200);
    // Once one of them changed the connection, the tag the others hold is stale.
    expect(conditional.filter((a) => a.etag !== initial.etag).length).toBeLessThanOrEqual(1);
    const final = await stored(guest, token, hostId);
    expectLinearizable(answers, final.body, initial.body);
    expect(await counterDrift(t.db)).toEqual([]);
    const ms = answers.map((a) => a.ms);
    console.log(
      `${SAME_ROW_PATCHES} concurrent PATCHes on one connection, half with If-Match: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, ${answers.filter((a) => a.status === 412).length} answered 412`,
    );
  }, 60_000);

  it('should leave whole rows and exact counters when the service is killed with PATCHes in flight', async () => {
    const { guest, hosts } = await seed(t.db);
    const token = await tokenFor(guest.id, { scope: `${READ_SCOPE} ${WRITE_SCOPE}` });
    await ensureBuilt();
    const child = new ChildApp(
      { mainPath: builtFile('src/main.ts'), remove: () => Promise.resolve() },
      {
        DATABASE_URL: t.database.url,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
    );
    const port = await child.port();
    const url = `http://127.0.0.1:${port}`;
    const inFlight: Array<Promise<unknown>> = [];
    let stop = false;
    const fire = async (index: number): Promise<void> => {
      while (!stop) {
        await fetch(`${url}/host-connections/${hosts[index % CONNECTIONS].id}`, {
          method: 'PATCH',
          headers: {
            Authorization: `Bearer ${token}`,
            'Requester-Organization-ID': guest.id,
            'Target-Organization-ID': guest.id,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify(bodyFor(index++)),
        });
      }
    };
    for (let worker = 0; worker < 16; worker++) inFlight.push(fire(worker).catch(() => undefined));
    // Let changes commit, then kill the process in the middle of others.
    await child.logLine((line) => line.msg === 'request completed' && line.method === 'PATCH');
    await new Promise((resolve) => setTimeout(resolve, 300));

    child.signal('SIGKILL');
    await child.exited;
    stop = true;
    await Promise.all(inFlight);

    const changed = child.logs.filter((line) => line.msg === 'host connection changed').length;
    expect(changed).toBeGreaterThan(0);
    // The killed connections' transactions are rolled back by PostgreSQL once it notices.
    const rows = await t.db.query<
      Array<{ archived: boolean; archived_at: string | null; updated_at: string; status: string }>
    >(
      `SELECT archived, archived_at::text, updated_at::text, status::text FROM host_connections WHERE guest_organization_id = $1`,
      [guest.id],
    );
    expect(rows).toHaveLength(CONNECTIONS);
    for (const row of rows) {
      // Whole: archived_at is set exactly when archived is, never after the row's last change.
      expect(row.archived_at !== null).toBe(row.archived);
      if (row.archived_at !== null) expect(row.archived_at <= row.updated_at).toBe(true);
    }
    expect(await counterDrift(t.db)).toEqual([]);
  }, 120_000);
});
