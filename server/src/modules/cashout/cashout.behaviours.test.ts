import type { SupplierBehaviour } from '../../carrier-sim/suppliers';
import { addSimSupplier, FAST_CASHOUT, finishedOrder, placeOrder, successesAtSuppliers, supplierSecret } from '../../test-support/cashout';
import { eventually } from '../../test-support/eventually';
import { grantOperator } from '../../test-support/sponsors';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';
import { expectLedgerIntact } from '../../test-support/database';

/**
 * SPEC §3.7 against every supplier behaviour the simulator plays: the first supplier (higher
 * priority) misbehaves, the second answers properly. For each: the order's end, who recharged
 * it (counted from the simulator's own records), the wallet, incidents, and the ledger audit.
 */
type Case = {
  behaviour: SupplierBehaviour;
  status: 'succeeded' | 'failed';
  by: Array<'first' | 'second'>;
  successes: number;
  incident: boolean;
  secondBehaviour?: SupplierBehaviour;
};
const CASES: Case[] = [
  { behaviour: 'ok', status: 'succeeded', by: ['first'], successes: 1, incident: false },
  { behaviour: 'refuse', status: 'succeeded', by: ['first', 'second'], successes: 1, incident: false },
  { behaviour: 'fail_later', status: 'succeeded', by: ['first', 'second'], successes: 1, incident: false },
  { behaviour: 'never_answer', status: 'succeeded', by: ['first', 'second'], successes: 1, incident: false },
  { behaviour: 'answer_only_to_query', status: 'succeeded', by: ['first'], successes: 1, incident: false },
  { behaviour: 'callback_twice', status: 'succeeded', by: ['first'], successes: 1, incident: false },
  { behaviour: 'success_after_timeout', status: 'succeeded', by: ['first'], successes: 1, incident: false },
  // The supplier's query says failed, the order moves on and succeeds, then the first one's success arrives.
  { behaviour: 'late_callback_after_query_failure', status: 'succeeded', by: ['first', 'second'], successes: 2, incident: true },
  { behaviour: 'refuse', secondBehaviour: 'fail_later', status: 'failed', by: ['first', 'second'], successes: 0, incident: false },
  { behaviour: 'late_callback_after_query_failure', secondBehaviour: 'refuse', status: 'failed', by: ['first', 'second'], successes: 1, incident: true },
];
const PRICE_MB = 100;
const FUNDED_MB = 1000;

describe('cash-out against each supplier behaviour', () => {
  let stack: TestStack;
  let admin: SeededUser;
  let users: SeededUser[];

  beforeAll(async () => {
    stack = await startTestStack(FAST_CASHOUT);
    [admin, ...users] = await seedUsers(stack, CASES.length + 1, '1350001');
    await grantOperator(stack, admin.phone, 'admin');
    await fundWallets(
      stack.server.deps,
      users.map((u) => u.userId),
      FUNDED_MB,
    );
    await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name: 'first', behaviour: 'ok', priority: 10 });
    await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name: 'second', behaviour: 'ok', priority: 5 });
  }, 60_000);
  afterAll(() => stack?.close());

  it.each(CASES.map((c, i) => [`${c.behaviour}${c.secondBehaviour ? ` then ${c.secondBehaviour}` : ''}`, c, i] as const))('%s', async (_name, c, i) => {
    const user = users[i];
    await stack.sim.setSupplier({ name: 'first', secret: supplierSecret('first'), behaviour: c.behaviour, callbackDelayMs: 30 });
    await stack.sim.setSupplier({ name: 'second', secret: supplierSecret('second'), behaviour: c.secondBehaviour ?? 'ok', callbackDelayMs: 30 });

    const orderId = await placeOrder(stack.client, user.token, 'cmcc-100');
    const order = await finishedOrder(stack.client, user.token, orderId);
    expect(order.status).toBe(c.status);
    expect(order.attempts.map((a: { supplier: string }) => a.supplier)).toEqual(c.by);
    // Every attempt its own id, never reused.
    expect(new Set(order.attempts.map((a: { id: string }) => a.id)).size).toBe(order.attempts.length);

    const attemptIds = order.attempts.map((a: { id: string }) => a.id);
    if (c.incident) {
      await eventually('the late success recorded as an incident', async () => {
        const incidents = await stack.client.get('/api/v1/ops/incidents', { token: admin.token });
        return incidents.body.items.some((x: { orderId: string }) => x.orderId === orderId);
      });
    }
    expect(await successesAtSuppliers(stack.sim, ['first', 'second'], attemptIds)).toBe(c.successes);
    const incidents = await stack.client.get('/api/v1/ops/incidents', { token: admin.token });
    expect(incidents.body.items.filter((x: { orderId: string }) => x.orderId === orderId)).toHaveLength(c.incident ? 1 : 0);
    expect(await balanceOf(stack.server.deps, user.userId)).toBe(c.status === 'succeeded' ? FUNDED_MB - PRICE_MB : FUNDED_MB);
    await expectLedgerIntact(stack.databaseUrl);
  });
});
