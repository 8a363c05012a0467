import { httpClient, signIn } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { grantOperator, sponsorWithBudget } from '../../test-support/sponsors';
import { couponBatchRequest, issuedCodes } from '../../test-support/coupons';

describe('coupons under a race', () => {
  let stack: TestStack;
  let other: ServerProcess;
  let ownerToken = '';
  let sid = '';
  beforeAll(async () => {
    stack = await startTestStack();
    // The second process runs the jobs too, so its settlement races this process's.
    other = await spawnServer(stack.config, { LOG_LEVEL: 'warn', JOBS_ENABLED: true, JOB_INTERVAL_MS: 1_000 });
    await grantOperator(stack, '13500000201', 'admin');
    const admin = await signIn(stack.client, '13500000201');
    ownerToken = (await signIn(stack.client, '13500000202')).token;
    sid = await sponsorWithBudget(stack.client, admin.token, '13500000202', 100_000);
  });
  afterAll(async () => {
    await other.stop();
    await stack.close();
  });

  const db = () => stack.server.deps.dataSource;
  const urls = () => [stack.url, other.url];

  it('credits one of 50 parallel redemptions of one code by 50 people over two processes', async () => {
    const { batchId, codes } = await issuedCodes(stack.client, ownerToken, sid, couponBatchRequest(new Date(), { amountMb: 100, count: 1 }));
    const users = await seedUsers(stack, 50, '1350300');
    const answers = await Promise.all(users.map((u, i) => httpClient(urls()[i % 2]).post('/api/v1/coupons/redeem', { code: codes[0] }, { token: u.token, idempotencyKey: true })));
    const codesAnswered = answers.map((a) => (a.status === 200 ? 'ok' : a.body.error.code));
    expect(codesAnswered.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codesAnswered.filter((c) => c !== 'ok')).toEqual(Array(49).fill('ALREADY_REDEEMED'));
    const credits = await db().query(`SELECT amount_mb FROM transfers WHERE kind = 'coupon_redeem' AND ref_id = ?`, [batchId]);
    expect(credits).toEqual([{ amount_mb: '100' }]);
    const wallets = await Promise.all(users.map(async (u) => (await stack.client.get('/api/v1/wallet', { token: u.token })).body.balanceMb as number));
    expect(wallets.sort((a, b) => b - a)).toEqual([100, ...Array(49).fill(0)]);
  });

  it('credits one of 50 parallel redemptions of one code by one person with 50 keys', async () => {
    const { codes } = await issuedCodes(stack.client, ownerToken, sid, couponBatchRequest(new Date(), { amountMb: 30, count: 1 }));
    const [user] = await seedUsers(stack, 1, '1350400');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => httpClient(urls()[i % 2]).post('/api/v1/coupons/redeem', { code: codes[0] }, { token: user.token, idempotencyKey: true })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    // Every attempt holds one point of the wrong-code limit until its code is found, so a burst
    // past the limit from one person may meet 429 rather than 409: never a second credit.
    const refusals = new Set(answers.filter((a) => a.status !== 200).map((a) => a.body.error.code));
    expect([...refusals].filter((code) => code !== 'ALREADY_REDEEMED' && code !== 'RATE_LIMITED')).toEqual([]);
    expect((await stack.client.get('/api/v1/wallet', { token: user.token })).body.balanceMb).toBe(30);
  });

  it('returns the unredeemed rest once when validUntil passes while redemptions and two processes’ settlements race', async () => {
    const { batchId, codes } = await issuedCodes(stack.client, ownerToken, sid, couponBatchRequest(new Date(), { amountMb: 10, count: 40 }));
    const users = await seedUsers(stack, 40, '1350500');
    const budgetBefore = (await stack.client.get(`/api/v1/sponsors/${sid}`, { token: ownerToken })).body.budgetMb as number;
    // The window closes in the middle of the storm: whichever side of it each redemption lands, the sums must hold.
    await db().query('UPDATE coupon_batches SET valid_until = ? WHERE id = ?', [new Date(Date.now() + 150), batchId]);
    const coupons = stack.server.services.coupons;
    const settleUntilDone = async () => {
      for (let round = 0; round < 100; round++) {
        await coupons.settleExpiredBatches();
        const [row] = await db().query('SELECT status FROM coupon_batches WHERE id = ?', [batchId]);
        if (row.status === 'settled') return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const [answers] = await Promise.all([
      Promise.all(users.map((u, i) => httpClient(urls()[i % 2]).post('/api/v1/coupons/redeem', { code: codes[i] }, { token: u.token, idempotencyKey: true }))),
      settleUntilDone(),
      settleUntilDone(),
    ]);
    const [batch] = await db().query('SELECT status, redeemed_count, returned_mb FROM coupon_batches WHERE id = ?', [batchId]);
    expect(batch.status).toBe('settled');
    const redeemed = answers.filter((a) => a.status === 200).length;
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error.code)).toEqual(Array(40 - redeemed).fill('EXPIRED'));
    expect(batch.redeemed_count).toBe(redeemed);
    const returns = await db().query(`SELECT amount_mb FROM transfers WHERE kind = 'coupon_return' AND ref_id = ?`, [batchId]);
    expect(returns).toHaveLength(1);
    expect(Number(returns[0].amount_mb) + redeemed * 10).toBe(400);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}`, { token: ownerToken })).body.budgetMb).toBe(budgetBefore + Number(returns[0].amount_mb));
    const [escrow] = await db().query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:coupon_batch:${batchId}`]);
    expect(Number(escrow.balance_mb)).toBe(0);
  });
});
