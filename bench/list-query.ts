import { parse as parseQueryString } from 'node:querystring';
import { RequestValidationError } from '../src/common/errors/api-error.js';
import { QueryIssue } from '../src/common/validation/query-issue.js';
import { declaredParameters } from '../src/common/validation/validation.pipe.js';
import {
  parseBoolean,
  parseEnum,
  parseEnumArray,
  parseInteger,
  parseText,
  type RawQueryValue,
} from '../src/common/validation/query-parsers.js';
import {
  MAX_LIMIT,
  MAX_OFFSET,
  ORDER_DIRECTIONS,
  ORDER_FIELDS,
  SEARCH_FIELDS,
  ListHostConnectionsQueryDto,
} from '../src/host-connections/dto/list-host-connections.query.dto.js';
import {
  ACTION_TYPES,
  CONNECTION_STATUSES,
} from '../src/host-connections/entities/host-connection.entity.js';

// The service's own parsers applied directly, without class-transformer/class-validator:
// what parsing the query costs at the least.
function valueOf<T>(name: string, parsed: T | QueryIssue): T {
  if (parsed instanceof QueryIssue) {
    throw new RequestValidationError([
      { loc: ['query', name], msg: parsed.msg, type: parsed.type, code: parsed.code },
    ]);
  }
  return parsed;
}

// Read once from the DTO, as the service's ValidationPipe does.
const KNOWN_PARAMETERS = declaredParameters(ListHostConnectionsQueryDto);

export function parseListQuery(search: string): ListHostConnectionsQueryDto {
  const raw = parseQueryString(search) as Record<string, RawQueryValue>;
  for (const name of Object.keys(raw))
    if (!KNOWN_PARAMETERS.has(name)) valueOf(name, new QueryIssue('extra_forbidden', '', ''));
  const optional = <T>(name: string, parse: (value: RawQueryValue) => T | QueryIssue) =>
    raw[name] === undefined ? undefined : valueOf(name, parse(raw[name]));
  return {
    statuses: valueOf('statuses', parseEnumArray(raw.statuses, CONNECTION_STATUSES)),
    search_field: optional('search_field', (v) => parseEnum(v, SEARCH_FIELDS)) ?? 'host_name',
    search_text: optional('search_text', (v) => parseText(v, 1, 255)),
    order_by: optional('order_by', (v) => parseEnum(v, ORDER_FIELDS)) ?? 'host_name',
    order_dir: optional('order_dir', (v) => parseEnum(v, ORDER_DIRECTIONS)) ?? 'asc',
    archived: optional('archived', parseBoolean),
    active_action_types: optional('active_action_types', (v) => parseEnumArray(v, ACTION_TYPES)),
    limit: valueOf('limit', parseInteger(raw.limit, 0, MAX_LIMIT)),
    offset: valueOf('offset', parseInteger(raw.offset, 0, MAX_OFFSET)),
  };
}
