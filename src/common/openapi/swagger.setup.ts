import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_VERSION } from '../package-version.js';

export function setupSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Host connections')
      .setVersion(SERVICE_VERSION)
      .setDescription(
        [
          'A guest organization lists the host organizations it is connected to.',
          '',
          'Every request carries a bearer token and two organization headers:',
          "- **Self**: `Target-Organization-ID` equals `Requester-Organization-ID` (the token's `org_id`): the organization lists its own hosts.",
          "- **Host**: the requester is a host of the target with a `connected` connection: it sees only its own row in the target's list.",
          '- **Guest**: the requester is a guest of the target with a `connected` connection: it sees only rows in which it is the host (usually none).',
          'Any other combination is refused with 403.',
        ].join('\n'),
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
