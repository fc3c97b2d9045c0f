import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup.js';
import { ConfigurationError, validateEnvironment } from './config/env.schema.js';

async function main(): Promise<void> {
  const config = validateEnvironment(process.env);
  if (config.DATABASE_URL === undefined)
    throw new ConfigurationError('Invalid configuration: DATABASE_URL is required');
  const app = await createApp(config);
  // SIGTERM (Kubernetes) and SIGINT (Ctrl-C) drain requests and close the pool through the
  // shutdown hooks; exiting with 0 afterwards tells the orchestrator it was a clean stop.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(config.PORT, config.HOST);
  new Logger('Bootstrap').log(`Listening on ${await app.getUrl()}`);
}

main().catch((error: unknown) => {
  // One line, so the reason is the first thing an operator reads in the pod's logs.
  console.error(
    error instanceof ConfigurationError ? error.message : `Start-up failed: ${String(error)}`,
  );
  process.exit(1);
});
