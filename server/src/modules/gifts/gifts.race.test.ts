import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';

describe('gifts under a race', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Limits lifted: this test is about the balance, not the daily count.
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 1000, GIFT_WEEKLY_LIMIT: 1000, GIFT_MONTHLY_LIMIT: 1000 });
  });
  afterAll(() => stack.close());

  it('lets exactly 50 of 100 parallel gifts through from a wallet that can pay for 50', async () => {
    const sender = await signIn(stack.client, '13811110000');
    const friend = await signIn(stack.client, '13822220000');
    await stack.sim.setPlan({ phone: '13811110000', totalMb: 10240, usedMb: 0 });
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 500 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');

    const answers = await Promise.all(
      Array.from({ length: 100 }, () => stack.client.post('/api/v1/gifts', { toPhone: '13822220000', amountMb: 10 }, { token: sender.token, idempotencyKey: true })),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 422)).toHaveLength(50);
    expect(answers.filter((a) => a.status === 422).every((a) => a.body.error.code === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect((await stack.client.get('/api/v1/wallet', { token: sender.token })).body.balanceMb).toBe(0);
    expect((await stack.client.get('/api/v1/wallet', { token: friend.token })).body.balanceMb).toBe(500);
  });
});
