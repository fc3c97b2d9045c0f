import type { EnvironmentVariables } from './env.schema.js';

/** Injection token of the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export type AppConfig = EnvironmentVariables;
