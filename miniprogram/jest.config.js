/**
 * Component tests in jsdom. Taro's components and API are replaced by small stubs over the DOM
 * (test/stubs), and `@liuliang/shared` is read from its source, as the Taro build does.
 */
module.exports = {
  displayName: 'miniprogram',
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/src'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/stubs/taro.ts',
    '^@tarojs/components$': '<rootDir>/test/stubs/components.tsx',
    '^@liuliang/shared$': '<rootDir>/../shared/src/index.ts',
    '\\.css$': '<rootDir>/test/stubs/style.ts',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};
