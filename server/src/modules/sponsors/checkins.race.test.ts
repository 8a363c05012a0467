import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';

describe('check-ins under a race', () => {
  let stack: TestStack;
  let other: ServerProcess;
  beforeAll(async () => {
    stack = await startTestStack();
    other = await spawnServer(stack.config, { LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await other.stop();
    await stack.close();
  });

  it('pays exactly 60 of 200 parallel check-ins by 100 users (each twice) over two processes, from a budget that pays 60', async () => {
    await grantOperator(stack, '13500000001', 'admin');
    const admin = await signIn(stack.client, '13500000001');
    const owner = await signIn(stack.client, '13500000002');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13500000002', 10_000);
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { budgetMb: 600, reward: { mode: 'fixed', amountMb: 10 }, perUserCapMb: 100 }));
    const users = await seedUsers(stack, 100, '1350100');
    const urls = [stack.url, other.url];
    const answers = await Promise.all(
      [...users, ...users].map((user, i) => httpClient(urls[i % 2]).post(`/api/v1/activities/${aid}/checkin`, undefined, { token: user.token, idempotencyKey: true })),
    );

    const codes = answers.map((a) => (a.status === 200 ? 'ok' : a.body.error.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(60);
    expect(new Set(codes)).toEqual(new Set(['ok', 'ALREADY_CHECKED_IN', 'BUDGET_EXHAUSTED']));
    const db = stack.server.deps.dataSource;
    const perUser: Array<{ n: string }> = await db.query('SELECT COUNT(*) AS n FROM activity_rewards WHERE activity_id = ? GROUP BY user_id', [aid]);
    expect(perUser).toHaveLength(60);
    expect(perUser.every((r) => Number(r.n) === 1)).toBe(true);
    const [escrow] = await db.query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:activity:${aid}`]);
    const [paid] = await db.query(`SELECT COALESCE(SUM(amount_mb), 0) AS mb FROM transfers WHERE kind = 'activity_reward' AND ref_id = ?`, [aid]);
    expect(Number(escrow.balance_mb)).toBe(0);
    expect(Number(escrow.balance_mb) + Number(paid.mb)).toBe(600);
    const wallets = await Promise.all(users.map(async (u) => (await stack.client.get('/api/v1/wallet', { token: u.token })).body.balanceMb as number));
    expect(wallets.filter((mb) => mb === 10)).toHaveLength(60);
    expect(wallets.filter((mb) => mb === 0)).toHaveLength(40);
  });

  it('returns the rest to the budget exactly once when two processes end it while check-ins race', async () => {
    await grantOperator(stack, '13500000004', 'finance');
    const admin = await signIn(stack.client, '13500000004');
    const owner = await signIn(stack.client, '13500000003');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13500000003', 1000);
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { budgetMb: 500, reward: { mode: 'fixed', amountMb: 10 } }));
    const users = await seedUsers(stack, 40, '1350200');
    const urls = [stack.url, other.url];
    const answers = await Promise.all([
      ...users.map((user, i) => httpClient(urls[i % 2]).post(`/api/v1/activities/${aid}/checkin`, undefined, { token: user.token, idempotencyKey: true })),
      ...urls.map((url) => httpClient(url).post(`/api/v1/sponsors/${sid}/activities/${aid}/end`, undefined, { token: owner.token, idempotencyKey: true })),
    ]);
    const checkins = answers.slice(0, users.length) as Array<{ status: number; body: { error?: { code: string } } }>;
    expect(checkins.filter((a) => a.status !== 200).map((a) => a.body.error?.code)).toEqual(checkins.filter((a) => a.status !== 200).map(() => 'ACTIVITY_ENDED'));
    const db = stack.server.deps.dataSource;
    const [paid] = await db.query(`SELECT COALESCE(SUM(amount_mb), 0) AS mb FROM transfers WHERE kind = 'activity_reward' AND ref_id = ?`, [aid]);
    const returns: Array<{ amount_mb: string }> = await db.query(`SELECT amount_mb FROM transfers WHERE kind = 'activity_return' AND ref_id = ?`, [aid]);
    expect(returns).toHaveLength(1);
    expect(Number(paid.mb) + Number(returns[0].amount_mb)).toBe(500);
    expect(Number(paid.mb)).toBe(checkins.filter((a) => a.status === 200).length * 10);
    expect((await stack.client.get('/api/v1/sponsors/mine', { token: owner.token })).body.items[0].budgetMb).toBe(1000 - Number(paid.mb));
  });
});
