import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';

/**
 * `GET /storage` keeps the carrier's answer about a plan for STORAGE_VIEW_CACHE_SECONDS, in Redis
 * (shared by every process): a plan changed at the carrier is not seen until then, but the user's
 * own deposit, made through any process, makes the next view ask the carrier again.
 */
describe('storage view cache', () => {
  let stack: TestStack;
  let other: ServerProcess;

  beforeAll(async () => {
    stack = await startTestStack({ STORAGE_VIEW_CACHE_SECONDS: 60 });
    other = await spawnServer(stack.config, { LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await other?.stop();
    await stack.close();
  });

  it('answers views from the cache until the user deposits, through whichever process', async () => {
    const phone = '13800000021';
    await stack.sim.setPlan({ phone, totalMb: 1000, usedMb: 0 });
    const user = await signIn(stack.client, phone);
    const view = async () => (await stack.client.get('/api/v1/storage', { token: user.token })).body.plan.remainingMb;
    expect(await view()).toBe(1000);

    // The carrier's plan changes behind the service's back: the view keeps the answer it has.
    await stack.sim.setPlan({ phone, totalMb: 1000, usedMb: 300 });
    expect(await view()).toBe(1000);

    // The user's own deposit, through the other process, invalidates it for every process.
    const deposit = await httpClient(other.url).post('/api/v1/storage/deposits', { amountMb: 100 }, { token: user.token, idempotencyKey: true });
    expect(deposit.body.status).toBe('completed');
    expect(await view()).toBe(600);
  });
});
