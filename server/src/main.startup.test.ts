import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig, type Config } from './config';
import { freePort, spawnServer, type ServerProcess } from './test-support/processes';
import { reserveRedis, startOwnMariadb, type OwnServer } from './test-support/own-services';
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from './test-support/database';

const MAIN = join(__dirname, '..', 'dist', 'main.js');

/** A configuration for a bare service process: no carrier needed to start. */
function configFor(overrides: Partial<Config>): Config {
  return loadConfig({}, { NODE_ENV: 'test', PORT: 0, LOG_LEVEL: 'info', JOBS_ENABLED: false, DB_POOL_SIZE: 2, REDIS_PREFIX: `lltest:startup:${process.pid}`, ...overrides });
}

/** Runs main.js to its exit; its whole output and exit code. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string; tookMs: number }> {
  const started = Date.now();
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output, tookMs: Date.now() - started };
}

const asEnv = (config: Config) => Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));

describe('service start-up while MySQL or Redis is not there yet', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('waits for a MySQL and a Redis that start a few seconds later, saying what it waits for, then serves', async () => {
    const redis = await reserveRedis();
    const mysqlPort = await freePort();
    const config = configFor({ DATABASE_URL: `mysql://root@127.0.0.1:${mysqlPort}/liuliang_startup`, REDIS_URL: redis.url, STARTUP_WAIT_SECONDS: 60 });
    const starting = spawnServer(config);
    let server: ServerProcess | undefined;
    let mariadb: OwnServer | undefined;
    let ownRedis: OwnServer | undefined;
    cleanups.push(async () => {
      await server?.kill();
      await mariadb?.destroy();
      await ownRedis?.destroy();
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    [mariadb, ownRedis] = await Promise.all([startOwnMariadb(mysqlPort), redis.start()]);
    server = await starting;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(server.log()).toContain(`waiting for MySQL at 127.0.0.1:${mysqlPort}`);
    expect(server.log()).toContain(`waiting for Redis at 127.0.0.1:${redis.port}`);
  });

  it('gives up after STARTUP_WAIT_SECONDS with one line naming what it waited for, no stack', async () => {
    const redisPort = await freePort();
    const config = configFor({ DATABASE_URL: `${TEST_DATABASE_SERVER}/liuliang_startup_never`, REDIS_URL: `redis://127.0.0.1:${redisPort}`, STARTUP_WAIT_SECONDS: 2, LOG_LEVEL: 'silent' });
    const { code, output, tookMs } = await runToExit(asEnv(config));
    expect(code).not.toBe(0);
    expect(tookMs).toBeLessThan(10_000);
    expect(output.trim().split('\n')).toEqual([`Liuliang did not start: Redis at 127.0.0.1:${redisPort} did not answer within 2 s (ECONNREFUSED).`]);
  });

  it('gives up on a MySQL that never answers the same way', async () => {
    const mysqlPort = await freePort();
    const config = configFor({ DATABASE_URL: `mysql://root@127.0.0.1:${mysqlPort}/liuliang_startup_never`, REDIS_URL: TEST_REDIS_URL, STARTUP_WAIT_SECONDS: 2, LOG_LEVEL: 'silent' });
    const { code, output } = await runToExit(asEnv(config));
    expect(code).not.toBe(0);
    expect(output.trim().split('\n')).toEqual([`Liuliang did not start: MySQL at 127.0.0.1:${mysqlPort} did not answer within 2 s (ECONNREFUSED).`]);
  });
});
