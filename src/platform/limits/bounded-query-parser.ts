import { parse, type ParsedUrlQuery } from 'node:querystring';
import { RequestValidationError } from '../../common/errors/api-error.js';

// Far above the API's dozen parameters, far below where node:querystring stops reading
// (1,000 keys) and would silently drop the rest.
export const MAX_QUERY_PARAMETERS = 100;

/**
 * Express's "query parser": the same parsing as its default ("simple"), but a query string
 * with more than MAX_QUERY_PARAMETERS `&`-separated pairs (empty ones included) is refused
 * instead of cut short. Express parses lazily, when a handler first reads the query, so the
 * refusal comes after the token and organization checks, in the contract's order.
 */
export function parseBoundedQuery(query: string | null | undefined): ParsedUrlQuery {
  if (!query) return parse('');
  let pairs = 1;
  for (let at = query.indexOf('&'); at !== -1; at = query.indexOf('&', at + 1)) {
    pairs += 1;
    if (pairs > MAX_QUERY_PARAMETERS) {
      throw new RequestValidationError([
        {
          loc: ['query'],
          msg: `At most ${MAX_QUERY_PARAMETERS} query parameters are accepted`,
          type: 'value_error',
          code: 'too_many_parameters',
        },
      ]);
    }
  }
  return parse(query);
}
