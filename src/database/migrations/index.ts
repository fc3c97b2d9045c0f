import { CreateSchema1764150000000 } from './1764150000000-create-schema.js';
import { HostConnectionCounts1764200000000 } from './1764200000000-host-connection-counts.js';

// Listed explicitly rather than globbed, so the same list works compiled, under Jest and
// in the TypeORM CLI.
export const MIGRATIONS = [CreateSchema1764150000000, HostConnectionCounts1764200000000];
