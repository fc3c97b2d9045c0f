import { createCliDataSource } from './src/tools/cli-data-source.js';

// The DataSource the TypeORM CLI uses (typeorm migration:run -d dist/ormconfig.js, as the
// Kubernetes migration Job runs it). It needs only DATABASE_URL, so migrations can run
// before the JWT settings exist, and has no statement timeout: a migration may build an
// index over a large table.
export default createCliDataSource();
