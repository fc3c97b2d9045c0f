import fc from 'fast-check';
import {
  ORDER_DIRECTIONS,
  ORDER_FIELDS,
  SEARCH_FIELDS,
} from '../../src/host-connections/dto/list-host-connections.query.dto.js';
import {
  ACTION_TYPES,
  CONNECTION_STATUSES,
} from '../../src/host-connections/entities/host-connection.entity.js';
import type { RawRequest } from './raw-http.js';

// Generators of hostile requests to GET /host-connections, written as raw bytes.

export const QUERY_KEYS = [
  'statuses',
  'search_field',
  'search_text',
  'order_by',
  'order_dir',
  'archived',
  'active_action_types',
  'limit',
  'offset',
] as const;

export const PROTOTYPE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
] as const;

export const SQL_PAYLOADS = [
  "'; drop table host_connections; --",
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  '1; SELECT pg_sleep(10)',
  "connected'; DELETE FROM organizations; --",
  "%' OR guest_organization_id IS NOT NULL --",
  "\\'; DROP TABLE organizations; --",
  '$$; DROP TABLE host_connections; $$',
  '1 UNION SELECT id, name, email FROM organizations --',
  'host_name; DROP TABLE host_connections',
  'host_name DESC, (SELECT 1/0)',
  "' || (SELECT current_setting('server_version')) || '",
  'connected::text',
  "00000000-0000-0000-0000-000000000000' OR '1'='1",
] as const;

// Invalid or surprising percent-encodings: truncated, non-hex, overlong, surrogates,
// beyond U+10FFFF, NUL and CR LF.
const PERCENT_TRAPS = [
  '%',
  '%%',
  '%G0',
  '%F',
  '%FF',
  '%C0%AF',
  '%E0%A4',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%00',
  '%0D%0A',
  '%u0041',
  '%2',
  '%C3',
  '%2e%2e%2f',
];

const VALID_VALUES: readonly string[] = [
  ...CONNECTION_STATUSES,
  'connected,disconnected',
  ...SEARCH_FIELDS,
  ...ORDER_FIELDS,
  ...ORDER_DIRECTIONS,
  ...ACTION_TYPES,
  'true',
  'FALSE',
  '1',
  '0',
  '10',
  '100',
  '101',
  '9007199254740991',
  '9007199254740992',
  'Acme',
  '%',
  '_',
  '\\',
];

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes the UTF-8 bytes of `text` (lone surrogates become U+FFFD). */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += UNRESERVED.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** The UTF-8 bytes of `text` as a latin1 string: what goes on the wire unencoded. */
export function rawBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

const controlCharacters = fc.string({
  unit: fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 4,
});

const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VALID_VALUES) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SQL_PAYLOADS) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  { weight: 1, arbitrary: controlCharacters },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', '😀', '%', ','), fc.integer({ min: 200, max: 3000 }))
      .map(([unit, count]) => unit.repeat(count)),
  },
);

type Encoding = 'percent' | 'raw' | 'broken';

const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { weight: 16, arbitrary: fc.constant('percent' as const) },
  { weight: 1, arbitrary: fc.constant('raw' as const) },
  { weight: 2, arbitrary: fc.constant('broken' as const) },
);

const encodedText = (source: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .record({
      value: source,
      how: encoding,
      trap: fc.constantFrom(...PERCENT_TRAPS),
      at: fc.nat(),
    })
    .map(({ value, how, trap, at }) => {
      if (how === 'raw') return rawBytes(value);
      const encoded = percentEncode(value);
      if (how === 'percent') return encoded;
      const cut = at % (encoded.length + 1);
      return encoded.slice(0, cut) + trap + encoded.slice(cut);
    });

const key: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...QUERY_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...QUERY_KEYS, ...PROTOTYPE_KEYS),
        fc.constantFrom('[]', '[0]', '[__proto__]', '[$ne]', '[a][b]', '.x'),
      )
      .map(([name, suffix]) => name + suffix),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...SQL_PAYLOADS) },
);

const pair: fc.Arbitrary<string> = fc
  .record({
    key: encodedText(key),
    value: encodedText(text),
    form: fc.constantFrom('k=v', 'k=v', 'k=v', 'k', 'k=', '=v', 'k==v'),
  })
  .map(({ key: k, value: v, form }) => form.replace('k', k).replace('v', v));

