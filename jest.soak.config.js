import base from './jest.config.js';

// npm run test:soak: the long-running load test only, on the same database setup.
/** @type {import('jest').Config} */
export default {
  ...base,
  testMatch: ['<rootDir>/test/soak/**/*.soak-spec.ts'],
  testTimeout: 60 * 60 * 1000,
};
