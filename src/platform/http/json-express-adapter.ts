import { ExpressAdapter } from '@nestjs/platform-express';
import express, { type Response } from 'express';

/**
 * Writes a handler's plain-object result with one JSON.stringify and one end(). Express's
 * res.json() gets to the same bytes through the app's JSON settings, a Buffer copy, a
 * freshness check and header lookups, which cost about 15–30 µs of CPU per request
 * (docs/benchmarks.md). Node drops the body of a HEAD response. Anything else (strings,
 * streams, no body) goes through Nest's own reply.
 */
export class JsonExpressAdapter extends ExpressAdapter {
  constructor() {
    // Paths match exactly (the contract): `/HOST-CONNECTIONS` and `/host-connections/` are
    // not the route. Express reads both settings once, when its router is created, which
    // ExpressAdapter's constructor already does.
    super(express().set('case sensitive routing', true).set('strict routing', true));
  }

  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    if (!isPlainJson(body)) return super.reply(response, body, statusCode);
    if (statusCode !== undefined) response.statusCode = statusCode;
    const json = JSON.stringify(body);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    // Set here, not left to end(): Node adds no Content-Length to a HEAD response.
    response.setHeader('Content-Length', Buffer.byteLength(json));
    return response.end(json);
  }
}

function isPlainJson(body: unknown): body is object {
  if (typeof body !== 'object' || body === null) return false;
  const prototype: unknown = Object.getPrototypeOf(body);
  return prototype === Object.prototype || prototype === null || Array.isArray(body);
}