const repeatedPair: fc.Arbitrary<string> = fc
  .record({
    key: fc.constantFrom(...QUERY_KEYS, ...PROTOTYPE_KEYS),
    value: fc.constantFrom(...VALID_VALUES).map(percentEncode),
    times: fc.integer({ min: 2, max: 600 }),
  })
  .map(({ key: k, value, times }) =>
    Array.from({ length: times }, () => `${k}=${value}`).join('&'),
  );

// Valid parameters with free-form search text: random Unicode, SQL and LIKE wildcards
// that must reach the database as literal text.
const validPair: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 255 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }),
        fc.constantFrom(...SQL_PAYLOADS, '%', '_', '\\', "O'Brien", '100%_off'),
      )
      .map((value) => `search_text=${percentEncode(value)}`),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('search_field', 'order_by', 'order_dir', 'archived', 'active_action_types'),
        fc.nat(),
      )
      .map(([name, at]) => {
        const values: Record<string, readonly string[]> = {
          search_field: SEARCH_FIELDS,
          order_by: ORDER_FIELDS,
          order_dir: ORDER_DIRECTIONS,
          archived: ['true', 'false', 'TRUE', '0', '1'],
          active_action_types: [...ACTION_TYPES, ACTION_TYPES.join(',')],
        };
        return `${name}=${values[name][at % values[name].length]}`;
      }),
  },
);

const VALID_BASE = 'statuses=connected&limit=10&offset=0';

const query: fc.Arbitrary<string> = fc
  .record({
    base: fc.oneof(
      { weight: 3, arbitrary: fc.constant(VALID_BASE) },
      { weight: 1, arbitrary: fc.constant('') },
    ),
    pairs: fc.oneof(
      { weight: 2, arbitrary: fc.constant([]) },
      {
        weight: 3,
        arbitrary: fc.array(
          fc.oneof(
            { weight: 7, arbitrary: validPair },
            { weight: 3, arbitrary: pair },
            { weight: 1, arbitrary: repeatedPair },
          ),
          { maxLength: 4 },
        ),
      },
    ),
    separator: fc.constantFrom('&', '&', '&', '&&', ';', '&amp;'),
  })
  .map(({ base, pairs, separator }) => [base, ...pairs].filter(Boolean).join(separator));

const path: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: fc.constant('/host-connections') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '/host-connections/',
      '/HOST-CONNECTIONS',
      '//host-connections',
      '/host-connections;x=1',
      '/host-connections/%FF',
      '/host-connections/..',
      '/host-connections/./',
      '/host-connections%2F..%2Fdocs',
      '/host-connections/%2e%2e/%2e%2e/etc/passwd',
      '/host-connections/__proto__',
      '/host-connections/constructor',
      '/host-connections%00',
      '/host-connections/%E0%A4%A',
      '*',
      'http://127.0.0.1/host-connections',
    ),
  },
  {
    weight: 2,
    arbitrary: encodedText(fc.string({ maxLength: 30 })).map((s) => `/host-connections/${s}`),
  },
);

export interface Identities {
  tokens: readonly string[];
  organizationIds: readonly string[];
}

const jsonSegment = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens that look like JWTs but are unsigned, re-signed by no one, or nonsense. */
const forgedToken: fc.Arbitrary<string> = fc
  .record({
    alg: fc.constantFrom('none', 'None', 'HS256', 'RS256', 'ES256', '', 'HS512'),
    extra: fc.dictionary(
      fc.constantFrom('kid', 'jku', 'x5u', 'jwk', 'crit', 'b64', 'typ'),
      fc.oneof(fc.string(), fc.constantFrom('../../../dev/null', "' OR 1=1 --")),
    ),
    payload: fc.dictionary(
      fc.constantFrom('org_id', 'scope', 'exp', 'sub', 'nbf', '__proto__'),
      fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    ),
    signature: fc.constantFrom('', 'AAAA', 'signature'),
  })
  .map(
    ({ alg, extra, payload, signature }) =>
      `${jsonSegment({ alg, ...extra })}.${jsonSegment(payload)}.${signature}`,
  );

// Header values go on the wire as latin1: mostly printable ASCII, sometimes the UTF-8 bytes
// of any text (control characters, obs-text). Never CR or LF: those would frame a second
// request, a request-smuggling test of Node's parser rather than of this service.
const headerText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map(rawBytes) },
  )
  .map((value) => value.replace(/[\r\n]/g, ''));

// Header values are chosen relative to the caller: `Pick(own)` is the caller's own token
// or organization most of the time, so most requests get past authentication.
type Pick = (own: string) => string;
type MaybePick = (own: string) => string | undefined;

