import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { Browser } from 'playwright-core';
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from '../../server/src/test-support/database';
import { httpClient } from '../../server/src/test-support/http-client';
import { launchChromium, openPhone, signInThroughUi, waitOnScreen, type Phone } from './phone';

const REPO_ROOT = path.resolve(__dirname, '../..');
/** `npm start` installs nothing here but builds everything (~2-4 min on 2 busy cores) before it serves. */
const START_TIMEOUT_MS = 10 * 60_000;
const READY_POLL_INTERVAL_MS = 1_000;
/** SIGTERM first so every process closes its connections; SIGKILL if one still hangs on. */
const STOP_GRACE_MS = 10_000;
/** Enough of the product's own output to tell why it did not come up. */
const OUTPUT_TAIL_CHARS = 6_000;
const STOP_POLL_INTERVAL_MS = 200;
const PHONE = '13800138000';

/** A port nobody listens on right now, so this test never collides with a developer's `npm start`. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Signal 0 probes: true while any process of the group is left. */
function groupAlive(group: number): boolean {
  return signalGroup(group, 0);
}

function signalGroup(group: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(group, signal);
    return true;
  } catch {
    // ESRCH: no process left in the group.
    return false;
  }
}

async function onDatabaseServer(sql: string): Promise<void> {
  const admin = new DataSource({ type: 'mysql', url: `${TEST_DATABASE_SERVER}/`, synchronize: false });
  await admin.initialize();
  try {
    await admin.query(sql);
  } finally {
    await admin.destroy();
  }
}

/**
 * What a newcomer gets from the README: `npm start` exactly as documented (scripts/start.sh, its
 * own build, stdin not a terminal as in CI), then the app at `/` in a real browser. The in-process
 * e2e stack never runs start.sh, which is how a development-mode H5 build that dies in the
 * browser (`$RefreshReg$ is not defined`) shipped unnoticed.
 */
describe('npm start, as the README says', () => {
  const databaseName = `liuliang_smoke_${process.pid}`;
  let product: ChildProcess | undefined;
  let output = '';
  let browser: Browser | undefined;
  let url = '';

  beforeAll(async () => {
    const [port, carrierSimPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    await onDatabaseServer(`CREATE DATABASE IF NOT EXISTS \`${databaseName}\``);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      CARRIER_SIM_PORT: String(carrierSimPort),
      DATABASE_URL: `${TEST_DATABASE_SERVER}/${databaseName}`,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `ll_smoke_${process.pid}`,
    };
    // Whatever jest runs with (NODE_ENV=test) must not change what start.sh chooses.
    for (const inherited of ['NODE_ENV', 'H5_DIR', 'CARRIER_URL', 'MESSAGE_PROVIDER_URL', 'DEV_OUTBOX']) delete env[inherited];
    // Its own process group (detached), so the whole tree — npm, bash, service, simulator,
    // bot — is stopped together in afterAll and nothing outlives the test.
    product = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    product.stdout!.on('data', keep);
    product.stderr!.on('data', keep);

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (product.exitCode !== null || product.signalCode !== null) throw new Error(`npm start exited (${product.exitCode ?? product.signalCode}) before /readyz answered:\n${output}`);
      const ready = await fetch(`${url}/readyz`).then((answer) => answer.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`/readyz did not answer within ${START_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
    }
    browser = await launchChromium();
  }, START_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    if (product?.pid !== undefined) {
      const group = -product.pid;
      signalGroup(group, 'SIGTERM');
      const deadline = Date.now() + STOP_GRACE_MS;
      while (groupAlive(group) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, STOP_POLL_INTERVAL_MS));
      // Whatever did not stop in time (a hung bot, an orphaned child) must not outlive the test.
      if (groupAlive(group)) signalGroup(group, 'SIGKILL');
      product.stdout?.destroy();
      product.stderr?.destroy();
    }
    await onDatabaseServer(`DROP DATABASE IF EXISTS \`${databaseName}\``);
  }, STOP_GRACE_MS + 30_000);

  it('serves an app that renders the sign-in page without a single browser error and signs in with the code from the dev outbox', async () => {
    const phone: Phone = await openPhone(browser!, 'newcomer');
    // CSP violations and failed loads surface only as console errors, not as page errors.
    const consoleErrors: string[] = [];
    phone.page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    try {
      await phone.page.goto(url);
      await waitOnScreen(phone.page, 'phone-input');
      await signInThroughUi(phone.page, httpClient(url), PHONE);
      await waitOnScreen(phone.page, 'balance');
    } catch (error) {
      // A blank page times out with no clue; the browser's own errors are the clue.
      throw new Error(`${(error as Error).message}\nbrowser errors: ${JSON.stringify({ pageErrors: phone.pageErrors, consoleErrors })}`, { cause: error });
    }

    expect({ pageErrors: phone.pageErrors, consoleErrors }).toEqual({ pageErrors: [], consoleErrors: [] });
    await phone.page.context().close();
  });
});
