import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import type { HostConnectionDto } from './dto/host-connection.response.dto.js';
import { entityTagOf } from './entity-tag.js';

/** Sends the ETag of the connection a handler answers with. */
@Injectable()
export class EntityTagInterceptor implements NestInterceptor<HostConnectionDto> {
  intercept(
    context: ExecutionContext,
    next: CallHandler<HostConnectionDto>,
  ): Observable<HostConnectionDto> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((connection) => {
        response.setHeader('ETag', entityTagOf(connection));
        return connection;
      }),
    );
  }
}
