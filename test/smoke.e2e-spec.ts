import { aConnection, anOrganization } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should list', async () => {
    const guest = await anOrganization(t.db);
    const host = await anOrganization(t.db, { name: 'Acme' });
    await aConnection(t.db, host, guest, { created_at: '2025-12-12T12:00:00.123456Z' });
    const token = await tokenFor(guest.id);
    const res = await t.http
      .get('/host-connections?statuses=connected&limit=10&offset=0')
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id);
    console.log(res.status, JSON.stringify(res.body), res.headers);
    const bad = await t.http
      .get(
        '/host-connections?statuses=connected,,x&limit=1e3&offset=-1&archived=maybe&foo=1&limit=2',
      )
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id);
    console.log(bad.status, JSON.stringify(bad.body));
  });
});
