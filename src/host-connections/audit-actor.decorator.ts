import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import type { AuthenticatedRequest } from '../auth/principal.js';
import { REQUEST_ID_HEADER } from '../platform/logging/request-id.js';
import type { AuditActor } from './host-connections.service.js';

/** The request id and the token's `sub`, for the audit line of a change (never the token). */
export const Actor = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuditActor => {
    const http = context.switchToHttp();
    const requestId = http.getResponse<Response>().getHeader(REQUEST_ID_HEADER);
    return {
      requestId: typeof requestId === 'string' ? requestId : undefined,
      subject: http.getRequest<AuthenticatedRequest>().principal?.subject ?? null,
    };
  },
);