function ownOrAny(values: readonly string[], ownWeight: number): fc.Arbitrary<Pick> {
  return fc.oneof(
    { weight: ownWeight, arbitrary: fc.constant((own: string) => own) },
    { weight: 1, arbitrary: fc.constantFrom(...values).map((value) => () => value) },
  );
}

const fixed =
  (value: string | undefined): MaybePick =>
  () =>
    value;

function authorization(identities: Identities): fc.Arbitrary<MaybePick> {
  const valid = ownOrAny(identities.tokens, 6);
  return fc.oneof(
    { weight: 12, arbitrary: valid.map((pick) => (own: string) => `Bearer ${pick(own)}`) },
    { weight: 1, arbitrary: fc.constant(fixed(undefined)) },
    { weight: 1, arbitrary: valid.map((pick) => (own: string) => `bearer   ${pick(own)}`) },
    { weight: 1, arbitrary: valid.map((pick) => (own: string) => `Basic ${pick(own)}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.constantFrom('A', '-', '_', '.', '=', ' ', '%'))
        .map(([pick, at, char]) => (own: string) => {
          const token = pick(own);
          const i = at % token.length;
          return `Bearer ${token.slice(0, i)}${char}${token.slice(i + 1)}`;
        }),
    },
    { weight: 2, arbitrary: forgedToken.map((token) => fixed(`Bearer ${token}`)) },
    { weight: 1, arbitrary: headerText.map((value) => fixed(`Bearer ${value}`)) },
    { weight: 1, arbitrary: headerText.map(fixed) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 8000, max: 12000 }).map((n) => fixed(`Bearer ${'a'.repeat(n)}`)),
    },
  );
}

function organizationHeader(identities: Identities): fc.Arbitrary<MaybePick> {
  const valid = ownOrAny(identities.organizationIds, 3);
  return fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 1, arbitrary: valid.map((pick) => (own: string) => pick(own).toUpperCase()) },
    {
      weight: 1,
      arbitrary: valid.map((pick) => (own: string) => ` ${pick(own)}, ${pick(own)}`),
    },
    { weight: 1, arbitrary: fc.uuid().map(fixed) },
    { weight: 1, arbitrary: fc.constant(fixed(undefined)) },
    { weight: 1, arbitrary: fc.constantFrom(...SQL_PAYLOADS).map(fixed) },
    { weight: 1, arbitrary: headerText.map(fixed) },
  );
}

const extraHeaders = fc.array(
  fc.tuple(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
      fc.constantFrom(
        'X-Forwarded-For',
        'X-Original-URL',
        'X-HTTP-Method-Override',
        'Content-Type',
        'Accept',
        'Accept-Encoding',
        'Cookie',
        'Origin',
        'Range',
        'Expect',
        'Transfer-Encoding',
      ),
    ),
    headerText,
  ),
  { maxLength: 3 },
);

export function hostileRequest(identities: Identities): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      caller: fc.nat(identities.tokens.length - 1),
      method: fc.oneof(
        { weight: 40, arbitrary: fc.constant('GET') },
        {
          weight: 3,
          arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'),
        },
        { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,8}$/) },
      ),
      path,
      query: fc.option(query, { freq: 10, nil: undefined }),
      authorization: authorization(identities),
      requester: organizationHeader(identities),
      target: organizationHeader(identities),
      extra: extraHeaders,
      body: fc.option(fc.string({ maxLength: 200 }), { freq: 8, nil: undefined }),
    })
    .map((parts) => {
      const token = identities.tokens[parts.caller];
      const organizationId = identities.organizationIds[parts.caller];
      const headers: Array<[string, string]> = [];
      const add = (name: string, value: string | undefined) => {
        if (value !== undefined) headers.push([name, value]);
      };
      add('Authorization', parts.authorization(token));
      add('Requester-Organization-ID', parts.requester(organizationId));
      add('Target-Organization-ID', parts.target(organizationId));
      headers.push(...parts.extra);
      const request: RawRequest = {
        method: parts.method,
        target: parts.query === undefined ? parts.path : `${parts.path}?${parts.query}`,
        headers,
        body: parts.body === undefined ? undefined : rawBytes(parts.body),
      };
      return Object.assign(request, { [fc.toStringMethod]: () => abbreviated(request) });
    });
}

// Counterexamples can be megabytes long; a report shows the start of each long part.
function abbreviated(request: RawRequest): string {
  return JSON.stringify(request, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 300
      ? `${value.slice(0, 300)}… (${value.length} characters)`
      : value,
  );
}
