import { shanghaiDayKey } from '@liuliang/shared';
import { addSimSupplier, FAST_CASHOUT, placeOrder } from '../../test-support/cashout';
import { eventually } from '../../test-support/eventually';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { grantOperator } from '../../test-support/sponsors';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { fundWallets } from '../../test-support/wallets';
import { httpClient } from '../../test-support/http-client';

/**
 * SPEC §3.7 under a crash: orders over two server processes, one SIGKILLed mid-way and started
 * again, suppliers that each draw a random fault per request. Every order must end succeeded or
 * failed, with at most one success at the suppliers (counted from their own records) beyond the
 * incidents recorded, and the ledger audit (escrows empty) must pass.
 */
const ORDERS = Number(process.env.CASHOUT_CRASH_ORDERS ?? 200);
const SUPPLIERS = ['alpha', 'beta', 'gamma'] as const;

describe('cash-out orders across two processes, one killed mid-way', () => {
  let stack: TestStack;
  let users: SeededUser[];
  const processes: ServerProcess[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    const [admin, ...rest] = await seedUsers(stack, ORDERS + 1, '1350003');
    users = rest;
    await grantOperator(stack, admin.phone, 'admin');
    await fundWallets(
      stack.server.deps,
      users.map((u) => u.userId),
      1000,
    );
    for (const [i, name] of SUPPLIERS.entries()) {
      await addSimSupplier(stack.client, stack.sim, stack.simUrl, admin.token, { name, behaviour: 'random', priority: 10 - i, seed: 7 + i, callbackDelayMs: 40 });
    }
  }, 60_000);
  afterAll(async () => {
    for (const p of processes) await p.kill();
    await stack?.close();
  });

  it('ends every order once, with at most one success each beyond its incidents', async () => {
    const config = { ...stack.config, ...FAST_CASHOUT, DB_POOL_SIZE: 6 };
    // Suppliers call back through one stable address, as through a load balancer: b's, which lives throughout.
    const b = await spawnServer(config);
    const a = await spawnServer(config, { CASHOUT_CALLBACK_BASE_URL: b.url });
    processes.push(a, b);
    const place = (url: string, from: number, to: number) =>
      Promise.all(users.slice(from, to).map((u, i) => placeOrder(httpClient(url), u.token, i % 2 === 0 ? 'cmcc-100' : 'cmcc-50')));
    const half = ORDERS / 2;
    const first = await Promise.all([place(a.url, 0, half / 2), place(b.url, half / 2, half)]);
    // Mid-way: orders are being sent, queried and called back on both processes.
    await a.kill();
    const restarted = await spawnServer(config, { CASHOUT_CALLBACK_BASE_URL: b.url });
    processes.push(restarted);
    const second = await Promise.all([place(restarted.url, half, half + half / 2), place(b.url, half + half / 2, ORDERS)]);
    const orderIds = [...first.flat(), ...second.flat()];
    expect(new Set(orderIds).size).toBe(ORDERS);

    const sql = stack.server.deps.dataSource;
    await eventually(
      'every order to end',
      async () => {
        const [row] = await sql.query(`SELECT COUNT(*) AS n FROM cashout_orders WHERE status = 'processing'`);
        return Number(row.n) === 0;
      },
      180_000,
    ).catch(async (error) => {
      const stuck = await sql.query(
        `SELECT o.id, o.next_step_at, o.lease_until, a.seq, a.status, a.created_at FROM cashout_orders o JOIN cashout_attempts a ON a.order_id = o.id WHERE o.status = 'processing' ORDER BY o.id, a.seq LIMIT 20`,
      );
      throw new Error(`${error.message}\n${JSON.stringify(stuck, null, 1)}\n${b.log().slice(-3000)}`);
    });
    // The daily comparison with the suppliers' records, as the job runs it: it finds a late success whose callback was lost.
    await stack.server.services.reconciliation.reconcile(shanghaiDayKey(new Date()));
    const orders: Array<{ id: string; status: string }> = await sql.query('SELECT id, status FROM cashout_orders');
    expect(orders).toHaveLength(ORDERS);
    const attempts: Array<{ id: string; order_id: string }> = await sql.query('SELECT id, order_id FROM cashout_attempts');
    const orderOfAttempt = new Map(attempts.map((x) => [x.id, x.order_id]));
    const successes = new Map<string, number>();
    for (const name of SUPPLIERS) {
      for (const record of await stack.sim.rechargeRecords(name)) {
        if (record.status !== 'succeeded') continue;
        const orderId = orderOfAttempt.get(record.attemptId);
        // Every recharge a supplier did was asked for by an attempt we recorded.
        expect(orderId).toBeDefined();
        successes.set(orderId!, (successes.get(orderId!) ?? 0) + 1);
      }
    }
    const incidents: Array<{ order_id: string }> = await sql.query('SELECT order_id FROM cashout_incidents');
    const incidentsOf = new Map<string, number>();
    for (const i of incidents) incidentsOf.set(i.order_id, (incidentsOf.get(i.order_id) ?? 0) + 1);
    for (const order of orders) {
      expect(['succeeded', 'failed']).toContain(order.status);
      const beyondIncidents = (successes.get(order.id) ?? 0) - (incidentsOf.get(order.id) ?? 0);
      expect({ order: order.id, successes: beyondIncidents }).toEqual({ order: order.id, successes: order.status === 'succeeded' ? 1 : 0 });
    }
    const [escrow] = await sql.query(`SELECT COALESCE(SUM(balance_mb), 0) AS mb FROM accounts WHERE code LIKE 'escrow:cash_out:%'`);
    expect(Number(escrow.mb)).toBe(0);
  }, 300_000);
});
