import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  buildDataSourceOptions,
  DEFAULT_DATABASE_SETTINGS,
} from './src/config/database.options.js';

// The DataSource the TypeORM CLI uses (npm run db:migrate / db:revert). It needs only the
// database variables, so migrations can run before the JWT settings exist.
export default new DataSource(
  buildDataSourceOptions({ ...DEFAULT_DATABASE_SETTINGS, DATABASE_URL: process.env.DATABASE_URL }),
);
