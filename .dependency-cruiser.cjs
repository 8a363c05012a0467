/**
 * The arrows between Liuliang's parts (STYLE.md: "An arrow that runs backwards …"), checked by
 * `npm run depcheck`. The rules say how the code should be; what the code still does wrong today
 * is listed in .dependency-cruiser-known-violations.json, so CI fails only on a new violation.
 * When a refactor removes one, shrink that list: `npm run depcheck:baseline`.
 */
const TEST_FILES = '(^|/)(e2e|test|test-support)/|\\.(test|spec)\\.tsx?$';
// Feature folders; `$1` in a `to` path is the feature that the `from` path matched.
const FEATURE = '^server/src/modules/([^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two files one idea that cannot be understood, tested or moved apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'module-not-to-http',
      severity: 'error',
      comment:
        'Feature logic does not know about HTTP: errors, rules and data live below the web layer. ' +
        "Only a feature's routes.ts (its HTTP shape) may use http/'s router and caller helpers.",
      from: { path: '^server/src/modules/', pathNot: ['/routes\\.ts$', TEST_FILES] },
      to: { path: '^server/src/http/' },
    },
    {
      name: 'ledger-not-to-features',
      severity: 'error',
      comment: 'Every feature calls the ledger; the ledger names no feature (its tables, its code).',
      from: { path: '^server/src/modules/ledger/', pathNot: TEST_FILES },
      to: { path: '^server/src/modules/', pathNot: '^server/src/modules/ledger/' },
    },
    {
      name: 'feature-through-public-entry',
      severity: 'error',
      comment:
        'A feature uses another feature only through its public entry: index.ts, service.ts, or the ' +
        'file named after the feature (ledger/ledger.ts, outbox/outbox.ts). Its repository, rows and ' +
        'helpers are its own: ask the owning module for a function.',
      from: { path: FEATURE, pathNot: TEST_FILES },
      to: {
        path: '^server/src/modules/',
        pathNot: [
          '^server/src/modules/$1/',
          '^server/src/modules/([^/]+)/(index|service)\\.ts$',
          '^server/src/modules/(?<feature>[^/]+)/\\k<feature>\\.ts$',
          // The ledger's registry (features describe their escrows and counterparties to it) and the
          // outbox's one delivery mechanism are those modules' published interfaces.
          '^server/src/modules/ledger/registry\\.ts$',
          '^server/src/modules/outbox/(delivery|policy)\\.ts$',
        ],
      },
    },
    {
      name: 'jobs-not-to-app',
      severity: 'error',
      comment: 'Jobs are handed what they need; app.ts composes the HTTP app and jobs must not depend on it.',
      from: { path: '^server/src/jobs/' },
      to: { path: '^server/src/app\\.ts$' },
    },
    {
      name: 'shared-stays-portable',
      severity: 'error',
      comment: 'shared/ runs in the service, the bot and the mini-program (browser and weapp): it imports none of them.',
      from: { path: '^shared/' },
      to: { path: '^(server|bot|miniprogram)/' },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      comment: 'shared/ also runs in the mini-program, where Node built-ins do not exist.',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'clients-not-to-server',
      severity: 'error',
      comment:
        'The bot and the mini-program are clients of the service over HTTP: they share types through ' +
        "shared/, never the server's code. Their tests may start the server's test stack " +
        '(server/src/test-support) until it becomes its own workspace.',
      from: { path: '^(bot|miniprogram)/' },
      to: { path: '^server/', pathNot: '^server/src/test-support/' },
    },
    {
      name: 'clients-tests-only-test-support',
      severity: 'error',
      comment: "A client's tests may use the server's test stack, and nothing else of the server.",
      from: { path: '^(bot|miniprogram)/', pathNot: TEST_FILES },
      to: { path: '^server/src/test-support/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing: a typo, a missing dependency or a deleted file.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|dist-tools|coverage|node_modules)/' },
    // Type-only imports are arrows too: they couple the code as much as the others.
    tsPreCompilationDeps: true,
    // Resolves `@liuliang/shared` to shared/src (as the tests and the Taro build do), so a fresh
    // clone needs no build first.
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.cjs', '.mjs', '.json'],
    },
    reporterOptions: {
      dot: { collapsePattern: 'node_modules/(@[^/]+/[^/]+|[^/]+)' },
      text: { highlightFocused: true },
    },
  },
};
