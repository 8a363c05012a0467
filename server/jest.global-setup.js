/**
 * Tests that start the service as a process (test-support/processes.ts, the startup and crash
 * tests) run server/dist/main.js, which needs shared/dist. So that no test runs a stale build,
 * each is rebuilt here first when a source file is newer than it; an up-to-date build is left
 * alone, and `npm test` (which builds first) pays nothing.
 */
const { execFileSync } = require('node:child_process');
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const TSC = require.resolve('typescript/bin/tsc');

/** Built into dist-tools, not dist (tsconfig.tools.json): not the service's sources. */
const TOOL_DIRS = new Set(['bench', 'chaos', 'carrier-sim', 'test-support']);

function newestSourceMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = TOOL_DIRS.has(entry.name) ? newest : Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function builtMs(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function buildIfStale(workspace, builtFile, sourceDirs) {
  const cwd = join(ROOT, workspace);
  const newest = Math.max(...sourceDirs.map((dir) => newestSourceMs(join(cwd, dir))), statSync(join(cwd, 'tsconfig.json')).mtimeMs);
  if (builtMs(join(cwd, builtFile)) >= newest) return false;
  console.log(`\n==> ${workspace}/${builtFile} is older than its sources: building ${workspace} (tsc -p ${workspace}/tsconfig.json)`);
  execFileSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd, stdio: 'inherit' });
  return true;
}

module.exports = async () => {
  const sharedRebuilt = buildIfStale('shared', 'dist/index.js', ['src']);
  if (sharedRebuilt) {
    // The service's build reads shared's: rebuild it too, whatever the dates say.
    execFileSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: join(ROOT, 'server'), stdio: 'inherit' });
  } else {
    buildIfStale('server', 'dist/main.js', ['src']);
  }
};
