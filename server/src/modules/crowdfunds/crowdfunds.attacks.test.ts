import { manualClock } from '../../platform/clock';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';

/**
 * Crowdfunds attacked by timing: pledges, the creator's cancel, the deadline passing and the
 * settling job all at once. The crowdfund's row lock must give it one outcome, and every pledge
 * taken must come back exactly once.
 */
describe('crowdfunds under attack', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
  });
  afterAll(() => stack.close());

  it('refunds every pledge once when pledges, the cancel, the deadline and several job runs collide', async () => {
    const [creator, ...pledgers] = await seedUsers(stack, 21, '1382301');
    await fundWallets(
      stack.server.deps,
      pledgers.map((p) => p.userId),
      100,
    );
    const deadline = new Date(clock.now().getTime() + 2 * 3600_000);
    const created = await stack.client.post(
      '/api/v1/crowdfunds',
      { title: '撞车', goalMb: 10_000, deadline: deadline.toISOString() },
      { token: creator.token, idempotencyKey: true },
    );
    const id = created.body.id as string;
    const creatorBefore = await balanceOf(stack.server.deps, creator.userId);
    const pledge = (i: number) => stack.client.post(`/api/v1/crowdfunds/${id}/pledges`, { amountMb: 7 }, { token: pledgers[i % pledgers.length].token, idempotencyKey: true });

    // Five pledges land first, so there is something to refund; then everything else at once.
    const first = await Promise.all(Array.from({ length: 5 }, (_, i) => pledge(i)));
    expect(first.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const answers = [
      ...first,
      ...(await Promise.all([
        ...Array.from({ length: 15 }, (_, i) => pledge(i + 5)),
        stack.client.post(`/api/v1/crowdfunds/${id}/cancel`, undefined, { token: creator.token, idempotencyKey: true }),
        ...Array.from({ length: 10 }, (_, i) => pledge(i + 20)),
        (async () => {
          await new Promise((resolve) => setImmediate(resolve));
          clock.set(new Date(deadline.getTime() + 1000));
          await Promise.all([1, 2, 3].map(() => stack.server.services.crowdfunds.settleClosedCrowdfunds()));
          return { status: 0, body: null };
        })(),
        ...Array.from({ length: 10 }, (_, i) => pledge(i + 30)),
      ])),
    ];
    await stack.server.services.crowdfunds.settleClosedCrowdfunds();

    const decided = answers.filter((a) => a.status !== 0);
    expect(decided.filter((a) => ![200, 201, 409].includes(a.status))).toEqual([]);
    const view = (await stack.client.get(`/api/v1/crowdfunds/${id}`, { token: creator.token })).body;
    expect(['cancelled', 'failed']).toContain(view.status);
    expect(view.raisedMb).toBe(7 * answers.filter((a) => a.status === 201).length);
    for (const p of pledgers) expect(await balanceOf(stack.server.deps, p.userId)).toBe(100);
    expect(await balanceOf(stack.server.deps, creator.userId)).toBe(creatorBefore);
    const [refunds] = await stack.server.deps.dataSource.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(amount_mb), 0) AS mb FROM transfers WHERE kind = 'crowdfund_refund' AND ref_id = ?`,
      [id],
    );
    expect(Number(refunds.mb)).toBe(view.raisedMb);
  });
});
