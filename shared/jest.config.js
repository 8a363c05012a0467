module.exports = {
  displayName: 'shared',
  testEnvironment: 'node',
  setupFilesAfterEnv: ['<rootDir>/../jest.setup.js'],
  roots: ['<rootDir>/src'],
  transform: { '^.+\\.tsx?$': ['ts-jest', {}] },
};
