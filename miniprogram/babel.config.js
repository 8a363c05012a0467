// Taro's own preset turns JSX/TS into what both the H5 and the weapp runtimes expect.
// Jest does not read this file: tests compile with ts-jest (see jest.config.js).
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]],
};
