/**
 * The mini-program's H5 build in a real browser (Debian's chromium, driven by playwright-core)
 * against the real stack started in-process: MariaDB, Redis, the carrier simulator and the
 * service serving `miniprogram/dist/h5`. Needs `npm run build` first (the root `npm test` does it).
 */
module.exports = {
  displayName: 'e2e',
  testEnvironment: 'node',
  rootDir: __dirname,
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleNameMapper: { '^@liuliang/shared$': '<rootDir>/../../shared/src/index.ts' },
  setupFilesAfterEnv: ['<rootDir>/../../jest.setup.js'],
};
