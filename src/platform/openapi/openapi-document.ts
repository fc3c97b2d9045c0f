import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_VERSION } from '../package-version.js';

const BEARER_SCHEME = 'bearer';

const DESCRIPTION = `
A guest organization lists the host organizations it is connected to.

**Trying it out.** \`npm start\` prints demo tokens and organization IDs; \`npm run token -- --org <uuid>\`
signs a token for \`JWT_SECRET\`. Click **Authorize**, paste the token (without \`Bearer\`),
then use **Try it out** on the operation below. The token is remembered across reloads.

**Authentication.** Every request carries \`Authorization: Bearer <JWT>\` (RFC 9068 access token)
with the scope \`host_connections:read\` and an \`org_id\` claim naming the caller's organization.

**Organization headers.** \`Requester-Organization-ID\` must equal the token's \`org_id\`;
\`Target-Organization-ID\` names the guest organization whose hosts are listed. Three scenarios:
- **Self**: target equals requester. The organization lists all its own hosts.
- **Host**: the requester is a host of the target, with a \`connected\` connection. It sees only
  its own row in the target's list, never the target's other hosts.
- **Guest**: the requester is a guest of the target, with a \`connected\` connection. It sees
  only rows in which it is itself the host (none unless the target is also its guest).

Any other combination is refused with 403. Every row returned belongs to the target organization.

**Errors** share one body: \`{"detail": [{"loc", "msg", "type", "code"}]}\`, one entry per invalid input.
`.trim();

/** The OpenAPI document, generated from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Host connections')
    .setVersion(SERVICE_VERSION)
    .setDescription(DESCRIPTION)
    .addTag('host-connections', 'Which host organizations a guest organization is connected to.')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'Bearer authentication header of the form `Bearer <token>`, where `<token>` is an access token with the scope `host_connections:read`.',
      },
      BEARER_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}
