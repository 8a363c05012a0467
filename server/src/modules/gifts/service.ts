import { maskPhone, type Gift, type GiftRequest, type User } from '@liuliang/shared';
import { DomainError, limitExceeded, notFound } from '../../platform/errors';
import { silentWalletEvents, type WalletEvents } from '../../platform/wallet-events';
import { inTransaction, toInt, type Read, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { escrowCode, walletCode } from '../ledger';
import { findUserById, userByPhone } from '../auth';
import { enqueueMessageLater } from '../outbox/outbox';
import { enqueueWechatIfBound, enqueueWechatLaterIfBound } from '../bot';
import { brokenGiftLimit, giftWindows } from './limits';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import { claimableGiftIds, countOneMoreGift, expiredGiftIds, findGiftSeenBy, insertGift, lockGift, markSettled, type GiftRow } from './repository';
import { giftTexts } from './messages';

export const GIFT_SWEEP_BATCH = 200;
const HOUR_MS = 60 * 60 * 1000;

/** What gifts are made of: no Redis, no carrier. */
export type GiftDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger'>;

// The number is masked for everyone who reads a gift: its sender may have named the friend in
// a chat and never seen the number, and its recipient knows their own.
const toGift = (r: GiftRow): Gift => ({
  id: String(r.id),
  toPhone: maskPhone(r.to_phone),
  amountMb: toInt(r.amount_mb),
  message: r.message,
  status: r.status,
  claimDeadline: r.claim_deadline ? new Date(r.claim_deadline).toISOString() : null,
});

/**
 * Gifts (SPEC §3.2): to a registered number at once; to a new number through an escrow that
 * waits for its first sign-in, and is refunded to the sender once if it never comes.
 */
export class GiftService {
  constructor(
    private readonly deps: GiftDeps,
    private readonly wallets: WalletEvents = silentWalletEvents,
  ) {}

  async send(sender: User, request: GiftRequest, outcome: OutcomeRecorder = untrackedOutcome): Promise<Gift> {
    const { config, clock, dataSource, ledger } = this.deps;
    if (request.toPhone === sender.phone) throw new DomainError('SELF_GIFT', giftTexts.selfGiftError);
    if (request.amountMb < config.GIFT_MIN_MB) throw limitExceeded({ rule: 'gift.min', limit: config.GIFT_MIN_MB }, giftTexts.rangeError(config.GIFT_MIN_MB, config.GIFT_MAX_MB));
    if (request.amountMb > config.GIFT_MAX_MB) throw limitExceeded({ rule: 'gift.max', limit: config.GIFT_MAX_MB }, giftTexts.rangeError(config.GIFT_MIN_MB, config.GIFT_MAX_MB));
    const now = clock.now();
    const message = request.message?.trim() || null;
    let deliveredTo: string | null = null;
    const gift = await inTransaction(dataSource, async (tx) => {
      // The sender's counter row serialises their gifts, so two parallel gifts cannot both pass the limits.
      const recipient = await this.countAgainstLimits(tx, sender.id, now, userByPhone(request.toPhone));
      const deadline = recipient ? null : new Date(now.getTime() + config.GIFT_CLAIM_HOURS * HOUR_MS);
      const giftId = await insertGift(tx, { senderId: sender.id, toPhone: request.toPhone, recipientId: recipient?.id ?? null, amountMb: request.amountMb, message, claimDeadline: deadline, now });
      const ref = { type: 'gift', id: giftId };
      await outcome.record(tx, ref);
      if (recipient) {
        deliveredTo = recipient.id;
        await ledger.transfer(tx, { fromCode: walletCode(sender.id), toCode: walletCode(recipient.id), amountMb: request.amountMb, kind: 'gift', ref, memo: message });
        await enqueueMessageLater(tx, { channel: 'sms', to: request.toPhone, template: 'gift_delivered', text: giftTexts.deliveredSms(sender, request.amountMb, message) }, now);
        await enqueueWechatLaterIfBound(tx, recipient, 'gift_delivered', giftTexts.deliveredWechat(recipient, sender, request.amountMb, message), now);
      } else {
        await ledger.ensureAccount(tx, escrowCode('gift', giftId));
        // Only data that outlives the claim window may wait in escrow (SPEC §3.2).
        await ledger.transfer(tx, { fromCode: walletCode(sender.id), toCode: escrowCode('gift', giftId), amountMb: request.amountMb, kind: 'gift_escrow', ref, memo: message, mustOutlive: deadline! });
        await enqueueMessageLater(tx, { channel: 'sms', to: request.toPhone, template: 'gift_pending', text: giftTexts.pendingSms(sender, request.amountMb, config.GIFT_CLAIM_HOURS, message) }, now);
      }
      // What was just written, as written: no need to read it back.
      const sent: Gift = { id: giftId, toPhone: maskPhone(request.toPhone), amountMb: request.amountMb, message, status: recipient ? 'delivered' : 'pending_claim', claimDeadline: deadline?.toISOString() ?? null };
      await outcome.answer(tx, sent);
      return sent;
    });
    // Committed: the recipient's open pages reload their balance.
    if (deliveredTo !== null) this.wallets.walletChanged(deliveredTo, { kind: 'gift' });
    return gift;
  }

  async get(user: User, id: string): Promise<Gift> {
    const row = await findGiftSeenBy(this.deps.dataSource.manager, id, user);
    if (!row) throw notFound(giftTexts.notFoundError);
    return toGift(row);
  }

  /** Credits every gift waiting for this number; safe to call on every sign-in. */
  async claimPendingGifts(user: User): Promise<number> {
    const { dataSource, clock } = this.deps;
    let claimed = 0;
    for (const giftId of await claimableGiftIds(dataSource.manager, user.phone, clock.now(), GIFT_SWEEP_BATCH)) {
      claimed += (await this.settle(giftId, { to: 'recipient', recipientId: user.id })) ? 1 : 0;
    }
    return claimed;
  }

  /** Refunds gifts whose claim window closed, each exactly once. Returns how many it refunded. */
  async refundExpiredGifts(): Promise<number> {
    const { dataSource, clock } = this.deps;
    let refunded = 0;
    for (const giftId of await expiredGiftIds(dataSource.manager, clock.now(), GIFT_SWEEP_BATCH)) refunded += (await this.settle(giftId, { to: 'sender' })) ? 1 : 0;
    return refunded;
  }

  /** Empties a pending gift's escrow to the recipient or back to the sender; the status guard makes it once. */
  private async settle(giftId: string, outcome: { to: 'recipient'; recipientId: string } | { to: 'sender' }): Promise<boolean> {
    const { dataSource, clock, ledger } = this.deps;
    let senderId: string | null = null;
    const settled = await inTransaction(dataSource, async (tx) => {
      const row = await lockGift(tx, giftId);
      if (!row || row.status !== 'pending_claim') return false;
      const now = clock.now();
      const toRecipient = outcome.to === 'recipient';
      if (toRecipient && row.claim_deadline && new Date(row.claim_deadline) <= now) return false;
      await markSettled(tx, giftId, { status: toRecipient ? 'delivered' : 'refunded', recipientId: toRecipient ? outcome.recipientId : null, now });
      senderId = String(row.sender_id);
      await ledger.transfer(tx, {
        fromCode: escrowCode('gift', giftId),
        toCode: walletCode(toRecipient ? outcome.recipientId : row.sender_id),
        amountMb: toInt(row.amount_mb),
        kind: toRecipient ? 'gift_claim' : 'gift_refund',
        ref: { type: 'gift', id: giftId },
        memo: row.message,
        spendExpired: !toRecipient,
      });
      if (toRecipient) await this.tellSenderOfClaim(tx, row, outcome.recipientId, now);
      return true;
    });
    // Committed: a refund changed the sender's wallet; a claim, the state of the sender's row (已领取).
    if (settled && senderId !== null) this.wallets.walletChanged(senderId, { kind: outcome.to === 'recipient' ? 'gift_claim' : 'gift_refund' });
    return settled;
  }

  /** The sender of a gift that waited for a new number hears, in the chat, that it arrived. */
  private async tellSenderOfClaim(tx: Tx, gift: GiftRow, recipientId: string, now: Date): Promise<void> {
    const sender = await findUserById(tx, String(gift.sender_id));
    const recipient = await findUserById(tx, recipientId);
    if (!sender || !recipient) return;
    await enqueueWechatIfBound(tx, sender, 'gift_claimed', giftTexts.claimedWechat(sender, recipient, toInt(gift.amount_mb)), now);
  }

  /** Counts the gift against the sender's limits; `along` (the recipient's lookup) rides in the same round trip, its answer returned. */
  private async countAgainstLimits<T>(tx: Tx, senderId: string, now: Date, along: Read<T>): Promise<T> {
    const { config } = this.deps;
    const counted = await countOneMoreGift(tx, senderId, giftWindows(now), along);
    const broken = brokenGiftLimit(counted.before, {
      daily: config.GIFT_DAILY_LIMIT,
      weekly: config.GIFT_WEEKLY_LIMIT,
      monthly: config.GIFT_MONTHLY_LIMIT,
    });
    if (broken) throw limitExceeded(broken.details, broken.message);
    return counted.along;
  }
}
