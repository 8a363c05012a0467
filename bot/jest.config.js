module.exports = {
  displayName: 'bot',
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }] },
  moduleNameMapper: { '^@liuliang/shared$': '<rootDir>/../shared/src/index.ts' },
};
