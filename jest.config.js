// Jest 30 in ESM mode (Node 20 cannot load Nest 12's ESM through Jest's CJS loader); swc transpiles TS.
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

const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/'],
  moduleNameMapper: {
    '^@app/([^/]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^@app/rocketmq/(protocol|remoting)$': '<rootDir>/libs/rocketmq/src/$1/index.ts',
    '^@app/([^/]+)/(.*)\\.js$': '<rootDir>/libs/$1/src/$2',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': swc,
    // @fastify/static (Swagger UI) require()s content-disposition 3, which is ESM-only: Node 20 can require() it,
    // Jest's CommonJS loader cannot, so it is compiled to CommonJS here.
    '/node_modules/content-disposition/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts', '<rootDir>/test/architecture/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      // test/nest: the Nest layer's end-to-end tests, here on an embedded broker; in the interop suite on Apache RocketMQ
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts', '<rootDir>/test/nest/**/*.nest-spec.ts'],
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'interop',
      testMatch: ['<rootDir>/test/interop/**/*.interop-spec.ts', '<rootDir>/test/nest/**/*.nest-spec.ts'],
      globalSetup: '<rootDir>/test/interop/global-setup.ts',
      globalTeardown: '<rootDir>/test/interop/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'capture',
      testMatch: ['<rootDir>/test/capture/**/*.capture-spec.ts'],
      globalSetup: '<rootDir>/test/interop/global-setup.ts',
      globalTeardown: '<rootDir>/test/interop/global-teardown.ts',
    },
  ],
};
