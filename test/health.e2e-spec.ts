import { ShutdownState } from '../src/platform/lifecycle/shutdown-state.js';
import { createTestDatabase } from './support/test-database.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('health probes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer liveness without a token', async () => {
    const response = await t.http.get('/health/live');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('should be ready without a token when the database answers and is migrated', async () => {
    const response = await t.http.get('/health/ready');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      details: {
        shutdown: { status: 'up' },
        database: { status: 'up' },
        migrations: { status: 'up' },
      },
    });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('should keep the probes and /metrics out of the OpenAPI document', async () => {
    const response = await t.http.get('/docs-json');
    const paths = Object.keys((response.body as { paths: Record<string, unknown> }).paths);

    expect(paths).toContain('/host-connections');
    expect(paths.filter((path) => path.startsWith('/health') || path === '/metrics')).toEqual([]);
  });

  it('should not be ready while a migration is pending', async () => {
    const ready = await startTestApp();
    const [applied] = await ready.db.query<Array<{ id: number; name: string; timestamp: string }>>(
      'SELECT id, name, timestamp FROM migrations ORDER BY id DESC LIMIT 1',
    );
    await ready.db.query('DELETE FROM migrations WHERE id = $1', [applied.id]);

    const pending = await ready.http.get('/health/ready');
    await ready.db.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [
      applied.timestamp,
      applied.name,
    ]);
    const migrated = await ready.http.get('/health/ready');
    await ready.close();

    expect(pending.status).toBe(503);
    expect(pending.body).toMatchObject({
      status: 'error',
      error: { migrations: { status: 'down', message: '1 pending' } },
    });
    expect(migrated.status).toBe(200);
  });

  it('should not be ready, without naming internals, when the database is gone', async () => {
    const database = await createTestDatabase();
    const gone = await startTestApp({ DATABASE_URL: database.url });
    await database.drop();

    const response = await gone.http.get('/health/ready');
    const live = await gone.http.get('/health/live');
    await gone.close();

    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      status: 'error',
      error: {
        database: { status: 'down', message: 'unreachable' },
        migrations: { status: 'down', message: 'unreachable' },
      },
    });
    const body = JSON.stringify(response.body);
    expect(body).not.toContain(database.name);
    expect(body).not.toContain(new URL(database.url).port);
    expect(live.status).toBe(200);
  });

  it('should not be ready once shutdown has begun, while still alive', async () => {
    const closing = await startTestApp();
    closing.app.get(ShutdownState).begin();

    const ready = await closing.http.get('/health/ready');
    const live = await closing.http.get('/health/live');
    await closing.close();

    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      error: { shutdown: { status: 'down', message: 'shutting down' } },
      info: { database: { status: 'up' } },
    });
    expect(live.status).toBe(200);
  });
});
