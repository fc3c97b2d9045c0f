import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

type EndListener = () => void;

interface Exchange {
  listeners: EndListener[];
  end: () => void;
}

const exchanges = new WeakMap<ServerResponse, Exchange>();
// One 'close' listener per socket, however many pipelined requests it carries.
const openOnSocket = new WeakMap<Socket, Set<Exchange>>();

/**
 * Calls `listener` exactly once, when the exchange is over: the response finished or
 * closed, the request was aborted, or its connection closed, whichever comes first. A
 * response's own 'close' is not enough: on Node 20 a pipelined response still queued behind
 * another emits nothing when the client leaves, so whatever counted on it (the in-flight
 * slot, the log line, the metrics) would wait forever. The request's 'close' is not used:
 * since Node 16 it fires as soon as a body has been read, while the handler still runs.
 */
export function onRequestEnd(
  request: IncomingMessage,
  response: ServerResponse,
  listener: EndListener,
): void {
  const existing = exchanges.get(response);
  if (existing !== undefined) {
    existing.listeners.push(listener);
    return;
  }
  const socket = request.socket;
  if (response.writableFinished || response.destroyed || socket.destroyed) {
    listener();
    return;
  }
  let ended = false;
  const exchange: Exchange = {
    listeners: [listener],
    end: () => {
      if (ended) return;
      ended = true;
      response.off('finish', exchange.end);
      response.off('close', exchange.end);
      request.off('aborted', exchange.end);
      exchanges.delete(response);
      openOnSocket.get(socket)?.delete(exchange);
      for (const each of exchange.listeners) each();
    },
  };
  exchanges.set(response, exchange);
  response.on('finish', exchange.end);
  response.on('close', exchange.end);
  request.on('aborted', exchange.end);
  let open = openOnSocket.get(socket);
  if (open === undefined) {
    const forSocket = new Set<Exchange>();
    open = forSocket;
    openOnSocket.set(socket, forSocket);
    socket.once('close', () => {
      for (const each of [...forSocket]) each.end();
    });
  }
  open.add(exchange);
}
