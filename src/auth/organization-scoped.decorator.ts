import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import { RateLimitGuard } from '../platform/limits/rate-limit.guard.js';
import { ACCESS_RULE, type AccessRule } from './access-rule.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { OrganizationGuard } from './organization.guard.js';

/**
 * Puts a route behind the bearer token and the organization headers. The guards and the
 * OpenAPI description are declared together so they cannot drift apart.
 */
export function OrganizationScoped(rule: AccessRule): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    // The rate limit counts only authenticated requests, and comes before any database work.
    UseGuards(JwtAuthGuard, RateLimitGuard, OrganizationGuard),
    ApiBearerAuth(),
    ApiHeader({
      name: 'Requester-Organization-ID',
      required: true,
      schema: { type: 'string', format: 'uuid' },
      example: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
      description:
        'The unique identifier of the organization making the request. This ID is used to authorize the requester within the system. Must equal the `org_id` claim of the token.',
    }),
    ApiHeader({
      name: 'Target-Organization-ID',
      required: true,
      schema: { type: 'string', format: 'uuid' },
      example: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
      description:
        'The unique identifier of the organization that is the target of the request. The Target-Organization-ID may match the Requester-Organization-ID if the requester accesses their own resources. If the Target-Organization-ID differs from the Requester-Organization-ID, the requester can access third-party resources if the requester has a connection with the target organization and is authorized to perform such actions.',
    }),
  );
}
