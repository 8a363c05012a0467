import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';
import { LEDGER_REGISTRY } from '../../ledger-registrations';
import { auditLedger } from '../ledger/audit';
import { sponsorBudgetCode } from './service';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('the sweep of expired sponsor budget lots', () => {
  let stack: TestStack;
  const clock = manualClock(new Date('2026-01-15T02:00:00Z'));
  beforeAll(async () => {
    stack = await startTestStack({}, clock);
  });
  afterAll(() => stack.close());

  const db = () => stack.server.deps.dataSource;
  const balanceOf = async (code: string) => Number((await db().query('SELECT balance_mb FROM accounts WHERE code = ?', [code]))[0]?.balance_mb ?? 0);

  it('moves a budget’s expired data to `expired` exactly once with four sweeps racing, and leaves what has not expired', async () => {
    await grantOperator(stack, '13920000001', 'admin');
    const admin = await signIn(stack.client, '13920000001');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13920000002', 1000);
    const owner = await signIn(stack.client, '13920000002');
    // 300 of the first lot funds an activity that ends (and returns its rest) before the lot expires.
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(clock.now(), { budgetMb: 300 }));
    clock.advanceMs(180 * DAY_MS);
    await stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/end`, undefined, { token: owner.token, idempotencyKey: true });
    await stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb: 500, reference: 'INV-LATER' }, { token: admin.token, idempotencyKey: true });
    expect((await stack.client.get(`/api/v1/sponsors/${sid}`, { token: owner.token })).body.budgetMb).toBe(1500);

    // Past the first top-up's twelve months, before the second's.
    clock.advanceMs(190 * DAY_MS);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}`, { token: owner.token })).body.budgetMb).toBe(500);
    const expiredBefore = await balanceOf('ext:expired');
    const sweeps = await Promise.all(Array.from({ length: 4 }, () => stack.server.services.sponsors.sweepExpiredBudgets()));
    expect(sweeps.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(await stack.server.services.sponsors.sweepExpiredBudgets()).toBe(0);

    expect((await balanceOf('ext:expired')) - expiredBefore).toBe(1000);
    expect(await balanceOf(sponsorBudgetCode(sid))).toBe(500);
    const expiries = await db().query('SELECT amount_mb FROM sponsor_budget_expiries WHERE sponsor_id = ?', [sid]);
    expect(expiries.map((e: { amount_mb: string }) => Number(e.amount_mb))).toEqual([1000]);
    const transfers = await db().query(
      `SELECT t.amount_mb, t.ref_type, t.ref_id FROM transfers t JOIN accounts a ON a.id = t.from_account_id WHERE a.code = ? AND t.kind = 'expiry'`,
      [sponsorBudgetCode(sid)],
    );
    expect(transfers).toEqual([{ amount_mb: '1000', ref_type: 'sponsor', ref_id: sid }]);
    expect(await auditLedger(db().manager, LEDGER_REGISTRY)).toEqual([]);
  });
});
