module.exports = {
  displayName: 'server',
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }] },
  moduleNameMapper: { '^@liuliang/shared$': '<rootDir>/../shared/src/index.ts' },
  testTimeout: 120000,
};
