import { shanghaiDayKey } from '@liuliang/shared';
import { newNonce, signedRequestHeaders } from '../../carrier/signing';
import { addSimSupplier, FAST_CASHOUT, finishedOrder, placeOrder, supplierSecret } from '../../test-support/cashout';
import { grantOperator } from '../../test-support/sponsors';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';

/** SPEC §3.7: callbacks signed and taken once, daily caps never passed, reconciliation finding each kind of mismatch. */
describe('cash-out protocol: callbacks, caps, reconciliation', () => {
  let stack: TestStack;
  let admin: SeededUser;
  let users: SeededUser[];
  let firstId = '';

  beforeAll(async () => {
    // Callbacks never come on their own here unless a test sends them: the query comes late.
    stack = await startTestStack({ ...FAST_CASHOUT, CASHOUT_QUERY_AFTER_MS: 60_000 });
    [admin, ...users] = await seedUsers(stack, 40, '1350002');
    await grantOperator(stack, admin.phone, 'admin');
    await fundWallets(
      stack.server.deps,
      users.map((u) => u.userId),
      10_000,
    );
    firstId = await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name: 'cb', behaviour: 'answer_only_to_query', priority: 10 });
  }, 60_000);
  afterAll(() => stack?.close());

  const callbackPath = (supplierId: string) => `/api/v1/suppliers/${supplierId}/callbacks`;
  function signedCallback(body: object, options: { secret?: string; timestampMs?: number; nonce?: string; supplierId?: string } = {}) {
    const rawBody = JSON.stringify(body);
    const path = callbackPath(options.supplierId ?? firstId);
    const headers = signedRequestHeaders(options.secret ?? supplierSecret('cb'), {
      method: 'POST',
      pathWithQuery: path,
      timestampMs: options.timestampMs ?? Date.now(),
      nonce: options.nonce ?? newNonce(),
      rawBody,
    });
    return stack.client.call('POST', path, undefined, { headers, rawBody });
  }

  it('refuses a bad signature, a stale timestamp, a replay and an unknown attempt; a duplicate changes nothing twice', async () => {
    const user = users[0];
    const orderId = await placeOrder(stack.client, user.token, 'cmcc-50');
    const attemptId = await (async () => {
      for (;;) {
        const order = await stack.client.get(`/api/v1/cashout/orders/${orderId}`, { token: user.token });
        if (order.body.attempts[0]?.status === 'accepted') return order.body.attempts[0].id as string;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const success = { attemptId, status: 'succeeded', supplierRef: 'ref-1' };

    const forged = await signedCallback(success, { secret: 'not-the-suppliers-secret-at-all' });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'BAD_SIGNATURE']);
    const stale = await signedCallback(success, { timestampMs: Date.now() - 6 * 60_000 });
    expect([stale.status, stale.body.error.code]).toEqual([401, 'STALE_REQUEST']);
    const unsigned = await stack.client.post(callbackPath(firstId), success);
    expect(unsigned.status).toBe(401);
    const unknown = await signedCallback({ ...success, attemptId: 'nosuchattempt' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const otherSupplier = await signedCallback(success, { supplierId: 'nosuchsupplier' });
    expect(otherSupplier.status).toBe(404);
    // Nothing of the above moved anything.
    expect((await stack.client.get(`/api/v1/cashout/orders/${orderId}`, { token: user.token })).body.status).toBe('processing');

    const nonce = newNonce();
    const first = await signedCallback(success, { nonce });
    expect([first.status, first.body.applied]).toEqual([200, true]);
    const replay = await signedCallback(success, { nonce });
    expect([replay.status, replay.body.error.code]).toEqual([401, 'REPLAYED_REQUEST']);
    const duplicate = await signedCallback(success);
    expect([duplicate.status, duplicate.body.applied]).toEqual([200, false]);
    const contrary = await signedCallback({ ...success, status: 'failed' });
    expect([contrary.status, contrary.body.applied]).toEqual([200, false]);

    const order = await finishedOrder(stack.client, user.token, orderId);
    expect(order.status).toBe('succeeded');
    expect(await balanceOf(stack.server.deps, user.userId)).toBe(10_000 - 50);
    const incidents = await stack.client.get('/api/v1/ops/incidents', { token: admin.token });
    expect(incidents.body.items).toHaveLength(0);
  });

  it('sends orders racing for a capped supplier to the next one, never past the cap', async () => {
    await stack.client.call('PATCH', `/api/v1/ops/suppliers/${firstId}`, { enabled: false }, { token: admin.token });
    const capped = await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name: 'capped', behaviour: 'ok', priority: 9, dailyCapMb: 500 });
    await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name: 'overflow', behaviour: 'ok', priority: 1 });
    const racers = users.slice(1, 21);
    const orderIds = await Promise.all(racers.map((u) => placeOrder(stack.client, u.token, 'cmcc-100')));
    const orders = await Promise.all(orderIds.map((id, i) => finishedOrder(stack.client, racers[i].token, id)));
    expect(orders.every((o) => o.status === 'succeeded')).toBe(true);
    const bySupplier = (name: string) => orders.filter((o) => o.attempts.at(-1).supplier === name).length;
    expect(bySupplier('capped')).toBe(5);
    expect(bySupplier('overflow')).toBe(15);
    const suppliers = await stack.client.get('/api/v1/ops/suppliers', { token: admin.token });
    const cappedRow = suppliers.body.items.find((s: { id: string }) => s.id === capped);
    expect(cappedRow.todayUsedMb).toBe(500);
    expect(cappedRow).not.toHaveProperty('secret');
    expect(JSON.stringify(suppliers.body)).not.toContain('secret-of-');
    const records = await stack.sim.rechargeRecords('capped');
    expect(records.reduce((sum, r) => sum + r.sizeMb, 0)).toBeLessThanOrEqual(500);
  });

  it('places one order for ten parallel requests with one Idempotency-Key, and charges the wallet once', async () => {
    const user = users[30];
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => stack.client.post('/api/v1/cashout/orders', { productId: 'cmcc-100' }, { token: user.token, idempotencyKey: 'one-tap-twice' })),
    );
    expect(answers.every((a) => a.status === 201 || (a.status === 409 && a.body.error.code === 'IDEMPOTENCY_IN_FLIGHT'))).toBe(true);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [orderId] = ids;
    await finishedOrder(stack.client, user.token, orderId);
    const mine = await stack.client.get('/api/v1/cashout/orders', { token: user.token });
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect(await balanceOf(stack.server.deps, user.userId)).toBe(10_000 - 100);
  });

  it('finds an injected mismatch of each kind in reconciliation, in JSON and CSV', async () => {
    const day = shanghaiDayKey(new Date());
    const orders = await stack.client.get('/api/v1/ops/orders?status=succeeded&limit=100', { token: admin.token });
    const overflowAttempts: string[] = orders.body.items.flatMap((o: any) => o.attempts.filter((a: any) => a.supplier === 'overflow').map((a: any) => a.id));
    expect(overflowAttempts.length).toBeGreaterThanOrEqual(3);
    await stack.sim.tamperRecord('overflow', { op: 'delete', attemptId: overflowAttempts[0] });
    await stack.sim.tamperRecord('overflow', { op: 'set', attemptId: overflowAttempts[1], status: 'failed' });
    await stack.sim.tamperRecord('overflow', { op: 'set', attemptId: overflowAttempts[2], sizeMb: 99 });
    await stack.sim.tamperRecord('overflow', { op: 'set', attemptId: 'attemptnobodymade', status: 'succeeded', sizeMb: 100 });

    expect(await stack.server.services.reconciliation.reconcile(day)).toBe(4);
    const view = await stack.client.get(`/api/v1/ops/reconciliation?date=${day}`, { token: admin.token });
    expect(view.status).toBe(200);
    const kindOf = (id: string) => view.body.items.find((i: { attemptId: string }) => i.attemptId === id)?.kind;
    expect(kindOf(overflowAttempts[0])).toBe('missing_at_supplier');
    expect(kindOf(overflowAttempts[1])).toBe('status_mismatch');
    expect(kindOf(overflowAttempts[2])).toBe('size_mismatch');
    expect(kindOf('attemptnobodymade')).toBe('missing_here');
    expect(view.body.counts).toMatchObject({ missing_at_supplier: 1, status_mismatch: 1, size_mismatch: 1, missing_here: 1 });
    expect(view.body.counts.matched).toBeGreaterThan(10);
    // Run again, it says the same once.
    await stack.server.services.reconciliation.reconcile(day);
    const again = await stack.client.get(`/api/v1/ops/reconciliation?date=${day}`, { token: admin.token });
    expect(again.body.items).toHaveLength(view.body.items.length);
    const csv = await stack.client.get(`/api/v1/ops/reconciliation?date=${day}&format=csv`, { token: admin.token });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(
      String(csv.body)
        .split('\n')
        .filter((line) => line.includes(',missing_here,')),
    ).toHaveLength(1);
  });
});
