import { DataSource } from 'typeorm';
import type { ErrorEnvelope } from '../src/common/errors/api-error.js';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { type DedicatedPostgres, startDedicatedPostgres } from './support/dedicated-postgres.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { type PhysicalStandby, startPhysicalStandby } from './support/physical-standby.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected,disconnected&limit=10&offset=0';

// A primary and a hot standby fed by streaming replication. Pausing the standby's WAL replay
// makes it lag on demand: while paused, what the list shows tells which server answered.
describe('read replicas (DATABASE_REPLICA_URLS) on a streaming standby', () => {
  let primary: DedicatedPostgres;
  let standby: PhysicalStandby;
  let replica: DataSource;
  let t: TestApp;
  let guest: OrganizationRow;

  beforeAll(async () => {
    primary = await startDedicatedPostgres();
    standby = await startPhysicalStandby(primary);
    replica = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: standby.url }),
    );
    await replica.initialize();
    t = await startTestApp({ DATABASE_URL: primary.url, DATABASE_REPLICA_URLS: standby.url });
    guest = await anOrganization(t.db, { name: 'Guest' });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await replica?.destroy();
    await standby?.destroy();
    await primary?.destroy();
  });

  afterEach(async () => {
    await standby.resumeReplay();
  });

  const list = async (requester: OrganizationRow) =>
    t.http
      .get(LIST)
      .set('Authorization', `Bearer ${await tokenFor(requester.id)}`)
      .set('Requester-Organization-ID', requester.id)
      .set('Target-Organization-ID', guest.id);

  const hostNames = (body: unknown) =>
    (body as { items: Array<{ host_name: string }> }).items.map((item) => item.host_name).sort();

  it('should be a read-only copy of the primary', async () => {
    await standby.caughtUp();

    const [{ recovery }] = await replica.query<[{ recovery: boolean }]>(
      'SELECT pg_is_in_recovery() AS recovery',
    );
    const organizations = await replica.query<unknown[]>('SELECT name FROM organizations');

    expect(recovery).toBe(true);
    expect(organizations).toContainEqual({ name: 'Guest' });
    await expect(replica.query(`DELETE FROM organizations`)).rejects.toThrow(
      /read-only transaction/,
    );
  });

  it('should read the list from the replica, and see the primary once it has caught up', async () => {
    await aConnection(t.db, await anOrganization(t.db, { name: 'Acme' }), guest);
    await standby.caughtUp();
    await standby.pauseReplay();
    await aConnection(t.db, await anOrganization(t.db, { name: 'Bolt' }), guest);

    const lagging = await list(guest);
    await standby.resumeReplay();
    await standby.caughtUp();
    const caughtUp = await list(guest);

    expect(lagging.status).toBe(200);
    expect(hostNames(lagging.body)).toEqual(['Acme']);
    expect(lagging.body).toMatchObject({ total_items: 1 });
    expect(hostNames(caughtUp.body)).toEqual(['Acme', 'Bolt']);
    expect(caughtUp.body).toMatchObject({ total_items: 2 });
  });

  // A connection revoked on the primary must stop granting access at once, even while the
  // replica still shows it as connected.
  it('should check cross-organization access on the primary while the replica lags', async () => {
    const revoked = await anOrganization(t.db, { name: 'Revoked' });
    await aConnection(t.db, revoked, guest, { status: 'connected' });
    await standby.caughtUp();
    await standby.pauseReplay();
    const pair = 'host_organization_id = $1 AND guest_organization_id = $2';
    await t.db.query(`UPDATE host_connections SET status = 'disconnected' WHERE ${pair}`, [
      revoked.id,
      guest.id,
    ]);

    const response = await list(revoked);
    const onReplica = await replica.query<unknown[]>(
      `SELECT status FROM host_connections WHERE ${pair}`,
      [revoked.id, guest.id],
    );

    expect(response.status).toBe(403);
    expect((response.body as ErrorEnvelope).detail[0]).toMatchObject({ code: 'no_connection' });
    expect(onReplica).toEqual([{ status: 'connected' }]);
  });

  // In cross mode the list holds the rows the requester is a party to: on the lagging
  // replica, none yet for an organization connected a moment ago on the primary.
  it('should grant access from the primary and still list from the lagging replica', async () => {
    await standby.caughtUp();
    await standby.pauseReplay();
    const fresh = await anOrganization(t.db, { name: 'Fresh' });
    await aConnection(t.db, fresh, guest, { status: 'connected' });

    const lagging = await list(fresh);
    await standby.resumeReplay();
    await standby.caughtUp();
    const caughtUp = await list(fresh);

    expect(lagging.status).toBe(200);
    expect(lagging.body).toEqual({ items: [], total_items: 0 });
    expect(hostNames(caughtUp.body)).toEqual(['Fresh']);
  });

  it('should report the pool of each database', async () => {
    const { text } = await t.metrics.get('/metrics');

    expect(text).toMatch(/^db_pool_connections\{pool="primary"\} \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{pool="replica_1"\} [1-9]\d*$/m);
    expect(text).not.toContain(`127.0.0.1:${new URL(standby.url).port}`);
  });
});
