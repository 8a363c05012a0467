import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist', 'platform');

/** Runs a script in a fresh process with the crash policy installed (from server/dist). */
function runWithPolicy(script: string) {
  const source = `
    const { installCrashPolicy } = require(${JSON.stringify(join(DIST, 'crash-policy.js'))});
    const { createLogger } = require(${JSON.stringify(join(DIST, 'logger.js'))});
    installCrashPolicy(createLogger('warn'));
    ${script}`;
  return spawnSync(process.execPath, ['-e', source], { encoding: 'utf8', timeout: 10_000 });
}

describe('the crash policy', () => {
  it('carries on after a Redis or MySQL outage nobody awaited, and logs it once', () => {
    const run = runWithPolicy(`
      const lost = Object.assign(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' });
      Promise.reject(lost);
      setTimeout(() => { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }); }, 10);
      setTimeout(() => { console.log('still alive'); process.exit(0); }, 100);`);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('still alive');
    expect(run.stdout.match(/outage surfaced outside a request/g)).toHaveLength(2);
  });

  it('exits deliberately, with a fatal log line, on any other error nobody handled', () => {
    const run = runWithPolicy(`
      Promise.reject(new TypeError('a bug'));
      setTimeout(() => { console.log('still alive'); process.exit(0); }, 100);`);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toContain('still alive');
    expect(run.stdout).toContain('"level":60');
  });
});
