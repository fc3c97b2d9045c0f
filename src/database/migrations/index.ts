import { CreateSchema1764150000000 } from './1764150000000-create-schema.js';

// Listed explicitly rather than globbed, so the same list works compiled, under Jest and
// in the TypeORM CLI.
export const MIGRATIONS = [CreateSchema1764150000000];
