import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  type ErrorDetail,
  OrganizationAccessDeniedError,
  RequestValidationError,
} from '../common/errors/api-error.js';
import { normalizeUuid } from '../common/validation/uuid.js';
import { OrganizationAccessService } from './organization-access.service.js';
import { ACCESS_RULE, type AccessRule, REQUESTER_HEADER, TARGET_HEADER } from './access-rule.js';
import type { AuthenticatedRequest, OrganizationContext } from './principal.js';

/**
 * Cross-organization authorization: resolves the requester and target organization
 * headers into the OrganizationContext a service works with, or refuses the request.
 * Runs after JwtAuthGuard.
 */
@Injectable()
export class OrganizationGuard implements CanActivate {
  constructor(
    private readonly access: OrganizationAccessService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const rule = this.reflector.get<AccessRule>(ACCESS_RULE, context.getHandler());
    const { requesterId, targetId } = readOrganizationHeaders(request);
    const principal = request.principal;
    if (principal === undefined || principal.organizationId !== requesterId) {
      throw new OrganizationAccessDeniedError(
        "Requester-Organization-ID does not match the token's organization",
        'organization_mismatch',
        ['header', REQUESTER_HEADER],
      );
    }

    const mode = requesterId === targetId ? 'self' : 'cross';
    if (!rule.modes.includes(mode)) {
      throw new OrganizationAccessDeniedError(
        `This operation does not allow ${mode === 'self' ? 'self' : 'cross-organization'} access`,
        'access_mode_not_allowed',
        ['header', TARGET_HEADER],
      );
    }
    if (mode === 'cross' && !(await this.access.hasConnectedLink(requesterId, targetId))) {
      throw new OrganizationAccessDeniedError(
        'The requester has no connected connection with the target organization',
        'no_connection',
        ['header', TARGET_HEADER],
      );
    }

    const organizationContext: OrganizationContext = {
      requesterId,
      targetId,
      mode,
      partyId: mode === 'cross' ? requesterId : null,
    };
    request.organizationContext = organizationContext;
    return true;
  }
}

function readOrganizationHeaders(request: AuthenticatedRequest): {
  requesterId: string;
  targetId: string;
} {
  const details: ErrorDetail[] = [];
  const read = (name: string): string => {
    const raw = request.headers[name];
    const id = normalizeUuid(raw);
    if (id !== undefined) return id;
    details.push(
      raw === undefined
        ? { loc: ['header', name], msg: 'Field required', type: 'missing', code: 'missing' }
        : {
            loc: ['header', name],
            msg: 'Input should be a valid UUID',
            type: 'uuid_parsing',
            code: 'invalid_uuid',
          },
    );
    return '';
  };
  const requesterId = read(REQUESTER_HEADER);
  const targetId = read(TARGET_HEADER);
  if (details.length > 0) throw new RequestValidationError(details);
  return { requesterId, targetId };
}
