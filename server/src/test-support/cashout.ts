import type { SupplierBehaviour } from '../carrier-sim/suppliers';
import type { CarrierSimAdmin } from '../carrier-sim/admin-client';
import type { HttpClient } from './http-client';
import { eventually } from './eventually';

/** What the cash-out tests share: suppliers played by the simulator and registered through the API, and waits on orders. */

/** Timings that let a test watch unknown outcomes be asked about within a second or two. */
export const FAST_CASHOUT = {
  JOBS_ENABLED: true,
  JOB_INTERVAL_MS: 3_000,
  SUPPLIER_TIMEOUT_MS: 300,
  CASHOUT_QUERY_AFTER_MS: 400,
  CASHOUT_RETRY_MS: 200,
} as const;

export const supplierSecret = (name: string) => `secret-of-${name}-0123456789`;

export async function addSimSupplier(
  client: HttpClient,
  sim: CarrierSimAdmin,
  simUrl: string,
  adminToken: string,
  supplier: { name: string; behaviour: SupplierBehaviour; priority: number; dailyCapMb?: number; seed?: number; callbackDelayMs?: number; provinces?: string[] },
): Promise<string> {
  const secret = supplierSecret(supplier.name);
  await sim.setSupplier({ name: supplier.name, secret, behaviour: supplier.behaviour, seed: supplier.seed, callbackDelayMs: supplier.callbackDelayMs ?? 30 });
  const created = await client.post(
    '/api/v1/ops/suppliers',
    {
      name: supplier.name,
      endpoint: `${simUrl}/suppliers/${supplier.name}`,
      secret,
      carriers: ['cmcc', 'unicom', 'telecom'],
      provinces: supplier.provinces ?? [],
      priority: supplier.priority,
      dailyCapMb: supplier.dailyCapMb ?? 1_000_000,
      enabled: true,
    },
    { token: adminToken },
  );
  if (created.status !== 201) throw new Error(`supplier ${supplier.name}: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id;
}

export async function placeOrder(client: HttpClient, token: string, productId: string): Promise<string> {
  const placed = await client.post('/api/v1/cashout/orders', { productId }, { token, idempotencyKey: true });
  if (placed.status !== 201) throw new Error(`order: ${placed.status} ${JSON.stringify(placed.body)}`);
  return placed.body.id;
}

/** The order once it has ended (succeeded or failed). */
export async function finishedOrder(client: HttpClient, token: string, orderId: string, deadlineMs = 30_000): Promise<any> {
  return eventually(
    `order ${orderId} to end`,
    async () => {
      const order = await client.get(`/api/v1/cashout/orders/${orderId}`, { token });
      return order.body.status !== 'processing' && order.body;
    },
    deadlineMs,
  );
}

/** How many recharges really succeeded at these suppliers for these attempt ids, from the simulator's own records. */
export async function successesAtSuppliers(sim: CarrierSimAdmin, supplierNames: readonly string[], attemptIds: readonly string[]): Promise<number> {
  const ids = new Set(attemptIds);
  let count = 0;
  for (const name of supplierNames) count += (await sim.rechargeRecords(name)).filter((r) => ids.has(r.attemptId) && r.status === 'succeeded').length;
  return count;
}
