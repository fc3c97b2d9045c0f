import { startTestApp, type TestApp } from './support/test-app.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example.net';

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );
}

describe('security headers and CORS', () => {
  let closed: TestApp;
  let open: TestApp;

  beforeAll(async () => {
    closed = await startTestApp();
    open = await startTestApp({ CORS_ORIGINS: `${ALLOWED},http://localhost:5173` });
  });

  afterAll(async () => {
    await closed.close();
    await open.close();
  });

  it('should send helmet headers on API responses', async () => {
    const response = await closed.http.get('/host-connections');

    expect(response.status).toBe(401);
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('should keep scripts same-origin without forcing https on plain-http deployments', async () => {
    const csp = directives((await closed.http.get('/docs')).headers['content-security-policy']);

    expect(csp.get('default-src')).toBe("'self'");
    expect(csp.get('script-src')).toBe("'self'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });

  // What the CSP allows is what Swagger UI needs: its scripts are same-origin files, never
  // inline, and every asset the page references loads.
  it('should serve Swagger UI in a form the CSP lets a browser run', async () => {
    const page = await closed.http.get('/docs/');
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);

    expect(page.status).toBe(200);
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\.\/[^"]+"/);
      expect(body.trim()).toBe('');
    }
    for (const asset of assets.filter((url) => url.startsWith('./'))) {
      const response = await closed.http.get(`/docs/${asset.slice(2)}`);
      expect([asset, response.status]).toEqual([asset, 200]);
    }
    expect(assets.filter((url) => /^(https?:)?\/\//.test(url))).toEqual([]);
  });

  it('should answer no CORS headers by default', async () => {
    const preflight = await closed.http
      .options('/host-connections')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    const simple = await closed.http.get('/health/live').set('Origin', ALLOWED);

    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('should allow the configured origins with the headers the API needs', async () => {
    const preflight = await open.http
      .options('/host-connections')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'GET')
      .set(
        'Access-Control-Request-Headers',
        'authorization,requester-organization-id,target-organization-id',
      );
    const simple = await open.http.get('/host-connections').set('Origin', ALLOWED);

    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-methods': 'GET,HEAD,PATCH',
      'access-control-allow-headers':
        'Authorization,requester-organization-id,target-organization-id,X-Request-Id,Content-Type,If-Match',
      'access-control-max-age': '600',
    });
    expect(simple.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(simple.headers['access-control-expose-headers']).toBe(
      'X-Request-Id,WWW-Authenticate,Retry-After,ETag',
    );
    expect(simple.headers.vary).toContain('Origin');
  });

  it('should refuse other origins', async () => {
    const preflight = await open.http
      .options('/host-connections')
      .set('Origin', OTHER)
      .set('Access-Control-Request-Method', 'GET');
    const simple = await open.http.get('/health/live').set('Origin', OTHER);

    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });
});
