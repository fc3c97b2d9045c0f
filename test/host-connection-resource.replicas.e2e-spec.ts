import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from '../src/database/database.options.js';
import { getConnection, patchConnection, writerFor } from './support/connection-requests.js';
import { storedConnection } from './support/counters.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

// Two separate databases stand in for a primary and a lagging replica, holding the same
// organizations and a connection in different states, so each answer shows its source.
describe('one connection with a read replica (DATABASE_REPLICA_URLS)', () => {
  let replicaDatabase: TestDatabase;
  let replica: DataSource;
  let t: TestApp;
  let guest: OrganizationRow;
  let host: OrganizationRow;

  beforeAll(async () => {
    replicaDatabase = await createTestDatabase();
    replica = new DataSource(
      buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: replicaDatabase.url }),
    );
    await replica.initialize();
    t = await startTestApp({ DATABASE_REPLICA_URLS: replicaDatabase.url });
    guest = await anOrganization(t.db, { name: 'Guest' });
    host = await anOrganization(t.db, { name: 'Host' });
    await anOrganization(replica, guest);
    await anOrganization(replica, host);
    await aConnection(t.db, host, guest, { status: 'connected' });
    await aConnection(replica, host, guest, { status: 'disconnected' });
  });

  afterAll(async () => {
    await t.close();
    await replica.destroy();
    await replicaDatabase.drop();
  });

  it('should read one connection like the list, from the replica', async () => {
    const response = await getConnection(t, host.id, await writerFor(guest));

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'disconnected' });
  });

  it('should change the connection on the primary, whatever the replica holds', async () => {
    const replicaBefore = await storedConnection(replica, guest.id, host.id);

    const response = await patchConnection(t, host.id, await writerFor(guest), { archived: true });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'connected', archived: true });
    expect(await storedConnection(t.db, guest.id, host.id)).toMatchObject({ archived: true });
    expect(await storedConnection(replica, guest.id, host.id)).toEqual(replicaBefore);
  });
});
