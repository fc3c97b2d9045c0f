import { plainToInstance, Transform } from 'class-transformer';
import { createPublicKey } from 'node:crypto';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  type ValidationError,
} from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

// Environment values are strings; only plain ASCII digits become numbers, so "1e3",
// "0x10" or "" fail validation instead of turning into surprising values.
const ToInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  );

// Only the spellings an operator means: anything else stays a string and fails @IsBoolean.
const BOOLEAN_SPELLINGS: Record<string, boolean> = {
  true: true,
  '1': true,
  false: false,
  '0': false,
};
const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.toLowerCase() in BOOLEAN_SPELLINGS
      ? BOOLEAN_SPELLINGS[value.toLowerCase()]
      : value,
  );

// As ToInt, for a variable whose absence means something: an empty value is unset too.
const ToOptionalInt = () =>
  Transform(({ value }: { value: unknown }) => {
    if (value === '') return undefined;
    return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  });

const EmptyAsUnset = () =>
  Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

// A comma-separated list; blanks around commas and empty entries are ignored.
const ToList = (normalize: (item: string) => string = (item) => item) =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => normalize(item.trim()))
          .filter((item) => item !== '')
      : value,
  );

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
// Browsers send the Origin header as scheme://host[:port], lower-case, without a path.
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/;

export class EnvironmentVariables {
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  // GET /metrics is served on this port only, not on PORT: the API port faces clients, this
  // one only Prometheus (the NetworkPolicy admits it alone). 0 picks a free port.
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT: number = 9464;

  @IsString()
  @MinLength(1)
  HOST: string = '0.0.0.0';

  @EmptyAsUnset()
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  // Read replicas for the list queries; the primary (DATABASE_URL) keeps everything else.
  @ToList()
  @IsArray()
  @ArrayMaxSize(16)
  @Matches(POSTGRES_URL, {
    each: true,
    message: 'DATABASE_REPLICA_URLS must be a comma-separated list of postgres:// URLs',
  })
  DATABASE_REPLICA_URLS: string[] = [];

  @ToInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE: number = 10;

  @ToInt()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS: number = 5000;

  @ToInt()
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 2000;

  // How long the client waits for a statement's answer before giving up with a 503; it
  // catches a hung server or a cut network, which no server-side timeout can. Unset: the
  // statement timeout plus the connect timeout (a fixed value when the statement timeout is
  // 0, as behind PgBouncer); 0 disables it.
  @ToOptionalInt()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_QUERY_TIMEOUT_MS?: number;

  // Request line plus headers; Node's default. Bounds what one connection can make the
  // parser hold, with room for an 8 KB token.
  @ToInt()
  @IsInt()
  @Min(1024)
  @Max(1_048_576)
  MAX_HEADER_BYTES: number = 16_384;

  // A valid request to this API fits in about 3.5 KB, even with a 255-character search
  // text of 4-byte characters percent-encoded.
  @ToInt()
  @IsInt()
  @Min(256)
  @Max(1_048_576)
  MAX_URL_LENGTH: number = 8192;

  // 0 disables the cap.
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  MAX_IN_FLIGHT_REQUESTS: number = 256;

  // An idle keep-alive connection stays open this long: above the 60 s idle timeout of
  // common load balancers, so they never reuse a socket the service is closing (502s).
  @ToInt()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number = 65_000;

  // Time to receive a request's headers; must exceed the keep-alive timeout.
  @ToInt()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_HEADERS_TIMEOUT_MS: number = 66_000;

  // Time to receive a whole request, body included: bounds slow clients (slowloris).
  @ToInt()
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS: number = 30_000;

  // Requests per organization per RATE_LIMIT_WINDOW_SECONDS in each pod; 0 (the default)
  // disables the rate limit.
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_REQUESTS: number = 0;

  @ToInt()
  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_WINDOW_SECONDS: number = 60;

