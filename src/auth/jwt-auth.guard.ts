import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InsufficientScopeError, InvalidTokenError } from '../common/errors/api-error.js';
import { ACCESS_RULE, type AccessRule } from './access-rule.js';
import type { AuthenticatedRequest } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

const BEARER = /^Bearer +([^\s]+) *$/i;

/** 401 for any token problem, then 403 when the route's scope is missing. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Node keeps only the first of repeated Authorization headers, a proxy may check the
    // last: with more than one, nobody can tell which token the request carries.
    const headers = request.headersDistinct.authorization;
    if (headers === undefined)
      throw new InvalidTokenError('A bearer token is required', 'missing_token');
    if (headers.length > 1) {
      throw new InvalidTokenError(
        'The request must carry exactly one Authorization header',
        'multiple_authorization_headers',
      );
    }
    const header = headers[0];
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
      throw new InvalidTokenError(
        'The Authorization header must be "Bearer <token>"',
        'malformed_token',
      );
    }

    const principal = await this.verifier.verify(token);

    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_RULE, context.getHandler());
    if (rule && !principal.scopes.has(rule.scope)) throw new InsufficientScopeError(rule.scope);
    request.principal = principal;
    return true;
  }
}
