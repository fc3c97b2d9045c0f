import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorDetail, ErrorEnvelope } from '../../common/errors/api-error.js';

export interface HttpServerLimits {
  /** Request line plus headers, in bytes (Node's --max-http-header-size, per server). */
  maxHeaderBytes: number;
}

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
 * Bounds what Node's HTTP parser accepts and answers what it refuses with the error
 * envelope, instead of Node's bare "400 Bad Request" / "431" with an empty body.
 */
export function applyHttpServerLimits(server: Server, limits: HttpServerLimits): void {
  // Nest creates the server, so these creation options are set on it afterwards: Node reads
  // both for every new connection (they are missing from @types/node's Server).
  const options = server as Server & { maxHeaderSize?: number; requireHostHeader?: boolean };
  options.maxHeaderSize = limits.maxHeaderBytes;
  // Node would answer a missing Host itself, with an empty body; request-target.middleware
  // answers it with the envelope.
  options.requireHostHeader = false;
  server.on('clientError', answerClientError);
  server.on('checkExpectation', answerFailedExpectation);
}

const EXPECTATION_FAILED: ErrorDetail = {
  loc: ['header', 'expect'],
  msg: 'Only the expectation 100-continue is supported',
  type: 'expectation_failed',
  code: 'expectation_failed',
};

// Node answers an Expect other than 100-continue with a bare 417 unless this event has a
// listener.
function answerFailedExpectation(_request: IncomingMessage, response: ServerResponse): void {
  const json = envelopeOf(EXPECTATION_FAILED);
  response
    .writeHead(417, {
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
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, detail } = ANSWERS.get(error.code) ?? MALFORMED;
  const json = envelopeOf(detail);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(json)}\r\n` +
      'Connection: close\r\n\r\n' +
      json,
  );
}
