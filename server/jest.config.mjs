// Jest 30 in ESM mode with @swc/jest; see scripts/jest.mjs for how the database is chosen.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      sourceMaps: 'inline',
    },
  ],
};
const common = {
  transform,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/test/setup-cjs-interop.ts'],
};

export default {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // test/reliability/* (in the unit project) report their figures; this prints their sum at the end.
  reporters: ['default', '<rootDir>/test/reliability/summary-reporter.mjs'],
  projects: [
    { ...common, displayName: 'unit', roots: ['<rootDir>', '<rootDir>/../runtime-ui/src', '<rootDir>/../studio/src'], testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts', '<rootDir>/../runtime-ui/src/**/*.test.ts', '<rootDir>/../studio/src/**/*.test.ts'], testPathIgnorePatterns: ['/test/smoke/', '/test/browser/'] },
    // The runtime UI in Debian's Chromium against the real server (playwright-core; needs a built UI).
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    { ...common, displayName: 'smoke', testMatch: ['<rootDir>/test/smoke/**/*.test.ts'] },
  ],
};
