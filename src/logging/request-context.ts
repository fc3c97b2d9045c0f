import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
}

/** The request being served, for log lines written far from the request object. */
export const requestContext = new AsyncLocalStorage<RequestContext>();
