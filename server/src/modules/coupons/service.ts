import { randomBytes } from 'node:crypto';
import {
  COUPON_ALPHABET,
  COUPON_BODY_CHARS,
  couponCodeOf,
  formatCouponCode,
  readCouponCode,
  type CouponBatch,
  type CouponBatchCreateRequest,
  type CouponRedeemResult,
} from '@liuliang/shared';
import { inTransaction, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { csvLine } from '../../platform/csv';
import { DomainError, invalidInput, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import type { LimitRule } from '../../platform/rate-limits';
import { escrowCode, walletCode } from '../ledger';
import { fundFromBudget, requireAccess, returnToBudget, sponsorNames, type Actor } from '../sponsors/service';
import { couponTexts } from './messages';
import {
  batchCoupons,
  batchView,
  dueBatchIds,
  findBatch,
  findCouponByHash,
  findRedemption,
  insertBatch,
  insertCoupons,
  listBatches,
  lockBatchById,
  markDownloaded,
  markRedeemed,
  markSettled,
  unredeemedMb,
  type CouponBatchRow,
} from './repository';
import { couponCodeHash, DATA_KEY_BYTES, decryptCode, encryptCode, unwrapDataKey, wrapDataKey } from './sealing';

/** Bound on the batches one list answers, and on the batches one settlement run settles. */
const BATCH_LIST_MAX = 100;
const SETTLE_BATCH_MAX = 100;

const couponEscrowCode = (batchId: string) => escrowCode('coupon_batch', batchId);

/** What coupons are made of; `randomBytes` is the source of codes and keys (injected for tests). */
export type CouponDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger' | 'limits' | 'logger'>;
export type RandomBytes = (size: number) => Buffer;

/** The codes of one download, as a sponsor's spreadsheet opens them. */
export interface CouponCodesCsv {
  filename: string;
  csv: string;
}

/**
 * Coupons (卡密, SPEC §3.8): a sponsor's batch of codes funded from its budget into the batch's
 * escrow at issue, shown once, redeemed at most once each, and what is left returned to the
 * budget once after validUntil. The batch's row serialises its redemptions, its one download
 * and its settlement, on one process or many.
 */
export class CouponService {
  readonly wrongCodes: LimitRule;

  constructor(
    private readonly deps: CouponDeps,
    private readonly random: RandomBytes = randomBytes,
  ) {
    this.wrongCodes = {
      name: 'coupon-wrong-codes',
      points: deps.config.COUPON_WRONG_CODES_PER_WINDOW,
      durationSeconds: deps.config.COUPON_WRONG_CODE_WINDOW_SECONDS,
      message: couponTexts.tooManyWrongCodes,
    };
  }

  /** Issues a batch: its codes made and stored sealed, its whole value moved from the budget in one transfer. */
  async createBatch(actor: Actor, sponsorId: string, request: CouponBatchCreateRequest, outcome: OutcomeRecorder = untrackedOutcome): Promise<CouponBatch> {
    const { dataSource, clock, config, ledger } = this.deps;
    const batchId = opaqueId();
    const validFrom = new Date(request.validFrom);
    const validUntil = new Date(request.validUntil);
    await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'coupon.manage', { sponsorId });
      const now = clock.now();
      if (validUntil <= now) throw invalidInput(couponTexts.validUntilPassed, [{ path: 'body.validUntil', message: couponTexts.validUntilPassed }]);
      const dataKey = this.random(DATA_KEY_BYTES);
      await insertBatch(sql, {
        id: batchId,
        sponsorId,
        title: request.title,
        amountMb: request.amountMb,
        count: request.count,
        validFrom,
        validUntil,
        wrappedKey: wrapDataKey(config.COUPON_KEK, dataKey, batchId),
        createdBy: `user:${actor.user.id}`,
        now,
      });
      await outcome.record(sql, { type: 'coupon_batch', id: batchId });
      // A code that hashes like one already stored (2^-80 a pair) fails the unique key and rolls the issue back; a retry makes new codes.
      await insertCoupons(
        sql,
        batchId,
        this.newCodes(request.count).map((code) => this.sealCode(dataKey, code)),
      );
      await ledger.ensureAccount(sql, couponEscrowCode(batchId));
      await fundFromBudget(sql, this.deps, {
        sponsorId,
        toCode: couponEscrowCode(batchId),
        amountMb: request.amountMb * request.count,
        kind: 'coupon_fund',
        ref: { type: 'coupon_batch', id: batchId },
        memo: request.title,
        // Redeemed data keeps its expiry: only budget that outlives the batch may fund it.
        mustOutlive: validUntil,
      });
    });
    return this.batch(actor, sponsorId, batchId);
  }

  async batch(actor: Actor, sponsorId: string, batchId: string): Promise<CouponBatch> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'coupon.read', { sponsorId });
    const row = await findBatch(sql, sponsorId, batchId);
    if (!row) throw notFound('No such coupon batch.');
    return batchView(row);
  }

  /** The sponsor's batches, newest first, with how many of each were redeemed. */
  async listBatches(actor: Actor, sponsorId: string): Promise<CouponBatch[]> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'coupon.read', { sponsorId });
    return (await listBatches(sql, sponsorId, BATCH_LIST_MAX)).map(batchView);
  }

  /**
   * The batch's codes as CSV, once: the download and the end of the batch's data key commit
   * together, so two downloads at once give one CSV and one 410, and no later one can open them.
   */
  async downloadCodes(actor: Actor, sponsorId: string, batchId: string): Promise<CouponCodesCsv> {
    const { dataSource, clock, config } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'coupon.manage', { sponsorId });
      const batch = await findBatch(sql, sponsorId, batchId, true);
      if (!batch) throw notFound('No such coupon batch.');
      if (batch.wrapped_key === null) {
        throw new DomainError('GONE', couponTexts.codesGone, {
          downloadedAt: batch.codes_downloaded_at && new Date(batch.codes_downloaded_at).toISOString(),
          status: batch.status,
        });
      }
      const dataKey = unwrapDataKey(config.COUPON_KEK, batch.wrapped_key, batchId);
      const lines = [csvLine(['code', 'amountMb', 'title', 'validFrom', 'validUntil'])];
      const validFrom = new Date(batch.valid_from).toISOString();
      const validUntil = new Date(batch.valid_until).toISOString();
      for (const coupon of await batchCoupons(sql, batchId)) {
        lines.push(csvLine([formatCouponCode(decryptCode(dataKey, coupon.code_cipher, coupon.code_hash)), Number(batch.amount_mb), batch.title, validFrom, validUntil]));
      }
      await markDownloaded(sql, batchId, `user:${actor.user.id}`, clock.now());
      return { filename: `coupons-${batchId}.csv`, csv: `${lines.join('\n')}\n` };
    });
  }

  /**
   * Redeems a code into the caller's wallet. Every attempt counts against the wrong-code limit
   * before the look-up (atomically in Redis, so parallel guesses cannot all slip under it) and a
   * code that names a coupon is given its point back. The batch's row is locked before the
   * coupon's: redemptions and the settlement after validUntil never interleave.
   */
  async redeem(actor: Actor, input: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<CouponRedeemResult> {
    const { dataSource, clock, config, ledger, limits } = this.deps;
    await requireAccess(dataSource.manager, actor, 'coupon.redeem');
    const reading = readCouponCode(input);
    if (!reading.ok && reading.reason === 'shape') throw invalidInput(couponTexts.notACode, [{ path: 'body.code', message: couponTexts.notACode }]);
    const limitKey = actor.user.id;
    await limits.consume(this.wrongCodes, limitKey);
    const codeHash = reading.ok ? couponCodeHash(config.COUPON_HASH_KEY, reading.code) : null;
    const found = codeHash && (await findCouponByHash(dataSource.manager, codeHash));
    // A mistyped check character names no coupon either: it stays counted, like any wrong code.
    if (!found) throw new DomainError('COUPON_NOT_FOUND', couponTexts.notFound);
    await limits.refund(this.wrongCodes, limitKey);

    return inTransaction(dataSource, async (sql) => {
      const batch = await lockBatchById(sql, found.batch_id);
      const coupon = (await findCouponByHash(sql, found.code_hash, true))!;
      const now = clock.now();
      if (coupon.redeemed_at !== null) throw new DomainError('ALREADY_REDEEMED', couponTexts.alreadyRedeemed, { redeemedByYou: String(coupon.redeemed_by) === actor.user.id });
      if (batch.status === 'settled' || now >= new Date(batch.valid_until))
        throw new DomainError('EXPIRED', couponTexts.expired, { validUntil: new Date(batch.valid_until).toISOString() });
      if (now < new Date(batch.valid_from))
        throw new DomainError('NOT_YET_VALID', couponTexts.notYetValid(new Date(batch.valid_from)), { validFrom: new Date(batch.valid_from).toISOString() });
      await outcome.record(sql, { type: 'coupon', id: String(coupon.id) });
      // The batch's lock makes this the only writer; the guard in markRedeemed is the last word all the same.
      if (!(await markRedeemed(sql, coupon, actor.user.id, now))) throw new DomainError('ALREADY_REDEEMED', couponTexts.alreadyRedeemed, { redeemedByYou: false });
      await ledger.transfer(sql, {
        fromCode: couponEscrowCode(batch.id),
        toCode: walletCode(actor.user.id),
        amountMb: Number(batch.amount_mb),
        kind: 'coupon_redeem',
        ref: { type: 'coupon_batch', id: batch.id },
        memo: batch.title,
      });
      const result = await this.redeemResult(sql, batch);
      await outcome.answer(sql, result);
      return result;
    });
  }

  /** A redemption's answer again, for a retry whose first attempt committed. */
  async redemption(actor: Actor, couponId: string): Promise<CouponRedeemResult> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'coupon.redeem');
    const found = await findRedemption(sql, couponId, actor.user.id);
    if (!found) throw notFound('No such redemption.');
    return this.redeemResult(sql, found.batch);
  }

  /** The job: every batch past validUntil gives what was not redeemed back to the budget, once. */
  async settleExpiredBatches(): Promise<number> {
    const { dataSource, clock } = this.deps;
    let settled = 0;
    for (const batchId of await dueBatchIds(dataSource.manager, clock.now(), SETTLE_BATCH_MAX)) {
      settled += (await inTransaction(dataSource, (sql) => this.settle(sql, batchId))) ? 1 : 0;
    }
    return settled;
  }

  /** Settles one batch unless it is settled already or still valid; returns whether this call settled it. */
  private async settle(sql: Tx, batchId: string): Promise<boolean> {
    const batch = await lockBatchById(sql, batchId);
    const now = this.deps.clock.now();
    if (batch.status === 'settled' || now < new Date(batch.valid_until)) return false;
    const restMb = unredeemedMb(batch);
    await markSettled(sql, batchId, restMb, now);
    if (restMb > 0) {
      await returnToBudget(sql, this.deps, {
        sponsorId: batch.sponsor_id,
        fromCode: couponEscrowCode(batchId),
        amountMb: restMb,
        kind: 'coupon_return',
        ref: { type: 'coupon_batch', id: batchId },
        memo: batch.title,
      });
    }
    this.deps.logger.info({ batchId, sponsorId: batch.sponsor_id, returnedMb: restMb, redeemed: batch.redeemed_count }, 'coupon batch settled');
    return true;
  }

  private async redeemResult(sql: Sql, batch: CouponBatchRow): Promise<CouponRedeemResult> {
    const names = await sponsorNames(sql, [batch.sponsor_id]);
    return { amountMb: Number(batch.amount_mb), title: batch.title, sponsor: names.get(batch.sponsor_id) ?? '' };
  }

  /** `count` distinct codes; a byte's low five bits pick a character (256 is a multiple of 32: uniform). */
  private newCodes(count: number): string[] {
    const codes = new Set<string>();
    // 80 random bits a code: a repeat within a batch is all but impossible, so twice the draws is a generous bound.
    for (let draws = 0; codes.size < count; draws++) {
      if (draws >= 2 * count) throw new Error('the random source repeats itself: coupon codes would be guessable');
      const bytes = this.random(COUPON_BODY_CHARS);
      let body = '';
      for (const byte of bytes) body += COUPON_ALPHABET[byte & 31];
      codes.add(couponCodeOf(body));
    }
    return [...codes];
  }

  private sealCode(dataKey: Buffer, code: string): { codeHash: Buffer; codeCipher: Buffer } {
    const codeHash = couponCodeHash(this.deps.config.COUPON_HASH_KEY, code);
    return { codeHash, codeCipher: encryptCode(dataKey, code, codeHash) };
  }
}
