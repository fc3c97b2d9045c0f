import { DataSource } from 'typeorm';
import type { ErrorEnvelope } from '../src/common/errors/api-error.js';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected,disconnected&limit=10&offset=0';

// Two separate databases stand in for a primary and a lagging replica: they hold the same
// organizations but different connections, so each answer shows which database gave it.
describe('read replicas (DATABASE_REPLICA_URLS)', () => {
  let replicaDatabase: TestDatabase;
  let replica: DataSource;
  let t: TestApp;
  let guest: OrganizationRow;

  beforeAll(async () => {
    replicaDatabase = await createTestDatabase();
    replica = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: replicaDatabase.url }),
    );
    await replica.initialize();
    t = await startTestApp({ DATABASE_REPLICA_URLS: replicaDatabase.url });
    guest = await inBoth((db, fields) => anOrganization(db, fields), { name: 'Guest' });
  });

  afterAll(async () => {
    await t.close();
    await replica.destroy();
    await replicaDatabase.drop();
  });

  /** The same organization (same id) on the primary and on the replica. */
  async function inBoth(
    create: (db: DataSource, fields: Partial<OrganizationRow>) => Promise<OrganizationRow>,
    fields: Partial<OrganizationRow>,
  ): Promise<OrganizationRow> {
    const row = await create(t.db, fields);
    await create(replica, row);
    return row;
  }

  const list = async (requester: OrganizationRow) =>
    t.http
      .get(LIST)
      .set('Authorization', `Bearer ${await tokenFor(requester.id)}`)
      .set('Requester-Organization-ID', requester.id)
      .set('Target-Organization-ID', guest.id);

  it('should read the list from the replica', async () => {
    const onPrimary = await anOrganization(t.db, { name: 'Only on the primary' });
    const onReplica = await anOrganization(replica, { name: 'Only on the replica' });
    await anOrganization(t.db, onReplica);
    await aConnection(t.db, onPrimary, guest);
    await aConnection(replica, onReplica, guest);

    const response = await list(guest);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      total_items: 1,
      items: [{ host_organization_id: onReplica.id, host_name: 'Only on the replica' }],
    });
  });

  // A connection revoked on the primary must stop granting access at once, even while a
  // replica still shows it as connected.
  it('should check cross-organization access on the primary', async () => {
    const revoked = await inBoth((db, fields) => anOrganization(db, fields), { name: 'Revoked' });
    await aConnection(t.db, revoked, guest, { status: 'disconnected' });
    await aConnection(replica, revoked, guest, { status: 'connected' });

    const response = await list(revoked);

    expect(response.status).toBe(403);
    expect((response.body as ErrorEnvelope).detail[0]).toMatchObject({ code: 'no_connection' });
  });

  it('should grant access from the primary and still list from the replica', async () => {
    const fresh = await inBoth((db, fields) => anOrganization(db, fields), { name: 'Fresh' });
    await aConnection(t.db, fresh, guest, { status: 'connected' });

    const response = await list(fresh);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], total_items: 0 });
  });

  it('should report the pool of each database', async () => {
    const { text } = await t.metrics.get('/metrics');

    expect(text).toMatch(/^db_pool_connections\{pool="primary"\} \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{pool="replica_1"\} [1-9]\d*$/m);
    expect(text).not.toContain(replicaDatabase.name);
  });
});
