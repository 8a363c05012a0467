module.exports = {
  displayName: 'server',
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/../jest.setup.js'],
  // Tests that start the service as a process run dist/main.js: rebuilt here when older than its sources.
  globalSetup: '<rootDir>/jest.global-setup.js',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
  moduleNameMapper: { '^@liuliang/shared$': '<rootDir>/../shared/src/index.ts' },
};
