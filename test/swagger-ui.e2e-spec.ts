import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { launchBrowser } from './support/browser.js';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const SCREENSHOTS = new URL('../test-results/', import.meta.url);
const OPERATION = '#operations-host-connections-listHostConnections';
const BROWSER_TEST_TIMEOUT = 60_000;

describe('Swagger UI in a real browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let guest: OrganizationRow;
  let token: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;

    guest = await anOrganization(t.db, { name: 'Northwind Guest' });
    const seed = async (name: string, status: 'connected' | 'disconnected', of = guest) =>
      aConnection(t.db, await anOrganization(t.db, { name }), of, { status });
    await seed('Acme Freight', 'connected');
    await seed('Bolt Logistics', 'disconnected');
    await seed('Cargo Club', 'connected');
    await seed('Hidden Host', 'connected', await anOrganization(t.db));
    token = await tokenFor(guest.id);

    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchBrowser();
    // One context for both tests: Swagger UI keeps the token in its localStorage, so the
    // second test, on a fresh page, runs with the token the first one authorized.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  async function openDocs(): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${baseUrl}/docs`);
    await page.locator(OPERATION).waitFor();
    return page;
  }

  async function tryItOut(
    page: Page,
    query: { statuses: string[]; limit: string; offset: string },
  ) {
    await page.locator(`${OPERATION} .opblock-summary`).click();
    await page.locator(`${OPERATION} button.try-out__btn`).click();
    const parameter = (name: string) => page.locator(`${OPERATION} tr[data-param-name="${name}"]`);
    await parameter('statuses').locator('select').selectOption(query.statuses);
    await parameter('limit').locator('input').fill(query.limit);
    await parameter('offset').locator('input').fill(query.offset);
    await parameter('Requester-Organization-ID').locator('input').fill(guest.id);
    await parameter('Target-Organization-ID').locator('input').fill(guest.id);
    return parameter;
  }

  // The whole page, and the server response close up (the part a reviewer looks at).
  async function saveScreenshots(page: Page, live: Locator, name: string): Promise<void> {
    await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
    await live.screenshot({ path: new URL(`${name}-response.png`, SCREENSHOTS).pathname });
  }

  async function execute(page: Page) {
    const [request, response] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(`${baseUrl}/host-connections?`)),
      page.waitForResponse((r) => r.url().startsWith(`${baseUrl}/host-connections?`)),
      page.locator(`${OPERATION} button.execute`).click(),
    ]);
    const live = page.locator(`${OPERATION} .live-responses-table .response`).first();
    await live.locator('.response-col_status').waitFor();
    return {
      live,
      request,
      networkBody: (await response.json()) as unknown,
      shownStatus: (await live.locator('.response-col_status').innerText()).trim(),
      shownBody: JSON.parse(
        await live.locator('.response-col_description pre').first().innerText(),
      ) as unknown,
    };
  }

  it(
    'should list the hosts after Authorize, a reload and Try it out with repeated statuses keys',
    async () => {
      const page = await openDocs();
      await page.locator('.scheme-container button.authorize').click();
      await page.locator('#auth-bearer-value').fill(token);
      await page.locator('.auth-btn-wrapper button.authorize').click();
      await page.locator('.auth-btn-wrapper button.btn-done').click();
      await page.reload();
      await page.locator(OPERATION).waitFor();

      const parameter = await tryItOut(page, {
        statuses: ['connected', 'disconnected'],
        limit: '10',
        offset: '0',
      });
      const dropDowns = ['search_field', 'order_by', 'order_dir', 'archived'];
      const multiSelects = ['statuses', 'active_action_types'];
      const selects = async (names: string[], selector: string) =>
        Promise.all(names.map((name) => parameter(name).locator(selector).count()));
      const result = await execute(page);
      await saveScreenshots(page, result.live, 'swagger-ui-200');

      expect(await page.locator('.scheme-container button.authorize.locked').count()).toBe(1);
      expect(await selects(dropDowns, 'select:not([multiple])')).toEqual([1, 1, 1, 1]);
      expect(await selects(multiSelects, 'select[multiple]')).toEqual([1, 1]);
      expect(result.request.headers().authorization).toBe(`Bearer ${token}`);
      expect(new URL(result.request.url()).searchParams.getAll('statuses')).toEqual([
        'connected',
        'disconnected',
      ]);
      expect(result.shownStatus).toBe('200');
      expect(result.shownBody).toEqual(result.networkBody);
      expect(result.shownBody).toMatchObject({
        items: [
          { host_name: 'Acme Freight' },
          { host_name: 'Bolt Logistics' },
          { host_name: 'Cargo Club' },
        ],
        total_items: 3,
      });
      expect(pageErrors).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'should refuse limit=101 in the browser and show the 422 envelope for a limit only the API refuses',
    async () => {
      const page = await openDocs();
      const sent: string[] = [];
      page.on('request', (r) => {
        if (r.url().startsWith(`${baseUrl}/host-connections?`)) sent.push(r.url());
      });

      const parameter = await tryItOut(page, {
        statuses: ['connected'],
        limit: '101',
        offset: '0',
      });
      await page.locator(`${OPERATION} button.execute`).click();
      // Swagger UI checks `maximum` itself and sends nothing, so 101 never reaches the API.
      await parameter('limit').locator('input.invalid').waitFor();
      const refusedInBrowser = [...sent];
      // "-0" passes Swagger UI's integer pattern (-?\d+) and its bounds, but the contract
      // allows ASCII digits only, so the API answers 422.
      await parameter('limit').locator('input').fill('-0');
      const result = await execute(page);
      await saveScreenshots(page, result.live, 'swagger-ui-422');

      expect(refusedInBrowser).toEqual([]);
      expect(result.shownStatus).toBe('422');
      expect(result.shownBody).toEqual(result.networkBody);
      expect(result.shownBody).toEqual({
        detail: [expect.objectContaining({ loc: ['query', 'limit'], code: 'invalid_integer' })],
      });
      expect(pageErrors).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );

  it(
    'should archive a host with Try it out on the PATCH and then list it with archived=true',
    async () => {
      const [acme] = await t.db.query<Array<{ id: string }>>(
        `SELECT id FROM organizations WHERE name = 'Acme Freight'`,
      );
      const writer = await tokenFor(guest.id, {
        scope: 'host_connections:read host_connections:write',
      });
      // A context of its own: the other tests' context remembers their read-only token.
      const writerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await writerContext.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${baseUrl}/docs`);
      const update = '#operations-host-connections-updateHostConnection';
      await page.locator(update).waitFor();
      await page.locator('.scheme-container button.authorize').click();
      await page.locator('#auth-bearer-value').fill(writer);
      await page.locator('.auth-btn-wrapper button.authorize').click();
      await page.locator('.auth-btn-wrapper button.btn-done').click();

      await page.locator(`${update} .opblock-summary`).click();
      await page.locator(`${update} button.try-out__btn`).click();
      const parameter = (name: string) => page.locator(`${update} tr[data-param-name="${name}"]`);
      await parameter('host_org_id').locator('input').fill(acme.id);
      await parameter('Requester-Organization-ID').locator('input').fill(guest.id);
      await parameter('Target-Organization-ID').locator('input').fill(guest.id);
      await page.locator(`${update} textarea.body-param__text`).fill('{"archived": true}');
      const [request, response] = await Promise.all([
        page.waitForRequest((r) => r.url() === `${baseUrl}/host-connections/${acme.id}`),
        page.waitForResponse((r) => r.url() === `${baseUrl}/host-connections/${acme.id}`),
        page.locator(`${update} button.execute`).click(),
      ]);
      const live = page.locator(`${update} .live-responses-table .response`).first();
      await live.locator('.response-col_status').waitFor();
      await saveScreenshots(page, live, 'swagger-ui-patch-200');
      const shownStatus = (await live.locator('.response-col_status').innerText()).trim();
      const shownBody = JSON.parse(
        await live.locator('.response-col_description pre').first().innerText(),
      ) as unknown;

      await page.locator(`${OPERATION} .opblock-summary`).click();
      await page.locator(`${OPERATION} button.try-out__btn`).click();
      const list = (name: string) => page.locator(`${OPERATION} tr[data-param-name="${name}"]`);
      await list('statuses').locator('select').selectOption(['connected']);
      await list('archived').locator('select').selectOption('true');
      await list('limit').locator('input').fill('10');
      await list('offset').locator('input').fill('0');
      await list('Requester-Organization-ID').locator('input').fill(guest.id);
      await list('Target-Organization-ID').locator('input').fill(guest.id);
      const listed = await execute(page);
      await writerContext.close();

      expect(request.method()).toBe('PATCH');
      expect(request.headers()['content-type']).toBe('application/json');
      expect(request.headers().authorization).toBe(`Bearer ${writer}`);
      expect(response.status()).toBe(200);
      expect(response.headers().etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(shownStatus).toBe('200');
      expect(shownBody).toMatchObject({ host_organization_id: acme.id, archived: true });
      expect(new URL(listed.request.url()).searchParams.get('archived')).toBe('true');
      expect(listed.shownBody).toMatchObject({
        items: [{ host_name: 'Acme Freight', archived: true }],
        total_items: 1,
      });
      expect(pageErrors).toEqual([]);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
