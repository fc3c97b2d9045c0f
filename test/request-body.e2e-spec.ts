import { aConnection, anOrganization } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

// Only PATCH /host-connections/{host_org_id} reads a request body (bodyParser: false in
// createApp): on a GET a body, even a malformed one, neither costs parsing nor changes the answer.
describe('request bodies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('should answer as without a body when a GET carries malformed JSON', async () => {
    const guest = await anOrganization(t.db);
    const token = await tokenFor(guest.id);

    const response = await t.http
      .get('/host-connections?statuses=connected&limit=10&offset=0')
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id)
      .set('Content-Type', 'application/json')
      .send('{"not json');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], total_items: 0 });
  });

  it('should answer as without a body when a GET of one connection carries malformed JSON', async () => {
    const guest = await anOrganization(t.db);
    const host = await anOrganization(t.db);
    await aConnection(t.db, host, guest);
    const token = await tokenFor(guest.id);

    const response = await t.http
      .get(`/host-connections/${host.id}`)
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', guest.id)
      .set('Target-Organization-ID', guest.id)
      .set('Content-Type', 'application/json')
      .send('{"not json');

    expect(response.status).toBe(200);
    expect((response.body as { host_organization_id: string }).host_organization_id).toBe(host.id);
  });
});
