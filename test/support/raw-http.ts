import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';

export interface RawRequest {
  method?: string;
  /** Sent byte for byte (latin1): may hold what a URL class would re-encode or refuse. */
  target: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Sent byte for byte (latin1), with its Content-Length. */
  body?: string;
  /** Leave out the Host header that is otherwise added. */
  omitHost?: boolean;
  httpVersion?: '1.0' | '1.1';
}

export interface RawResponse {
  status: number;
  headers: Map<string, string>;
  body: string;
}

const RESPONSE_TIMEOUT_MS = 15_000;

/** Starts listening on a free loopback port and returns it. */
export async function listenOnLoopback(app: INestApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return ((app.getHttpServer() as Server).address() as AddressInfo).port;
}

export function encodeRequest(request: RawRequest): Buffer {
  const lines = [
    `${request.method ?? 'GET'} ${request.target} HTTP/${request.httpVersion ?? '1.1'}`,
  ];
  if (!request.omitHost) lines.push('Host: 127.0.0.1');
  for (const [name, value] of request.headers ?? []) lines.push(`${name}: ${value}`);
  if (request.body !== undefined) lines.push(`Content-Length: ${request.body.length}`);
  lines.push('Connection: close');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`, 'latin1');
}

/**
 * One request on its own connection, written as raw bytes, so tests can send what
 * supertest or fetch would normalise: control characters, invalid percent-encodings,
 * a missing Host.
 */
export function sendRaw(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(RESPONSE_TIMEOUT_MS, () =>
      socket.destroy(new Error(`no response within ${RESPONSE_TIMEOUT_MS} ms`)),
    );
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A server that refuses an oversized request answers and closes while the rest is
    // still being written: the write then fails, but the answer has arrived.
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks), request.method === 'HEAD'));
      } catch (error) {
        reject(failure ?? (error instanceof Error ? error : new Error(String(error))));
      }
    });
    // No half-close after the request: Node's server drops a request whose client sent FIN.
    socket.write(encodeRequest(request));
  });
}

function parseResponse(bytes: Buffer, headOnly: boolean): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`incomplete response: ${JSON.stringify(bytes.toString('latin1'))}`);
  const [statusLine, ...headerLines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine)?.[1];
  if (status === undefined) throw new Error(`not an HTTP response: ${statusLine}`);
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = headOnly ? Buffer.alloc(0) : bytes.subarray(end + 4);
  if (headers.get('transfer-encoding') === 'chunked') body = dechunk(body);
  return { status: Number(status), headers, body: body.toString('utf8') };
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    const size = parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}
