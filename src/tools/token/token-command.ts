import { parseArgs } from 'node:util';
import { type CommandOutput, runCommand, UsageError } from '../run-cli.js';
import { normalizeUuid } from '../../common/validation/uuid.js';
import { demoDataDirectory } from '../../config/data-directory.js';
import {
  devSecretFile,
  type DevTokenSettings,
  READ_SCOPE,
  readDevSecret,
  signDevToken,
  WRITE_SCOPE,
} from './dev-tokens.js';

export const USAGE = `Usage: npm run token -- --org <uuid> [--scope read|write|"read write"|<scopes>] [--ttl 1h] [--sub name]
Prints an HS256 access token signed with JWT_SECRET, or else with the dev secret of npm start.
--scope read (the default) is ${READ_SCOPE}, write is ${WRITE_SCOPE}; other scope names are kept as given.`;

// The service's own scopes by their short names; any other scope name is passed through.
const SCOPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['read', READ_SCOPE],
  ['write', WRITE_SCOPE],
]);

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const MAX_TTL_SECONDS = 30 * 86_400;
// RFC 6749 §3.3 scope-token characters, space separated.
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;
const SUBJECT = /^[^\p{Cc}]{1,255}$/u;

function ttlSeconds(text: string): number {
  const match = /^([1-9]\d{0,6})([smhd])$/.exec(text);
  const seconds = match === null ? NaN : Number(match[1]) * UNIT_SECONDS[match[2]];
  if (!(seconds <= MAX_TTL_SECONDS)) {
    throw new UsageError(
      `--ttl must be a duration such as 90s, 15m, 1h or 7d, at most 30d\n${USAGE}`,
    );
  }
  return seconds;
}

function parse(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        org: { type: 'string' },
        scope: { type: 'string', default: 'read' },
        ttl: { type: 'string', default: '1h' },
        sub: { type: 'string', default: 'dev-token' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.org === undefined) throw new UsageError(`--org is required\n${USAGE}`);
  const organizationId = normalizeUuid(values.org);
  if (organizationId === undefined) {
    throw new UsageError(
      `--org must be an organization UUID, got "${values.org.slice(0, 60)}"\n${USAGE}`,
    );
  }
  if (!SCOPE.test(values.scope) || values.scope.length > 1000) {
    throw new UsageError(`--scope must be scope names separated by single spaces\n${USAGE}`);
  }
  if (!SUBJECT.test(values.sub)) {
    throw new UsageError(`--sub must be 1 to 255 printable characters\n${USAGE}`);
  }
  return {
    organizationId,
    scope: values.scope
      .split(' ')
      .map((name) => SCOPE_ALIASES.get(name) ?? name)
      .join(' '),
    subject: values.sub,
    ttlSeconds: ttlSeconds(values.ttl),
  };
}

/** The service's own key settings, so the token passes its checks (claim name, iss, aud). */
async function signingSettings(env: NodeJS.ProcessEnv): Promise<DevTokenSettings> {
  const claims = {
    orgClaim: env.JWT_ORG_CLAIM || undefined,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
  };
  if (env.JWT_SECRET) {
    if (env.JWT_SECRET.length < 32) {
      throw new UsageError('JWT_SECRET must be at least 32 characters long');
    }
    return { secret: env.JWT_SECRET, ...claims };
  }
  if (env.JWT_PUBLIC_KEY || env.JWKS_URL) {
    throw new UsageError(
      'The service is configured with JWT_PUBLIC_KEY or JWKS_URL: its tokens come from the identity provider. This tool signs HS256 tokens for JWT_SECRET or the dev secret only.',
    );
  }
  const dataDirectory = demoDataDirectory(env);
  const secret = await readDevSecret(dataDirectory);
  if (secret === undefined) {
    throw new UsageError(
      `JWT_SECRET is not set and there is no dev secret in ${devSecretFile(dataDirectory)} yet: run npm start once, or set JWT_SECRET.`,
    );
  }
  return { secret, ...claims };
}

/** `npm run token`: the token on stdout (so it can be captured), what it grants on stderr. */
export function runTokenCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
): Promise<number> {
  return runCommand('Token', output, async () => {
    const request = parse(args);
    const token = await signDevToken(await signingSettings(env), request);
    output.out(token);
    const expires = new Date(Date.now() + request.ttlSeconds * 1000).toISOString();
    output.err(
      `HS256 token for organization ${request.organizationId}, scope "${request.scope}", subject "${request.subject}", valid until ${expires}`,
    );
    return 0;
  });
}
