import { httpClient, signIn, type Answer, type HttpClient } from './test-support/http-client';
import { spawnServer, type ServerProcess } from './test-support/processes';
import { startOwnMariadb, type OwnServer } from './test-support/own-services';
import { startTestStack, type TestStack } from './test-support/stack';

/** Bound on waiting for the process to see MySQL again. */
const RECOVERY_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A server process on a MariaDB of its own, which dies (SIGKILL) and comes back: while it is
 * down, reads and writes answer 503 UNAVAILABLE with Retry-After, never a 500 the client cannot
 * read; once it is back the same process serves them again.
 */
describe('a server process when MySQL dies and comes back', () => {
  let stack: TestStack;
  let mariadb: OwnServer;
  let server: ServerProcess;
  let client: HttpClient;
  let user: { token: string; userId: string };
  const PHONE = '13700000000';

  beforeAll(async () => {
    stack = await startTestStack();
    mariadb = await startOwnMariadb();
    server = await spawnServer(stack.config, { DATABASE_URL: `${mariadb.url}/liuliang_outage`, LOG_LEVEL: 'warn', DB_POOL_SIZE: 4 });
    client = httpClient(server.url);
    await stack.sim.setPlan({ phone: PHONE, totalMb: 40960, usedMb: 0 });
    user = await signIn(client, PHONE);
  });
  afterAll(async () => {
    await server?.kill();
    await mariadb?.destroy();
    await stack?.close();
  });

  const readWallet = () => client.get('/api/v1/wallet', { token: user.token });
  const deposit = () => client.post('/api/v1/storage/deposits', { amountMb: 10 }, { token: user.token, idempotencyKey: true });
  const expectUnavailable = (answer: Answer) => {
    expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 503, code: 'UNAVAILABLE' });
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.stringify(answer.body)).not.toMatch(/\bat \S+:\d+/);
  };

  it('answers a read and a write 503 UNAVAILABLE with Retry-After while MySQL is down, and serves them again once it is back', async () => {
    expect((await readWallet()).status).toBe(200);
    expect((await deposit()).body.status).toBe('completed');

    await mariadb.kill();
    expectUnavailable(await readWallet());
    expectUnavailable(await deposit());
    const ready = await client.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ database: 'down', redis: 'ok' });
    expect(server.child.exitCode).toBeNull();

    await mariadb.restart();
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
    while ((await client.get('/readyz')).status !== 200) {
      if (Date.now() > deadline) throw new Error(`the process did not see MySQL again:\n${server.log()}`);
      await sleep(200);
    }
    const wallet = await readWallet();
    expect(wallet.status).toBe(200);
    expect(wallet.body.balanceMb).toBe(10);
    expect((await deposit()).body.status).toBe('completed');
    expect((await readWallet()).body.balanceMb).toBe(20);
  });
});
