import { resolve } from 'node:path';

/**
 * Where `npm start` keeps its state (embedded PostgreSQL cluster, dev JWT secret): `.data/`
 * in the working directory (npm runs scripts from the project root), or DEMO_DATA_DIR.
 */
export function demoDataDirectory(env: NodeJS.ProcessEnv): string {
  return resolve(env.DEMO_DATA_DIR || '.data');
}
