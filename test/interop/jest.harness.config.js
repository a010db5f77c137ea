// Jest config for running the interop *harness* self-test alone, without the interop project's globalSetup
// (which starts a shared cluster):
//   NODE_OPTIONS='--experimental-vm-modules --disable-warning=ExperimentalWarning' \
//     npx jest -c test/interop/jest.harness.config.js
// ROCKETMQ_HARNESS_VERSIONS=5.5.1 limits the versions; ROCKETMQ_INTEROP_VERBOSE=1 shows the process output.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];

export default {
  rootDir: '../..',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/test/interop/harness.interop-spec.ts'],
};
