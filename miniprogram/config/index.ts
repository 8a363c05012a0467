import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

/**
 * One config for both targets. H5 is served by the service itself from `dist/h5` at `/`, so it
 * talks to `/api/v1` on its own origin; a weapp has no origin of its own, so its API address is
 * fixed at build time from TARO_APP_API_URL.
 */
const DEFAULT_API_URL = 'http://localhost:3000';

export default defineConfig<'webpack5'>(async () => {
  const config: UserConfigExport<'webpack5'> = {
    projectName: 'liuliang',
    date: '2025-11-26',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    env: {
      TARO_APP_API_URL: JSON.stringify(process.env.TARO_APP_API_URL || DEFAULT_API_URL),
    },
    defineConstants: {},
    // shared/ compiled from its TypeScript source (see `compile.include` below) rather than its
    // CommonJS dist/: as ES modules, zod is tree-shaken, which keeps H5's common chunk at ~180 KiB
    // instead of ~590 KiB, and the build no longer waits on `npm run build -w shared`.
    alias: { '@liuliang/shared': path.resolve(__dirname, '../../shared/src/index.ts') },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    // Persistent cache makes a rebuild on this 2-core machine several times faster.
    cache: { enable: true },
    logger: { quiet: true, stats: false },
    mini: {
      compile: { include: [path.resolve(__dirname, '../../shared/src')] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      compile: { include: [path.resolve(__dirname, '../../shared/src')] },
      publicPath: '/',
      // Plain HTML elements (<input>, <div>) instead of web components: lighter, and a browser
      // test can fill `[data-testid=phone-input]` directly. Only View, Text, Input, Button,
      // ScrollView, Image, Picker, Swiper exist in this mode, so pages use no others.
      useHtmlComponents: true,
      staticDirectory: 'static',
      // Hash routing: the service serves dist/h5 as plain static files, so every page must be
      // reachable from `/` without server-side rewrites. A share link is `/#/pages/packet/index?id=…`.
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[contenthash:8].css', chunkFilename: 'css/[name].[contenthash:8].css' },
      webpackChain(chain) {
        // Taro splits only initial chunks on H5, so each lazily loaded page chunk carried its own
        // copy of zod, socket.io-client and our shared modules (~600 KiB each). Split async too.
        chain.optimization.splitChunks({ ...chain.optimization.get('splitChunks'), chunks: 'all' });
        // Taro's runtime and React alone are ~270 KiB, over webpack's 244 KiB default warning;
        // warn only when a chunk grows well past what the app itself needs.
        chain.performance.maxEntrypointSize(400 * 1024).maxAssetSize(400 * 1024);
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  return config;
});
