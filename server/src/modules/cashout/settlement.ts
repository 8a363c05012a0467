import { shanghaiDayKey } from '@liuliang/shared';
import type { Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { EXTERNAL_ACCOUNTS, escrowCode, walletCode } from '../ledger';
import { toInt } from '../../db/sql';
import { dayOf, finishOrder, insertIncident, markAttempt, releaseVolume, scheduleOrder, type AttemptRow, type OrderRow } from './repository';

/**
 * The ends of an order and of its attempts, each run inside the transaction that holds the
 * order's row lock: that lock and the status guards of the callers are what make a success
 * settle once, a refund happen once, and an incident be recorded once.
 */

export type SettleDeps = Pick<Deps, 'clock' | 'ledger'>;

export const orderRef = (orderId: string) => ({ type: 'cashout_order', id: orderId });
export const orderEscrow = (orderId: string) => escrowCode('cash_out', orderId);

/** The attempt succeeded while its order waited for it: the escrow goes out to the carrier. */
export async function settleSuccess(tx: Tx, deps: SettleDeps, order: OrderRow, attempt: AttemptRow, supplierRef: string | null): Promise<void> {
  const now = deps.clock.now();
  await markAttempt(tx, attempt.id, 'succeeded', supplierRef, now);
  await finishOrder(tx, order.id, 'succeeded', now);
  // The data was paid for when ordered; lots that expired while it ran still go out as they are.
  await deps.ledger.transfer(tx, {
    fromCode: orderEscrow(order.id),
    toCode: EXTERNAL_ACCOUNTS.recharged,
    amountMb: toInt(order.price_mb),
    kind: 'cashout_recharge',
    ref: orderRef(order.id),
    spendExpired: true,
  });
}

/** The attempt certainly failed: its reserved volume goes back, and the order tries the next supplier now. */
export async function settleFailure(tx: Tx, deps: SettleDeps, order: OrderRow, attempt: AttemptRow, supplierRef: string | null): Promise<void> {
  const now = deps.clock.now();
  await markAttempt(tx, attempt.id, 'failed', supplierRef, now);
  await releaseVolume(tx, attempt.supplier_id, dayOf(attempt.volume_day), toInt(attempt.size_mb));
  if (order.status === 'processing') await scheduleOrder(tx, order.id, now, null);
}

/** No supplier is left: the order failed and its escrow goes back to the wallet, once (the caller saw it processing under the lock). */
export async function failOrder(tx: Tx, deps: SettleDeps, order: OrderRow): Promise<void> {
  await finishOrder(tx, order.id, 'failed', deps.clock.now());
  await deps.ledger.transfer(tx, {
    fromCode: orderEscrow(order.id),
    toCode: walletCode(order.user_id),
    amountMb: toInt(order.price_mb),
    kind: 'cashout_refund',
    ref: orderRef(order.id),
    spendExpired: true,
  });
}

/**
 * A success for an attempt already given up (a query said it failed), or a second success of one
 * order: the supplier recharged data no wallet paid for. Recorded for operators, never dropped,
 * and the ledger stays exact: the recharged data is booked out from `recharge_overrun`.
 */
export async function recordOverrun(tx: Tx, deps: SettleDeps, order: OrderRow, attempt: AttemptRow, supplierRef: string | null): Promise<boolean> {
  const now = deps.clock.now();
  const kind = order.status === 'succeeded' ? 'second_success' : 'late_success';
  const incidentId = await insertIncident(tx, { orderId: order.id, attemptId: attempt.id, kind, amountMb: toInt(attempt.size_mb), supplierRef, now });
  if (incidentId === null) return false;
  // The attempt did succeed at the supplier: its row says so, and the incident says why that is not the order's success.
  await markAttempt(tx, attempt.id, 'succeeded', supplierRef, now);
  await deps.ledger.transfer(tx, {
    fromCode: EXTERNAL_ACCOUNTS.rechargeOverrun,
    toCode: EXTERNAL_ACCOUNTS.recharged,
    amountMb: toInt(attempt.size_mb),
    kind: 'recharge_overrun',
    ref: { type: 'cashout_incident', id: incidentId },
    // Between two external accounts no lot moves; the ledger asks an expiry of data entering from outside.
    expiresAt: now,
  });
  return true;
}

export const todayKey = (deps: Pick<Deps, 'clock'>): string => shanghaiDayKey(deps.clock.now());
