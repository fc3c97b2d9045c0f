import { runCli } from '../run-cli.js';
import { runTokenCommand, USAGE } from './token-command.js';

const HELP = `${USAGE}

  --org <uuid>    the organization the token acts for (its org_id claim); required
  --scope "..."   space-separated scopes (default: host_connections:read)
  --ttl <n><unit> lifetime: s, m, h or d, at most 30d (default: 1h)
  --sub <name>    the token's subject (default: dev-token)

The token goes to stdout, a description of it to stderr.
Environment: JWT_SECRET (else the demo's secret in DEMO_DATA_DIR, default .data),
JWT_ORG_CLAIM, JWT_ISSUER, JWT_AUDIENCE: the claims the service then checks.`;

runCli(HELP, runTokenCommand);
