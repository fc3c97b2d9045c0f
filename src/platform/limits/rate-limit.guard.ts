import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { AuthenticatedRequest } from '../../auth/principal.js';
import { RateLimitedError } from './limit-errors.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * The optional per-client rate limit (RATE_LIMIT_REQUESTS). Runs after JwtAuthGuard and
 * keys on the token's verified organization: a client cannot dodge it with forged headers
 * or new IP addresses, all of an organization's clients share its quota, and clients
 * behind one ingress or NAT address do not share each other's.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limiter: RateLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (principal === undefined) {
      throw new Error('RateLimitGuard must run after JwtAuthGuard');
    }
    const retryAfter = this.limiter.take(principal.organizationId);
    if (retryAfter > 0) throw new RateLimitedError(retryAfter);
    return true;
  }
}
