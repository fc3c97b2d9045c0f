import { type DevTokenSettings, READ_SCOPE, signDevToken } from '../token/dev-tokens.js';
import type { AppConfig } from '../../config/app-config.js';
import { DEMO_CONNECTED_HOST, DEMO_GUEST, type DemoOrganization } from './demo-dataset.js';

const DEMO_TOKEN_TTL_SECONDS = 24 * 3600;

function curl(
  baseUrl: string,
  token: string,
  requester: DemoOrganization,
  target: DemoOrganization,
): string {
  return [
    `curl -s '${baseUrl}/host-connections?statuses=connected&limit=10&offset=0' \\`,
    `    -H 'Authorization: Bearer ${token}' \\`,
    `    -H 'Requester-Organization-ID: ${requester.id}' \\`,
    `    -H 'Target-Organization-ID: ${target.id}'`,
  ].join('\n');
}

function tokenFor(settings: DevTokenSettings, organization: DemoOrganization): Promise<string> {
  return signDevToken(settings, {
    organizationId: organization.id,
    scope: READ_SCOPE,
    subject: 'demo',
    ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
  });
}

/** What `npm start` prints once the service answers: where to look and what to paste. */
export async function demoBanner(config: AppConfig, databaseUrl: string): Promise<string> {
  const baseUrl = `http://localhost:${config.PORT}`;
  const lines = [
    '',
    `host-connections is running at ${baseUrl} (demo mode: embedded PostgreSQL)`,
    '',
    `  Swagger UI:  ${baseUrl}/docs   (both organization headers default to ${DEMO_GUEST.name})`,
    '',
    '  Demo organizations:',
    `    ${DEMO_GUEST.id}  ${DEMO_GUEST.name} (guest)`,
    `    ${DEMO_CONNECTED_HOST.id}  ${DEMO_CONNECTED_HOST.name} (a connected host of ${DEMO_GUEST.name})`,
    '',
  ];
  if (config.JWT_SECRET === undefined) {
    lines.push(
      '  Tokens come from the identity provider configured by JWT_PUBLIC_KEY or JWKS_URL.',
      '',
    );
  } else {
    const settings: DevTokenSettings = {
      secret: config.JWT_SECRET,
      orgClaim: config.JWT_ORG_CLAIM,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    };
    lines.push(
      `  ${DEMO_GUEST.name} lists its own hosts (self request):`,
      '',
      `  ${curl(baseUrl, await tokenFor(settings, DEMO_GUEST), DEMO_GUEST, DEMO_GUEST)}`,
      '',
      `  ${DEMO_CONNECTED_HOST.name}, a connected host, reads ${DEMO_GUEST.name}'s list and sees only its own row (cross-organization request):`,
      '',
      `  ${curl(baseUrl, await tokenFor(settings, DEMO_CONNECTED_HOST), DEMO_CONNECTED_HOST, DEMO_GUEST)}`,
      '',
      '  The tokens are HS256 and valid for 24 hours; mint others with: npm run token -- --org <uuid>',
    );
  }
  lines.push(
    `  Import a file into this database: DATABASE_URL=${databaseUrl} npm run db:import -- <file.json>`,
    '  Stop with Ctrl-C.',
    '',
  );
  return lines.join('\n');
}
