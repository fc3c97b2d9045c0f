import { createCliDataSource } from './src/database/cli-data-source.js';

// The DataSource the TypeORM CLI uses (typeorm migration:show -d dist/ormconfig.js). It needs
// only DATABASE_URL, so migrations can run before the JWT settings exist.
export default createCliDataSource();
