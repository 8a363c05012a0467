/** Every package's tests in one run: `npm test` at the root. */
module.exports = {
  projects: ['<rootDir>/shared', '<rootDir>/server', '<rootDir>/bot', '<rootDir>/miniprogram', '<rootDir>/miniprogram/e2e'].filter((dir) =>
    require('fs').existsSync(require('path').join(dir.replace('<rootDir>', __dirname), 'jest.config.js')),
  ),
};
