import { anOrganization } from './support/factories.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected&limit=10&offset=0';

/** The value of one sample line, e.g. `http_requests_total{method="GET",...} 2`. */
function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const guest = await anOrganization(t.db);
    const token = await tokenFor(guest.id);
    const list = () =>
      t.http
        .get(LIST)
        .set('Authorization', `Bearer ${token}`)
        .set('Requester-Organization-ID', guest.id)
        .set('Target-Organization-ID', guest.id);
    await list();
    await list();
    await t.http.get(LIST);
    await t.http.get('/wp-admin/setup.php');
  });

  afterAll(async () => {
    await t.close();
  });

  it('should serve the Prometheus text format without a token', async () => {
    const response = await t.metrics.get('/metrics');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('should count requests by method, route pattern and status', async () => {
    const { text } = await t.metrics.get('/metrics');

    expect(
      sample(text, 'http_requests_total{method="GET",route="/host-connections",status="200"}'),
    ).toBe(2);
    expect(
      sample(text, 'http_requests_total{method="GET",route="/host-connections",status="401"}'),
    ).toBe(1);
    expect(sample(text, 'http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(
      1,
    );
    expect(text).not.toContain('wp-admin');
  });

  it('should keep a latency histogram by route and status', async () => {
    const { text } = await t.metrics.get('/metrics');
    const series = 'method="GET",route="/host-connections",status="200"';

    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(sample(text, `http_request_duration_seconds_count{${series}}`)).toBe(2);
    expect(sample(text, `http_request_duration_seconds_bucket{le="+Inf",${series}}`)).toBe(2);
    expect(sample(text, `http_request_duration_seconds_sum{${series}}`)).toBeGreaterThan(0);
  });

  it('should report the database pool', async () => {
    const { text } = await t.metrics.get('/metrics');
    const total = sample(text, 'db_pool_connections{pool="primary"}');
    const idle = sample(text, 'db_pool_idle_connections{pool="primary"}');

    expect(total).toBeGreaterThanOrEqual(1);
    expect(idle).toBeLessThanOrEqual(total ?? 0);
    expect(sample(text, 'db_pool_waiting_requests{pool="primary"}')).toBe(0);
  });

  it('should include the process and runtime metrics', async () => {
    const { text } = await t.metrics.get('/metrics');

    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  // Last: these requests are counted too.
  it('should not serve metrics on the API port', async () => {
    const response = await t.http.get('/metrics');

    expect(response.status).toBe(404);
    expect(response.text).not.toContain('http_requests_total');
  });

  it('should serve nothing but GET /metrics on the metrics port', async () => {
    const other = await t.metrics.get('/host-connections');
    const post = await t.metrics.post('/metrics');

    expect(other.status).toBe(404);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('should report the requests in flight, none once every answer is out', async () => {
    const { text } = await t.metrics.get('/metrics');

    expect(text).toContain('# TYPE http_requests_in_flight gauge');
    expect(sample(text, 'http_requests_in_flight')).toBe(0);
    expect(sample(text, 'http_oldest_request_age_seconds')).toBe(0);
  });
});
