import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from './src/config/database.options.js';

// The DataSource the TypeORM CLI uses (npm run db:migrate / db:revert). It needs only the
// database variables, so migrations can run before the JWT settings exist.
// No statement timeout: a migration may build an index over a large table, far longer than
// a request may take (the Kubernetes migration Job uses this file too).
export default new DataSource(
  buildDataSourceOptions({
    ...DEFAULT_DATABASE_SETTINGS,
    DATABASE_STATEMENT_TIMEOUT_MS: 0,
    DATABASE_URL: process.env.DATABASE_URL,
  }),
);
