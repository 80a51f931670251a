// Nest 12 ships ESM; jest's CommonJS runtime cannot require() it, so @swc/jest
// compiles those packages (and our TypeScript) to CommonJS on the fly.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const esmPackages = ['@nestjs', 'uid', 'file-type', 'strtok3', 'token-types', 'peek-readable', '@tokenizer', 'load-esm'];
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: { '^@app/(.*)$': '<rootDir>/libs/$1/src' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
};
module.exports = {
  // Per-project testTimeout is ignored by jest 30; it must be global.
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    // Several instances on Redis: needs a Redis server, so it runs when REDIS_URL names one (CI does).
    ...(process.env.REDIS_URL
      ? [
          {
            ...common,
            displayName: 'scale',
            testMatch: ['<rootDir>/test/scale/**/*.scale-spec.ts'],
            globalSetup: '<rootDir>/test/support/global-setup.ts',
            globalTeardown: '<rootDir>/test/support/global-teardown.ts',
          },
        ]
      : []),
    // Faults (kill -9 of an instance, PostgreSQL restarted under load): spawned built app (`npm run build`),
    // a minute or two; run by `npm run test:faults`.
    ...(process.env.KINBRIDGE_FAULTS
      ? [
          {
            ...common,
            displayName: 'faults',
            testMatch: ['<rootDir>/test/faults/**/*.faults-spec.ts'],
            globalSetup: '<rootDir>/test/support/global-setup.ts',
            globalTeardown: '<rootDir>/test/support/global-teardown.ts',
          },
        ]
      : []),
    // Benchmarks print figures; they run only when named (`npm run bench:<name>`), never in `npm test`.
    ...(process.env.KINBRIDGE_BENCH
      ? [
          {
            ...common,
            displayName: 'bench',
            testMatch: ['<rootDir>/test/bench/**/*.bench.ts'],
            globalSetup: '<rootDir>/test/support/global-setup.ts',
            globalTeardown: '<rootDir>/test/support/global-teardown.ts',
          },
        ]
      : []),
  ],
};
