// Unit tests sit beside the code (*.spec.ts); end-to-end tests live in test/ (*.e2e-spec.ts) and
// run against real PostgreSQL and Redis (see test/setup/global-setup.mjs). ES modules throughout,
// so `npm test` runs jest with --experimental-vm-modules.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'es6' },
}];

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@sunlight/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  // Hooks that prepare an installation (imports, a server with the demo data) run three files at a time on two cores.
  testTimeout: 300_000,
  // Three test files at a time on two cores (jest's default there is one). An end-to-end file
  // mostly waits on processes of its own (server, CLI, worker, browser): with two, the suite's own
  // processes used one core on average. With three the whole `npm test` took 12.5–14.3 minutes on a
  // fresh clone on this 2-core machine (the slowest files first: test/setup/sequencer.mjs).
  // Files share nothing: every installation has its own data directory, database, role, queue
  // prefix and port (test/support/harness.ts); only the templates are common, made once by
  // global-setup.
  maxWorkers: 3,
  // The slowest files first, by the times jest remembers or, on a fresh clone, the recorded ones.
  testSequencer: '<rootDir>/test/setup/sequencer.mjs',
  // A test that leaves a connection open must not hold CI for its whole budget.
  forceExit: true,
  projects: [
    // apps/web's specs run under vitest (the console is built by Vite), not jest.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/apps/web/'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
    },
  ],
};
