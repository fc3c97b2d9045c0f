import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, OrganizationContext } from './principal.js';

/** The OrganizationContext resolved by OrganizationGuard for this request. */
export const OrgContext = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OrganizationContext => {
    const organizationContext = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest>().organizationContext;
    if (organizationContext === undefined) {
      throw new Error('@OrgContext() used on a route without @OrganizationScoped()');
    }
    return organizationContext;
  },
);
