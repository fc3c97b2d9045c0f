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
    const header = request.headers.authorization;
    if (header === undefined)
      throw new InvalidTokenError('A bearer token is required', 'missing_token');
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
