import type { Deposit, Storage, User } from '@liuliang/shared';
import { DomainError, limitExceeded, notFound } from '../../platform/errors';
import { inTransaction, toInt, type Sql } from '../../db/sql';
import { redisKey, type Deps } from '../../deps';
import { endOfShanghaiMonth, shanghaiMonthKey } from '../../platform/shanghai-time';
import { EXTERNAL_ACCOUNTS, walletCode } from '../ledger';
import { lockUser } from '../auth';
import { OutcomeAlreadyRecorded, settleOutcome, untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import {
  bankedInMonth,
  depositIdOfRequest,
  failIfPending,
  findDeposit,
  findUsersDeposit,
  insertPendingDeposit,
  lockDeposit,
  markCompleted,
  pendingDepositsCreatedBy,
  type DepositRow,
} from './repository';
import { storageTexts } from './messages';
import { PlanCache } from './plan-cache';

const planInsufficient = () => new DomainError('PLAN_INSUFFICIENT', storageTexts.planInsufficient);

/** Pending deposits older than this many carrier timeouts are settled by asking the carrier. */
export const RECONCILE_AFTER_TIMEOUTS = 2;
export const RECONCILE_BATCH = 100;

/** What banking is made of: the carrier, and Redis for the plan views it keeps briefly. */
export type StorageDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger' | 'carrier' | 'logger' | 'redis'>;

const toDeposit = (r: DepositRow): Deposit => ({
  id: String(r.id),
  amountMb: toInt(r.amount_mb),
  status: r.status,
  expiresAt: r.status === 'failed' ? null : new Date(r.expires_at).toISOString(),
});

/**
 * Banking unused plan data (SPEC §3.1). The carrier deducts first; the wallet is credited only
 * on its confirmation. A deposit whose answer is lost stays pending until reconciliation asks
 * the carrier about the same request id: never deducted twice, never credited twice.
 */
export class StorageService {
  private readonly plans: PlanCache;

  constructor(private readonly deps: StorageDeps) {
    this.plans = new PlanCache(deps.redis, (...parts) => redisKey(deps.config, ...parts), deps.config.STORAGE_VIEW_CACHE_SECONDS);
  }

  async view(user: User): Promise<Storage> {
    // The plan as the carrier said it within the last STORAGE_VIEW_CACHE_SECONDS, unless the user deposited since.
    const cached = await this.plans.recall(user.id);
    const plan = cached.plan ?? (await this.deps.carrier.queryPlan(user.phone));
    if (!cached.plan) await this.plans.remember(user.id, cached.generation, plan);
    const bankedThisMonthMb = await this.bankedThisMonth(this.deps.dataSource.manager, user.id);
    const capLeftMb = Math.max(0, this.deps.config.DEPOSIT_MONTHLY_CAP_MB - bankedThisMonthMb);
    return {
      plan: { totalMb: plan.totalMb, usedMb: plan.usedMb, remainingMb: plan.remainingMb },
      bankedThisMonthMb,
      bankableMb: Math.min(capLeftMb, plan.remainingMb),
    };
  }

  async deposit(user: User, amountMb: number, outcome: OutcomeRecorder = untrackedOutcome): Promise<Deposit> {
    const { config, clock, dataSource } = this.deps;
    if (amountMb < config.DEPOSIT_MIN_MB) throw limitExceeded({ rule: 'deposit.min', limit: config.DEPOSIT_MIN_MB }, storageTexts.belowMinimum(config.DEPOSIT_MIN_MB));
    const now = clock.now();
    // Derived from the idempotency key: a resumed attempt asks the carrier under the same id,
    // and the carrier answers the deduction it already made instead of making another.
    const requestId = outcome.externalId('carrier-deduction');
    const depositId = await inTransaction(dataSource, async (sql) => {
      // The user's row is the lock that serialises their deposits while the monthly cap is checked.
      await lockUser(sql, user.id);
      const bankedMb = await this.bankedThisMonth(sql, user.id);
      if (bankedMb + amountMb > config.DEPOSIT_MONTHLY_CAP_MB) {
        const remainingMb = Math.max(0, config.DEPOSIT_MONTHLY_CAP_MB - bankedMb);
        throw limitExceeded({ rule: 'deposit.monthly', limit: config.DEPOSIT_MONTHLY_CAP_MB, remainingMb }, storageTexts.monthlyCap(config.DEPOSIT_MONTHLY_CAP_MB, remainingMb));
      }
      // The same request id means the same key: an attempt of this request already made the deposit.
      const earlier = await depositIdOfRequest(sql, requestId);
      if (earlier) throw new OutcomeAlreadyRecorded({ type: 'deposit', id: earlier });
      const id = await insertPendingDeposit(sql, {
        userId: user.id,
        requestId,
        amountMb,
        month: shanghaiMonthKey(now),
        expiresAt: endOfShanghaiMonth(now, config.DEPOSIT_EXPIRY_MONTHS),
        now,
      });
      // Recorded before the carrier is asked: from here on a retry resumes this deposit.
      await outcome.record(sql, { type: 'deposit', id });
      return id;
    });
    return this.settleWithCarrier(user, depositId);
  }

  /**
   * Finishes a deposit whose request never answered (its process died, possibly after the
   * carrier deducted): asks the carrier again under the same request id, which it recognises.
   */
  async resumeDeposit(user: User, depositId: string): Promise<Deposit> {
    const deposit = await this.get(user, depositId);
    if (deposit.status === 'failed') throw planInsufficient();
    if (deposit.status === 'completed') return deposit;
    return this.settleWithCarrier(user, depositId);
  }

  /** Asks the carrier to deduct (again, for a resumed deposit: the request id makes it once) and settles. */
  private async settleWithCarrier(user: User, depositId: string): Promise<Deposit> {
    const row = (await findDeposit(this.deps.dataSource.manager, depositId))!;
    // The plan changes with the deduction (or may have: an unknown answer); the view must ask again.
    const answer = await this.deps.carrier.deduct({ requestId: row.request_id, phone: user.phone, amountMb: toInt(row.amount_mb) }).finally(() => this.plans.forget(user.id));
    if (answer.outcome === 'succeeded') await this.complete(depositId);
    else if (answer.outcome === 'rejected') {
      await this.fail(depositId);
      throw planInsufficient();
    }
    // 'unknown': the carrier may or may not have deducted; reconciliation settles it.
    return this.get(user, depositId);
  }

  async get(user: User, id: string): Promise<Deposit> {
    const row = await findUsersDeposit(this.deps.dataSource.manager, id, user.id);
    if (!row) throw notFound(storageTexts.notFound);
    return toDeposit(row);
  }

  /** Settles pending deposits whose answer never came, by the same request id. Returns how many settled. */
  async reconcilePending(): Promise<number> {
    const { dataSource, clock, config, carrier, logger } = this.deps;
    const olderThan = new Date(clock.now().getTime() - RECONCILE_AFTER_TIMEOUTS * config.CARRIER_TIMEOUT_MS);
    let settled = 0;
    for (const row of await pendingDepositsCreatedBy(dataSource.manager, olderThan, RECONCILE_BATCH)) {
      try {
        const answer = await carrier.queryDeduction(row.request_id);
        await this.plans.forget(String(row.user_id));
        if (answer.status === 'succeeded') settled += (await this.complete(String(row.id))) ? 1 : 0;
        else settled += (await this.fail(String(row.id))) ? 1 : 0;
        // A request that never answered gets the settled deposit as its answer.
        const after = (await findDeposit(dataSource.manager, String(row.id)))!;
        await settleOutcome(dataSource.manager, { type: 'deposit', id: String(row.id) }, 201, toDeposit(after), clock.now());
      } catch (error) {
        // The carrier is still unreachable: the deposit stays pending for the next round.
        logger.warn({ err: error, depositId: row.id }, 'could not reconcile deposit yet');
      }
    }
    return settled;
  }

  /** Credits the wallet once: the status guard and the transfer commit together. */
  private async complete(depositId: string): Promise<boolean> {
    const { dataSource, clock, ledger } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      const row = await lockDeposit(sql, depositId);
      if (!row || row.status !== 'pending') return false;
      await markCompleted(sql, depositId, clock.now());
      await ledger.transfer(sql, {
        fromCode: EXTERNAL_ACCOUNTS.carrierPlan,
        toCode: walletCode(row.user_id),
        amountMb: toInt(row.amount_mb),
        kind: 'deposit',
        ref: { type: 'deposit', id: depositId },
        expiresAt: new Date(row.expires_at),
      });
      return true;
    });
  }

  private fail(depositId: string): Promise<boolean> {
    return failIfPending(this.deps.dataSource.manager, depositId, this.deps.clock.now());
  }

  private bankedThisMonth(sql: Sql, userId: string): Promise<number> {
    return bankedInMonth(sql, userId, shanghaiMonthKey(this.deps.clock.now()));
  }
}
