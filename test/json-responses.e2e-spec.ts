import { connect } from 'node:net';
import { aConnection, anOrganization } from './support/factories.js';
import {
  encodeRequest,
  listenOnLoopback,
  type RawRequest,
  type RawResponse,
  sendRaw,
} from './support/raw-http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

// Handler results are written by JsonExpressAdapter rather than Express's res.json(): the
// bytes on the wire must be what res.json() would have sent.
const LIST = '/host-connections?statuses=connected&limit=20&offset=0';

describe('JSON responses', () => {
  let t: TestApp;
  let port: number;
  let headers: Array<[string, string]>;

  beforeAll(async () => {
    t = await startTestApp();
    port = await listenOnLoopback(t.app);
    const guest = await anOrganization(t.db);
    // Multi-byte characters: Content-Length counts bytes, not characters.
    const host = await anOrganization(t.db, { name: 'Zürich Ölwerke ✓ 株式会社' });
    await aConnection(t.db, host, guest);
    headers = [
      ['Authorization', `Bearer ${await tokenFor(guest.id)}`],
      ['Requester-Organization-ID', guest.id],
      ['Target-Organization-ID', guest.id],
    ];
  });

  afterAll(async () => {
    await t.close();
  });

  const send = (method: string, target: string): Promise<RawResponse> =>
    sendRaw(port, { method, target, headers });

  it('should send a list as UTF-8 JSON with its length in bytes', async () => {
    const response = await send('GET', LIST);
    const bytes = Buffer.from(response.body, 'utf8');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.has('transfer-encoding')).toBe(false);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({
      items: [expect.objectContaining({ host_name: 'Zürich Ölwerke ✓ 株式会社' })],
      total_items: 1,
    });
  });

  it('should answer HEAD with the headers of GET and no body', async () => {
    const get = await send('GET', LIST);
    const head = await send('HEAD', LIST);
    const headBytes = await bytesOf(port, { method: 'HEAD', target: LIST, headers });

    expect(head.status).toBe(200);
    expect(headBytes.subarray(headBytes.indexOf('\r\n\r\n') + 4)).toHaveLength(0);
    for (const name of [
      'content-type',
      'content-length',
      'cache-control',
      'x-content-type-options',
    ])
      expect([name, head.headers.get(name)]).toEqual([name, get.headers.get(name)]);
  });

  it('should send the JSON of other handlers the same way', async () => {
    const response = await sendRaw(port, { target: '/health/live' });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.body)));
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
  });

  it('should leave error envelopes to the exception filter, as before', async () => {
    const response = await sendRaw(port, { target: '/host-connections' });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toMatchObject({ detail: [expect.any(Object)] });
  });
});

/** Everything the server sends back, byte for byte, until it closes the connection. */
function bytesOf(port: number, request: RawRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.write(encodeRequest(request));
  });
}
