import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';

describe('gifts under a race', () => {
  let stack: TestStack;
  let processes: ServerProcess[] = [];
  beforeAll(async () => {
    // Limits lifted: this test is about the balance, not the daily count.
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 1000, GIFT_WEEKLY_LIMIT: 1000, GIFT_MONTHLY_LIMIT: 1000 });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await stack.close();
  });

  const fund = async (phone: string, amountMb: number) => {
    const user = await signIn(stack.client, phone);
    await stack.sim.setPlan({ phone, totalMb: 10240, usedMb: 0 });
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb }, { token: user.token, idempotencyKey: true })).body.status).toBe('completed');
    return user;
  };

  it('lets exactly 50 of 100 parallel gifts through from a wallet that can pay for 50', async () => {
    const sender = await fund('13811110000', 500);
    const friend = await signIn(stack.client, '13822220000');
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => stack.client.post('/api/v1/gifts', { toPhone: '13822220000', amountMb: 10 }, { token: sender.token, idempotencyKey: true })),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(50);
    expect(answers.filter((a) => a.status === 422 && a.body.error.code === 'INSUFFICIENT_BALANCE')).toHaveLength(50);
    expect((await stack.client.get('/api/v1/wallet', { token: sender.token })).body.balanceMb).toBe(0);
    expect((await stack.client.get('/api/v1/wallet', { token: friend.token })).body.balanceMb).toBe(500);
  });

  it('holds the same across three server processes, gifts crossing in both directions', async () => {
    processes = await Promise.all([spawnServer(stack.config, { LOG_LEVEL: 'warn' }), spawnServer(stack.config, { LOG_LEVEL: 'warn' })]);
    const urls = [stack.url, ...processes.map((p) => p.url)];
    const a = await fund('13833330000', 300);
    const b = await fund('13844440000', 200);
    // 60 gifts each way, 10 MB each: together the two wallets can pay for exactly 50 at any time.
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => {
        const [from, to] = i % 2 ? [a, '13844440000'] : [b, '13833330000'];
        return httpClient(urls[i % urls.length]).post('/api/v1/gifts', { toPhone: to, amountMb: 10 }, { token: from.token, idempotencyKey: true });
      }),
    );
    expect(answers.filter((r) => r.status !== 201 && r.status !== 422)).toEqual([]);
    const balances = await Promise.all([a, b].map(async (u) => (await stack.client.get('/api/v1/wallet', { token: u.token })).body.balanceMb));
    expect(balances[0] + balances[1]).toBe(500);
    const [moved] = await stack.server.deps.dataSource.query(`SELECT COUNT(*) AS n FROM gifts WHERE sender_id IN (?, ?)`, [a.userId, b.userId]);
    expect(Number(moved.n)).toBe(answers.filter((r) => r.status === 201).length);
  });
});
