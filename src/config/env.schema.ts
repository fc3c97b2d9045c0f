import { plainToInstance, Transform } from 'class-transformer';
import { createPublicKey } from 'node:crypto';
import {
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

// Environment values are strings; only plain ASCII digits become numbers, so "1e3",
// "0x10" or "" fail validation instead of turning into surprising values.
const ToInt = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value,
  );

const EmptyAsUnset = () =>
  Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;

export class EnvironmentVariables {
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  @MinLength(1)
  HOST: string = '0.0.0.0';

  @EmptyAsUnset()
  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @EmptyAsUnset()
  @IsOptional()
  @IsString()
  DATABASE_REPLICA_URLS?: string;

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

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

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
}

export class ConfigurationError extends Error {}

function describe(error: ValidationError): string {
  const reasons = Object.values(error.constraints ?? {});
  return reasons.length > 0 ? reasons[0] : `${error.property} is invalid`;
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
