module.exports = {
  displayName: 'bot',
  testEnvironment: 'node',
  // The integration test starts the real service: its timeouts are the server's (120 s).
  setupFilesAfterEnv: ['<rootDir>/../jest.setup.js'],
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
  moduleNameMapper: { '^@liuliang/shared$': '<rootDir>/../shared/src/index.ts' },
};
