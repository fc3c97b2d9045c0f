import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorDetail, ErrorEnvelope } from '../../common/errors/api-error.js';

export interface HttpServerLimits {
  /** Request line plus headers, in bytes (Node's --max-http-header-size, per server). */
  maxHeaderBytes: number;
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Sent with every answer written here, as the Express middleware sends them with the rest. */
  securityHeaders: Record<string, string>;
}

// How often Node looks for requests past their headers or request timeout; its default
// (30 s) would let a slow client hold a connection up to 30 s beyond the timeout.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

interface ClientErrorAnswer {
  status: number;
  detail: ErrorDetail;
}

// Node's own mapping of parser errors to statuses, with the envelope as the body.
const ANSWERS = new Map<string | undefined, ClientErrorAnswer>([
  [
    'HPE_HEADER_OVERFLOW',
    {
      status: 431,
      detail: {
        loc: [],
        msg: 'The request line and headers are too large',
        type: 'request_header_fields_too_large',
        code: 'headers_too_large',
      },
    },
  ],
  [
    'HPE_CHUNK_EXTENSIONS_OVERFLOW',
    {
      status: 413,
      detail: {
        loc: [],
        msg: 'The chunk extensions of the request body are too large',
        type: 'content_too_large',
        code: 'content_too_large',
      },
    },
  ],
  [
    'ERR_HTTP_REQUEST_TIMEOUT',
    {
      status: 408,
      detail: {
        loc: [],
        msg: 'The request was not received in time',
        type: 'request_timeout',
        code: 'request_timeout',
      },
    },
  ],
]);

const TRANSFER_ENCODING_IN_HTTP_1_0: ErrorDetail = {
  loc: ['header', 'transfer-encoding'],
  msg: 'An HTTP/1.0 request cannot use Transfer-Encoding',
  type: 'bad_request',
  code: 'malformed_request',
};

const MALFORMED: ClientErrorAnswer = {
  status: 400,
  detail: {
    loc: [],
    msg: 'The request is not valid HTTP/1.1',
    type: 'bad_request',
    code: 'malformed_request',
  },
};

/**
 * Bounds what Node's HTTP parser accepts and how long a client may take, and answers what
 * it refuses with the error envelope and the same security headers as any other answer,
 * instead of Node's bare "400 Bad Request" / "431" with an empty body.
 */
export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  // Nest creates the server, so these creation options are set on it afterwards: Node reads
  // them for every new connection, and the checking interval when it starts listening
  // (some are missing from @types/node's Server).
  const options = server as Server & {
    maxHeaderSize?: number;
    requireHostHeader?: boolean;
    connectionsCheckingInterval?: number;
  };
  options.maxHeaderSize = limits.maxHeaderBytes;
  // Node would answer a missing Host itself, with an empty body; request-target.middleware
  // answers it with the envelope.
  options.requireHostHeader = false;
  options.connectionsCheckingInterval = TIMEOUT_CHECK_INTERVAL_MS;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  const { securityHeaders } = limits;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
    answerClientError(error, socket, securityHeaders),
  );
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) =>
    answerJson(response, 417, EXPECTATION_FAILED, securityHeaders),
  );
  refuseAmbiguousFraming(server, securityHeaders);
}

/**
 * RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing, and the
 * connection must close after it. Node would parse the body as chunked and serve what
 * follows as another request, which a front end framing HTTP/1.0 by the connection's end
 * never sent: a smuggling primitive. Checked ahead of Express, so that no later request of
 * that connection, already parsed from the same bytes, ever reaches the application.
 */
function refuseAmbiguousFraming(server: Server, securityHeaders: Record<string, string>): void {
  const application = server.listeners('request') as Array<
    (request: IncomingMessage, response: ServerResponse) => void
  >;
  server.removeAllListeners('request');
  const refused = new WeakSet<Duplex>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (refused.has(request.socket)) return;
    if (request.httpVersion === '1.0' && request.headers['transfer-encoding'] !== undefined) {
      refused.add(request.socket);
      response.shouldKeepAlive = false;
      answerJson(response, 400, TRANSFER_ENCODING_IN_HTTP_1_0, {
        ...securityHeaders,
        Connection: 'close',
      });
      return;
    }
    for (const listener of application) listener.call(server, request, response);
  });
}

const EXPECTATION_FAILED: ErrorDetail = {
  loc: ['header', 'expect'],
  msg: 'Only the expectation 100-continue is supported',
  type: 'expectation_failed',
  code: 'expectation_failed',
};

// Node adds the Date header to what goes through a ServerResponse.
function answerJson(
  response: ServerResponse,
  status: number,
  detail: ErrorDetail,
  headers: Record<string, string>,
): void {
  const json = envelopeOf(detail);
  response
    .writeHead(status, {
      ...headers,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(json),
    })
    .end(json);
}

function envelopeOf(detail: ErrorDetail): string {
  const body: ErrorEnvelope = { detail: [detail] };
  return JSON.stringify(body);
}

// Like Node's default handler, writes nothing to a socket that is gone or in the middle of
// another response.
function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  securityHeaders: Record<string, string>,
): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, detail } = ANSWERS.get(error.code) ?? MALFORMED;
  const json = envelopeOf(detail);
  const headers = {
    Date: new Date().toUTCString(),
    ...securityHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(json)),
    Connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${json}`);
}
