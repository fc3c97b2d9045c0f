import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { onRequestEnd } from '../http/request-end.js';

/** The requests this process is working on, each with the time it arrived. */
@Injectable()
export class InFlightRequests {
  // Insertion order is arrival order, so the first entry is always the oldest one left.
  private readonly startedAt = new Map<ServerResponse, number>();

  get count(): number {
    return this.startedAt.size;
  }

  /** Holds a slot for the request until its exchange is over, however it ends. */
  enter(request: IncomingMessage, response: ServerResponse): void {
    this.startedAt.set(response, Date.now());
    onRequestEnd(request, response, () => this.startedAt.delete(response));
  }

  /** How long the oldest request still holding a slot has held it; 0 when none does. */
  oldestAgeMs(now = Date.now()): number {
    const oldest = this.startedAt.values().next();
    return oldest.done === true ? 0 : now - oldest.value;
  }
}
