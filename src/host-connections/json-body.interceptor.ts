import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { ApiError } from '../common/errors/api-error.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** What the interceptor found in the body: a JSON value, or text that is not JSON. */
export type JsonBody = { parsed: true; value: unknown } | { parsed: false };

export interface JsonBodyRequest extends Request {
  jsonBody?: JsonBody;
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(msg: string) {
    super(HttpStatus.UNSUPPORTED_MEDIA_TYPE, [
      {
        loc: ['header', 'content-type'],
        msg,
        type: 'unsupported_media_type',
        code: 'unsupported_media_type',
      },
    ]);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor() {
    super(
      HttpStatus.PAYLOAD_TOO_LARGE,
      [
        {
          loc: ['body'],
          msg: `The request body must be at most ${MAX_BODY_BYTES} bytes`,
          type: 'payload_too_large',
          code: 'payload_too_large',
        },
      ],
      // The rest of the body is not worth reading: the connection goes instead.
      { Connection: 'close' },
    );
  }
}

// `application/json`, with at most a UTF-8 charset parameter (RFC 8259 §8.1: JSON is UTF-8).
const JSON_MEDIA_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Reads the JSON body of the route it decorates, after the guards: a request that is not
 * authenticated and authorized never has its body read, and no other route parses one.
 * 415 for another media type or a compressed body, 413 above MAX_BODY_BYTES; text that is
 * not JSON is left for the route's validation to report with the other invalid inputs.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<JsonBodyRequest>();
    request.jsonBody = await readJsonBody(request);
    return next.handle();
  }
}

async function readJsonBody(request: Request): Promise<JsonBody> {
  const contentType = request.headers['content-type'];
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new UnsupportedMediaTypeError('The request body must be application/json');
  }
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new UnsupportedMediaTypeError('The request body must not be compressed');
  }
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError();
  }

  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) throw new PayloadTooLargeError();
    chunks.push(chunk);
  }
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return { parsed: true, value: JSON.parse(text.decode(Buffer.concat(chunks))) as unknown };
  } catch {
    // Invalid UTF-8 or invalid JSON: either way, not a JSON text.
    return { parsed: false };
  }
}
