import type { CashoutOrder, CashoutOrderStatus, CashoutProduct, SupplierCallback } from '@liuliang/shared';
import { SupplierCallbackSchema } from '@liuliang/shared';
import { inTransaction } from '../../db/sql';
import type { Deps } from '../../deps';
import { redisKey } from '../../deps';
import { DomainError, invalidInput, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import { REPLAY_WINDOW_MS, verifyRequest, type NonceStore } from '../../carrier/signing';
import { walletCode } from '../ledger';
import { requireAccess, type Actor } from '../sponsors/service';
import { findProduct, productsFor } from './catalogue';
import { cashoutTexts } from './messages';
import { attemptsOfOrders, dueOrderIds, findAttemptOfSupplier, findOrder, findSupplier, insertOrder, pageOfOrders } from './repository';
import { OrderRunner } from './runner';
import { openSupplierSecret } from './secrets';
import { orderEscrow, orderRef } from './settlement';
import { SupplierClient } from './supplier-client';
import { orderCursor, orderView, parseOrderCursor } from './views';

/** What cash-out is made of. */
export type CashoutDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger' | 'logger' | 'redis'>;

/** Bound on the due orders one sweep wakes. */
const DUE_ORDERS_PER_SWEEP = 200;
const PAGE_DEFAULT = 20;

/** The signature headers of a supplier's callback, and the request line it signed. */
export interface SignedCallback {
  pathWithQuery: string;
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  rawBody: string;
}

/**
 * Cash-out to the phone (SPEC §3.7): the catalogue, orders paid into their escrow at once and
 * run in the background (runner.ts), and the suppliers' callbacks.
 */
export class CashoutService {
  readonly runner: OrderRunner;
  /** Runs an order soon, in some process: the BullMQ queue once jobs start, else this process. */
  private wake: (orderId: string) => void;
  private callbackBase: string;

  constructor(private readonly deps: CashoutDeps) {
    this.callbackBase = deps.config.CASHOUT_CALLBACK_BASE_URL ?? deps.config.PUBLIC_URL ?? `http://127.0.0.1:${deps.config.PORT}`;
    this.runner = new OrderRunner(
      deps,
      new SupplierClient(deps.config.SUPPLIER_TIMEOUT_MS),
      (supplierId) => `${this.callbackBase.replace(/\/+$/, '')}/api/v1/suppliers/${supplierId}/callbacks`,
    );
    this.wake = (orderId) => void this.driveOrder(orderId);
  }

  /** Where suppliers call back when no address is configured: this process's own, known once it listens. */
  useOwnAddress(url: string): void {
    if (!this.deps.config.CASHOUT_CALLBACK_BASE_URL && !this.deps.config.PUBLIC_URL) this.callbackBase = url;
  }

  wakeOrdersWith(wake: (orderId: string) => void): void {
    this.wake = wake;
  }

  async products(actor: Actor): Promise<CashoutProduct[]> {
    await requireAccess(this.deps.dataSource.manager, actor, 'cashout.own');
    return productsFor(actor.user.carrier, this.deps.config.CASHOUT_FEE_PERCENT);
  }

  /** Takes the price into the order's escrow and answers `processing`; the runner does the rest. */
  async placeOrder(actor: Actor, productId: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<CashoutOrder> {
    const { dataSource, clock, ledger, config } = this.deps;
    const { user } = actor;
    const product = findProduct(user.carrier, productId, config.CASHOUT_FEE_PERCENT);
    const order = await inTransaction(dataSource, async (tx) => {
      await requireAccess(tx, actor, 'cashout.own');
      if (!product) throw notFound(cashoutTexts.noSuchProduct);
      const id = opaqueId();
      const now = clock.now();
      await outcome.record(tx, orderRef(id));
      await insertOrder(tx, {
        id,
        userId: user.id,
        phone: user.phone,
        carrier: user.carrier,
        province: user.province,
        productId: product.id,
        sizeMb: product.sizeMb,
        priceMb: product.priceMb,
        now,
      });
      await ledger.ensureAccount(tx, orderEscrow(id));
      await ledger.transfer(tx, { fromCode: walletCode(user.id), toCode: orderEscrow(id), amountMb: product.priceMb, kind: 'cashout_order', ref: orderRef(id) });
      const placed: CashoutOrder = {
        id,
        productId: product.id,
        sizeMb: product.sizeMb,
        priceMb: product.priceMb,
        status: 'processing',
        createdAt: now.toISOString(),
        finishedAt: null,
        attempts: [],
      };
      await outcome.answer(tx, placed);
      return placed;
    });
    // Committed first, woken second: a worker that looked earlier would not find the order.
    this.wake(order.id);
    return order;
  }

  async getOrder(actor: Actor, orderId: string): Promise<CashoutOrder> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'cashout.own');
    const row = await findOrder(sql, orderId, actor.user.id);
    if (!row) throw notFound(cashoutTexts.noSuchOrder);
    return orderView(row, (await attemptsOfOrders(sql, [row.id])).get(row.id) ?? []);
  }

  async listOrders(actor: Actor, query: { limit?: number; cursor?: string; status?: CashoutOrderStatus }): Promise<{ items: CashoutOrder[]; nextCursor: string | null }> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'cashout.own');
    const limit = query.limit ?? PAGE_DEFAULT;
    const rows = await pageOfOrders(sql, { userId: actor.user.id, status: query.status, before: parseOrderCursor(query.cursor), limit });
    const attempts = await attemptsOfOrders(
      sql,
      rows.map((r) => r.id),
    );
    return { items: rows.map((r) => orderView(r, attempts.get(r.id) ?? [])), nextCursor: rows.length === limit ? orderCursor(rows[rows.length - 1]) : null };
  }

  /** Runs an order's due steps (a job, or this process when no jobs run); never throws. */
  async driveOrder(orderId: string): Promise<void> {
    try {
      await this.runner.drive(orderId);
    } catch (error) {
      this.deps.logger.error({ err: error, orderId }, 'cash-out order step failed; the sweep takes it up again');
    }
  }

  /** The sweep: wakes the orders whose next step is due (a callback that never came, a lease a dead process left). */
  async wakeDueOrders(): Promise<number> {
    const ids = await dueOrderIds(this.deps.dataSource.manager, this.deps.clock.now(), DUE_ORDERS_PER_SWEEP);
    for (const id of ids) this.wake(id);
    return ids.length;
  }

  /**
   * `POST /suppliers/:supplierId/callbacks`: checked as the supplier's (signature with its secret,
   * timestamp inside the window, nonce never seen by any process), then applied once.
   */
  async acceptCallback(supplierId: string, signed: SignedCallback): Promise<{ attemptId: string; applied: boolean }> {
    const { dataSource, config, clock } = this.deps;
    const supplier = await findSupplier(dataSource.manager, supplierId);
    if (!supplier) throw notFound(cashoutTexts.noSuchSupplier);
    let acceptedNonce: string | null = null;
    const capture: NonceStore = {
      remember: (nonce) => {
        acceptedNonce = nonce;
        return 'fresh';
      },
    };
    const check = verifyRequest({
      secret: openSupplierSecret(config, supplier.secret_sealed),
      target: { method: 'POST', pathWithQuery: signed.pathWithQuery },
      timestampHeader: signed.timestamp,
      nonceHeader: signed.nonce,
      signatureHeader: signed.signature,
      rawBody: signed.rawBody,
      nowMs: clock.now().getTime(),
      seenNonces: capture,
    });
    if (!check.ok) throw new DomainError(check.code === 'STALE_REQUEST' ? 'STALE_REQUEST' : 'BAD_SIGNATURE', check.message);
    // Genuine: remembered by every process for the whole window, so a captured callback is taken once.
    const fresh = await this.deps.redis.set(redisKey(config, 'supplier-nonce', supplierId, acceptedNonce!), '1', 'PX', 2 * REPLAY_WINDOW_MS, 'NX');
    if (fresh !== 'OK') throw new DomainError('REPLAYED_REQUEST', 'This callback was already received.');
    const callback = parseCallback(signed.rawBody);
    const attempt = await findAttemptOfSupplier(dataSource.manager, callback.attemptId, supplierId);
    if (!attempt) throw notFound(cashoutTexts.unknownAttempt);
    const applied = await this.runner.applyCallback(attempt.id, attempt.order_id, callback.status, callback.supplierRef ?? null);
    // A definite failure moves the order on now, not at the next sweep.
    if (applied && callback.status === 'failed') this.wake(attempt.order_id);
    return { attemptId: attempt.id, applied };
  }
}

function parseCallback(rawBody: string): SupplierCallback {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw invalidInput('The callback body is not JSON.');
  }
  const parsed = SupplierCallbackSchema.safeParse(json);
  if (!parsed.success) throw invalidInput(`Invalid callback: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  return parsed.data;
}
