import { inTransaction, toInt, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { opaqueId } from '../../platform/ids';
import { failOrder, recordOverrun, settleFailure, settleSuccess, todayKey } from './settlement';
import { openSupplierSecret } from './secrets';
import {
  attemptsOfOrder,
  insertAttempt,
  listSuppliers,
  lockAttempt,
  lockOrder,
  reserveVolume,
  scheduleOrder,
  type AttemptRow,
  type OrderRow,
  type SupplierRow,
} from './repository';
import type { QueryOutcome, SendOutcome, SupplierClient } from './supplier-client';

/**
 * Runs a cash-out order (SPEC §3.7) one step at a time: each step decides under the order's row
 * lock, talks to a supplier with no transaction open, and applies what it learnt under the lock
 * again. A process that dies anywhere leaves a lease that runs out, and the next process takes
 * the order up from what is committed: an attempt created but perhaps never sent is asked about,
 * never sent again under a new id, so at most one attempt of an order can be live at a time.
 */

export type RunnerDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger' | 'logger'>;

/** Bound on the steps one run takes (a run ends earlier whenever it must wait). */
const MAX_STEPS_PER_RUN = 20;
/** Slack of a lease beyond the two exchanges a step may make. */
const LEASE_SLACK_MS = 2_000;

type Step =
  { kind: 'wait' } | { kind: 'send'; attempt: AttemptRow; supplier: SupplierRow; order: OrderRow } | { kind: 'query'; attempt: AttemptRow; supplier: SupplierRow; order: OrderRow };

export class OrderRunner {
  constructor(
    private readonly deps: RunnerDeps,
    private readonly client: SupplierClient,
    private readonly callbackUrlOf: (supplierId: string) => string,
  ) {}

  /** How long a step may hold an order: a send or a query, bounded by the supplier timeout, and slack. */
  get leaseMs(): number {
    return 2 * this.deps.config.SUPPLIER_TIMEOUT_MS + LEASE_SLACK_MS;
  }

  /** Runs the order's due steps until it must wait (for a callback, a retry time, another process) or ends. */
  async drive(orderId: string): Promise<void> {
    for (let step = 0; step < MAX_STEPS_PER_RUN; step++) {
      const next = await inTransaction(this.deps.dataSource, (tx) => this.claimStep(tx, orderId));
      if (next.kind === 'wait') return;
      const secret = openSupplierSecret(this.deps.config, next.supplier.secret_sealed);
      const supplier = { endpoint: next.supplier.endpoint, secret };
      const goOn =
        next.kind === 'send'
          ? await this.applySend(
              next,
              await this.client.recharge(supplier, {
                attemptId: next.attempt.id,
                phone: next.order.phone,
                sizeMb: toInt(next.attempt.size_mb),
                callbackUrl: this.callbackUrlOf(next.supplier.id),
              }),
            )
          : await this.applyQuery(next, await this.client.query(supplier, next.attempt.id));
      if (!goOn) return;
    }
  }

  /** Under the order's lock: what to do now, with a lease taken when it is a supplier exchange. */
  private async claimStep(tx: Tx, orderId: string): Promise<Step> {
    const { clock } = this.deps;
    const now = clock.now();
    const order = await lockOrder(tx, orderId);
    if (!order || order.status !== 'processing') return { kind: 'wait' };
    if (order.lease_until && new Date(order.lease_until) > now) return { kind: 'wait' };
    if (new Date(order.next_step_at) > now) return { kind: 'wait' };
    const attempts = await attemptsOfOrder(tx, orderId);
    const latest = attempts.at(-1);
    const suppliers = await listSuppliers(tx, todayKey(this.deps));
    const lease = new Date(now.getTime() + this.leaseMs);
    // An attempt given up and then reported succeeded late is an incident's (the audit checks
    // that each such success has one): for the order it stays given up.
    if (latest && latest.status !== 'failed' && latest.status !== 'succeeded') {
      // Sent, perhaps sent, or accepted without a callback yet: only the supplier knows. Never a new attempt before.
      const supplier = suppliers.find((s) => s.id === latest.supplier_id);
      if (!supplier) throw new Error(`attempt ${latest.id} names a supplier that is gone`);
      await scheduleOrder(tx, orderId, now, lease);
      return { kind: 'query', attempt: latest, supplier, order };
    }
    const tried = new Set(attempts.map((a) => a.supplier_id));
    const sizeMb = toInt(order.size_mb);
    const day = todayKey(this.deps);
    for (const supplier of suppliers) {
      if (tried.has(supplier.id) || !serves(supplier, order)) continue;
      if (!(await reserveVolume(tx, supplier.id, day, sizeMb))) continue;
      const attempt = { id: opaqueId(), orderId, seq: attempts.length + 1, supplierId: supplier.id, sizeMb, day, now };
      await insertAttempt(tx, attempt);
      await scheduleOrder(tx, orderId, now, lease);
      const row = await lockAttempt(tx, attempt.id);
      return { kind: 'send', attempt: row!, supplier, order };
    }
    // No supplier left that serves this number and has room today: the order failed.
    await failOrder(tx, this.deps, order);
    return { kind: 'wait' };
  }

  /** Applies a send's outcome; true when the order has a next step at once. */
  private async applySend(step: Extract<Step, { kind: 'send' }>, outcome: SendOutcome): Promise<boolean> {
    const { config, clock } = this.deps;
    if (outcome.kind === 'unknown') this.deps.logger.warn({ attemptId: step.attempt.id, reason: outcome.reason }, 'cash-out attempt outcome unknown; will ask the supplier');
    return this.underLock(step, async (tx, order, attempt) => {
      const now = clock.now();
      if (outcome.kind === 'refused') {
        await settleFailure(tx, this.deps, order, attempt, null);
        return true;
      }
      // Accepted: wait for the callback, and ask if none comes. Unknown: ask soon.
      const waitMs = outcome.kind === 'accepted' ? config.CASHOUT_QUERY_AFTER_MS : config.CASHOUT_RETRY_MS;
      await tx.query('UPDATE cashout_attempts SET status = ? WHERE id = ?', [outcome.kind === 'accepted' ? 'accepted' : 'unknown', attempt.id]);
      await scheduleOrder(tx, order.id, new Date(now.getTime() + waitMs), null);
      return false;
    });
  }

  /** Applies a query's outcome; true when the order has a next step at once. */
  private async applyQuery(step: Extract<Step, { kind: 'query' }>, outcome: QueryOutcome): Promise<boolean> {
    const { config, clock } = this.deps;
    return this.underLock(step, async (tx, order, attempt) => {
      const now = clock.now();
      if (outcome.kind === 'succeeded') {
        await settleSuccess(tx, this.deps, order, attempt, outcome.supplierRef);
        return false;
      }
      // Not found at the supplier long after any send could have arrived: it never got there.
      const neverArrived = outcome.kind === 'not_found' && now.getTime() - new Date(attempt.created_at).getTime() > this.leaseMs;
      if (outcome.kind === 'failed' || neverArrived) {
        await settleFailure(tx, this.deps, order, attempt, outcome.kind === 'failed' ? outcome.supplierRef : null);
        return true;
      }
      if (outcome.kind === 'unavailable') this.deps.logger.warn({ attemptId: attempt.id, reason: outcome.reason }, 'cash-out supplier query failed; will ask again');
      if (outcome.kind === 'processing' && attempt.status !== 'accepted') await tx.query(`UPDATE cashout_attempts SET status = 'accepted' WHERE id = ?`, [attempt.id]);
      await scheduleOrder(tx, order.id, new Date(now.getTime() + config.CASHOUT_RETRY_MS), null);
      return false;
    });
  }

  /**
   * Runs `apply` under the order's lock if the attempt is still open; a callback may have settled
   * it while we talked to the supplier, and then there is only the lease to give back.
   */
  private async underLock(step: { order: OrderRow; attempt: AttemptRow }, apply: (tx: Tx, order: OrderRow, attempt: AttemptRow) => Promise<boolean>): Promise<boolean> {
    return inTransaction(this.deps.dataSource, async (tx) => {
      const order = await lockOrder(tx, step.order.id);
      const attempt = await lockAttempt(tx, step.attempt.id);
      if (!order || !attempt) throw new Error(`cash-out order ${step.order.id} or attempt ${step.attempt.id} vanished`);
      if (order.status !== 'processing') return false;
      if (attempt.status === 'succeeded' || attempt.status === 'failed') {
        // Settled meanwhile by a callback; an order still processing (a late success's incident) moves on.
        await scheduleOrder(tx, order.id, this.deps.clock.now(), null);
        return true;
      }
      return apply(tx, order, attempt);
    });
  }

  /**
   * A supplier's callback, already verified as theirs. Returns whether it changed anything: a
   * duplicate, or one for an attempt already settled the same way, changes nothing.
   */
  async applyCallback(attemptId: string, orderId: string, status: 'succeeded' | 'failed', supplierRef: string | null): Promise<boolean> {
    return inTransaction(this.deps.dataSource, async (tx) => {
      // The order first, as every step locks it: one lock order, no deadlock with a running step.
      const order = await lockOrder(tx, orderId);
      const attempt = await lockAttempt(tx, attemptId);
      if (!order || !attempt) throw new Error(`callback for attempt ${attemptId} of a missing order`);
      const open = attempt.status !== 'succeeded' && attempt.status !== 'failed';
      if (status === 'succeeded') {
        if (open && order.status === 'processing') {
          await settleSuccess(tx, this.deps, order, attempt, supplierRef);
          return true;
        }
        if (attempt.status === 'succeeded') return false;
        return recordOverrun(tx, this.deps, order, attempt, supplierRef);
      }
      if (!open) return false;
      await settleFailure(tx, this.deps, order, attempt, supplierRef);
      return true;
    });
  }
}

/** Whether the supplier serves the order's number: its carrier, and its province unless it serves all. */
function serves(supplier: SupplierRow, order: Pick<OrderRow, 'carrier' | 'province'>): boolean {
  const carriers: string[] = JSON.parse(supplier.carriers_json);
  const provinces: string[] = JSON.parse(supplier.provinces_json);
  return supplier.enabled === 1 && carriers.includes(order.carrier) && (provinces.length === 0 || provinces.includes(order.province));
}
