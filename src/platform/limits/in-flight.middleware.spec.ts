import type { NextFunction, Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { InFlightRequests } from './in-flight-requests.js';
import { inFlightLimit } from './in-flight.middleware.js';
import { OverloadedError } from './limit-errors.js';

class FakeSocket extends EventEmitter {
  destroyed = false;
}

function call(
  middleware: ReturnType<typeof inFlightLimit>,
  path = '/host-connections',
  socket = new FakeSocket(),
) {
  const request = Object.assign(new EventEmitter(), { path, socket });
  const response = Object.assign(new EventEmitter(), { writableFinished: false, destroyed: false });
  let error: unknown;
  const next: NextFunction = (passed?: unknown) => {
    error = passed;
  };
  middleware(request as unknown as Request, response as unknown as Response, next);
  return {
    finish: () => response.emit('close'),
    emitResponse: (event: string) => response.emit(event),
    emitRequest: (event: string) => request.emit(event),
    error,
  };
}

describe('inFlightLimit', () => {
  it('should refuse with OverloadedError once the cap is reached', () => {
    const limit = inFlightLimit(new InFlightRequests(), 2);

    const results = [call(limit), call(limit), call(limit)];

    expect(results.map((result) => result.error)).toEqual([
      undefined,
      undefined,
      expect.any(OverloadedError),
    ]);
  });

  it('should free a slot when a response closes', () => {
    const limit = inFlightLimit(new InFlightRequests(), 1);
    const first = call(limit);

    first.finish();
    const second = call(limit);

    expect(second.error).toBeUndefined();
  });

  it.each<[string, (exchange: ReturnType<typeof call>) => void]>([
    ["the response's finish", (exchange) => exchange.emitResponse('finish')],
    ["the response's close", (exchange) => exchange.emitResponse('close')],
    ["the request's aborted", (exchange) => exchange.emitRequest('aborted')],
  ])('should free the slot exactly once when %s comes first', (_name, end) => {
    const inFlight = new InFlightRequests();
    const limit = inFlightLimit(inFlight, 2);
    const first = call(limit);
    call(limit);

    end(first);
    first.emitResponse('finish');
    first.emitResponse('close');
    first.emitRequest('aborted');

    expect(inFlight.count).toBe(1);
  });

  // Node 20 emits nothing on a pipelined response still queued when the client leaves.
  it('should free the slots of every request on a connection when it closes', () => {
    const inFlight = new InFlightRequests();
    const limit = inFlightLimit(inFlight, 10);
    const socket = new FakeSocket();
    for (let index = 0; index < 5; index++) call(limit, '/host-connections', socket);
    call(limit);

    socket.emit('close');

    expect(inFlight.count).toBe(1);
    expect(socket.listenerCount('close')).toBe(0);
  });

  it('should report how long the oldest request has held its slot', () => {
    const inFlight = new InFlightRequests();
    const limit = inFlightLimit(inFlight, 10);
    const first = call(limit);
    call(limit);

    const whileBoth = inFlight.oldestAgeMs(Date.now() + 60_000);
    first.finish();

    expect(whileBoth).toBeGreaterThanOrEqual(60_000);
    expect(inFlight.oldestAgeMs(Date.now() + 1000)).toBeLessThan(60_000);
  });

  it('should not count probes', () => {
    const limit = inFlightLimit(new InFlightRequests(), 1);
    call(limit);

    const probes = ['/health/live', '/health/ready'].map((path) => call(limit, path));

    expect(probes.map((probe) => probe.error)).toEqual([undefined, undefined]);
  });

  it('should not limit anything when the cap is 0', () => {
    const limit = inFlightLimit(new InFlightRequests(), 0);

    const results = Array.from({ length: 100 }, () => call(limit));

    expect(results.every((result) => result.error === undefined)).toBe(true);
  });
});