  // The OTLP/HTTP collector's base URL (spans go to <url>/v1/traces); tracing is off, and
  // its SDK not even loaded, unless it is set.
  @EmptyAsUnset()
  @IsOptional()
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL' },
  )
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  // On by default: the document is the public contract and holds no secrets. Turn it off
  // where a gateway or portal publishes the API description instead.
  @ToBoolean()
  @IsBoolean({ message: 'SWAGGER_ENABLED must be true or false' })
  SWAGGER_ENABLED: boolean = true;

  // pretty needs the pino-pretty devDependency: the demo uses it, the image does not have it.
  @IsIn(LOG_FORMATS)
  LOG_FORMAT: LogFormat = 'json';

  // How long in-flight requests may take to finish after SIGTERM before their sockets are
  // closed; the Deployment's terminationGracePeriodSeconds leaves room for it.
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_GRACE_PERIOD_MS: number = 10_000;

  // Browser origins allowed to call the API; none by default (CORS closed).
  @ToList((origin) => origin.toLowerCase())
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(ORIGIN, {
    each: true,
    message: 'CORS_ORIGINS must be a comma-separated list of origins like https://app.example.com',
  })
  CORS_ORIGINS: string[] = [];

  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  // Env files often carry a PEM on one line with literal "\n" separators.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value !== '' ? value.replace(/\\n/g, '\n') : undefined,
  )
  @IsOptional()
  @Matches(/-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/, {
    message: 'JWT_PUBLIC_KEY must be a PEM public key (-----BEGIN PUBLIC KEY-----)',
  })
  JWT_PUBLIC_KEY?: string;

  @EmptyAsUnset()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  JWKS_URL?: string;

  @ToInt()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  JWKS_COOLDOWN_MS: number = 30_000;

  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @IsString()
  @MinLength(1)
  @MaxLength(100)
  JWT_ORG_CLAIM: string = 'org_id';

  // RFC 9068 access tokens say typ "at+jwt"; some identity providers issue "JWT" or no typ.
  // Other types (id_token+jwt, dpop+jwt, ...) are refused whatever this says.
  @ToBoolean()
  @IsBoolean({ message: 'JWT_ALLOW_GENERIC_TYP must be true or false' })
  JWT_ALLOW_GENERIC_TYP: boolean = false;
}

export class ConfigurationError extends Error {}

// A value of the wrong kind fails its range checks too; report the kind first.
const TYPE_CONSTRAINTS = ['isInt', 'isString', 'isIn', 'matches', 'isUrl'];

function describe(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  const typeProblem = TYPE_CONSTRAINTS.find((name) => constraints[name] !== undefined);
  return (
    constraints[typeProblem ?? ''] ??
    Object.values(constraints)[0] ??
    `${error.property} is invalid`
  );
}

/**
 * Validates the environment once at start-up. Values are never echoed back: some of
 * them are secrets.
 */
export function validateEnvironment(raw: NodeJS.ProcessEnv): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  const keySources = (['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWKS_URL'] as const).filter(
    (name) => env[name] !== undefined,
  );
  const problems = errors.map(describe);
  if (keySources.length !== 1) {
    problems.push(
      `exactly one of JWT_SECRET, JWT_PUBLIC_KEY, JWKS_URL must be set (found ${keySources.length === 0 ? 'none' : keySources.join(', ')})`,
    );
  }
  if (problems.length === 0 && env.HTTP_HEADERS_TIMEOUT_MS <= env.HTTP_KEEP_ALIVE_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS');
  }
  if (problems.length === 0 && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    problems.push('METRICS_PORT must differ from PORT');
  }
  if (
    env.JWT_PUBLIC_KEY !== undefined &&
    problems.length === 0 &&
    !isUsablePublicKey(env.JWT_PUBLIC_KEY)
  ) {
    problems.push(
      'JWT_PUBLIC_KEY must be an RSA, EC (P-256/384/521) or Ed25519 public key in PEM form',
    );
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return env;
}

const USABLE_KEY_TYPES = new Set(['rsa', 'rsa-pss', 'ec', 'ed25519']);

function isUsablePublicKey(pem: string): boolean {
  try {
    return USABLE_KEY_TYPES.has(createPublicKey(pem).asymmetricKeyType ?? '');
  } catch {
    return false;
  }
}
