import type { NextFunction, Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { inFlightLimit } from './in-flight.middleware.js';
import { OverloadedError } from './limit-errors.js';

function call(middleware: ReturnType<typeof inFlightLimit>, path = '/host-connections') {
  const response = new EventEmitter();
  let error: unknown;
  const next: NextFunction = (passed?: unknown) => {
    error = passed;
  };
  middleware({ path } as Request, response as unknown as Response, next);
  return { finish: () => response.emit('close'), error };
}

describe('inFlightLimit', () => {
  it('should refuse with OverloadedError once the cap is reached', () => {
    const limit = inFlightLimit(2);

    const results = [call(limit), call(limit), call(limit)];

    expect(results.map((result) => result.error)).toEqual([
      undefined,
      undefined,
      expect.any(OverloadedError),
    ]);
  });

  it('should free a slot when a response closes', () => {
    const limit = inFlightLimit(1);
    const first = call(limit);

    first.finish();
    const second = call(limit);

    expect(second.error).toBeUndefined();
  });

  it('should not count probes and metrics scrapes', () => {
    const limit = inFlightLimit(1);
    call(limit);

    const probes = ['/health/live', '/health/ready', '/metrics'].map((path) => call(limit, path));

    expect(probes.map((probe) => probe.error)).toEqual([undefined, undefined, undefined]);
  });

  it('should not limit anything when the cap is 0', () => {
    const limit = inFlightLimit(0);

    const results = Array.from({ length: 100 }, () => call(limit));

    expect(results.every((result) => result.error === undefined)).toBe(true);
  });
});
