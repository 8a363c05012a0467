import type { Gift, GiftRequest, User } from '@liuliang/shared';
import { notFound, ruleBroken } from '../../http/app-error';
import { formatMb, maskPhone } from '@liuliang/shared';
import { inTransaction, toInt, type Sql } from '../../db/sql';
import type { Deps } from '../../deps';
import { escrowCode, walletCode } from '../ledger/accounts';
import { findUserByPhone } from '../auth/users';
import { enqueueMessage } from '../outbox/outbox';
import { enqueueWechatIfBound } from '../bot/wechat-outbox';
import { brokenGiftLimit, giftWindows } from './limits';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';

export const GIFT_SWEEP_BATCH = 200;
const HOUR_MS = 60 * 60 * 1000;

interface GiftRow {
  id: string;
  sender_id: string;
  to_phone: string;
  recipient_id: string | null;
  amount_mb: string;
  message: string | null;
  status: Gift['status'];
  claim_deadline: Date | null;
}

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
  constructor(private readonly deps: Deps) {}

  async send(sender: User, request: GiftRequest, outcome: OutcomeRecorder = untrackedOutcome): Promise<Gift> {
    const { config, clock, dataSource, ledger } = this.deps;
    if (request.toPhone === sender.phone) throw ruleBroken('SELF_GIFT', 'You cannot give data to yourself.');
    if (request.amountMb < config.GIFT_MIN_MB || request.amountMb > config.GIFT_MAX_MB) {
      throw ruleBroken('LIMIT_EXCEEDED', `A gift is ${config.GIFT_MIN_MB} to ${config.GIFT_MAX_MB} MB.`);
    }
    const now = clock.now();
    const message = request.message?.trim() || null;
    return inTransaction(dataSource, async (sql) => {
      // The sender's row serialises their gifts, so two parallel gifts cannot both pass the limits.
      await sql.query('SELECT id FROM users WHERE id = ? FOR UPDATE', [sender.id]);
      await this.checkLimits(sql, sender.id, now);
      const recipient = await findUserByPhone(sql, request.toPhone);
      const deadline = recipient ? null : new Date(now.getTime() + config.GIFT_CLAIM_HOURS * HOUR_MS);
      const inserted = await sql.query(
        `INSERT INTO gifts (sender_id, to_phone, recipient_id, amount_mb, message, status, claim_deadline, created_at, settled_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [sender.id, request.toPhone, recipient?.id ?? null, request.amountMb, message, recipient ? 'delivered' : 'pending_claim', deadline, now, recipient ? now : null],
      );
      const giftId = String(inserted.insertId);
      const ref = { type: 'gift', id: giftId };
      await outcome.record(sql, ref);
      const from = `${sender.nickname} (${maskPhone(sender.phone)})`;
      if (recipient) {
        await ledger.transfer(sql, { fromCode: walletCode(sender.id), toCode: walletCode(recipient.id), amountMb: request.amountMb, kind: 'gift', ref, memo: message });
        await enqueueMessage(sql, { channel: 'sms', to: request.toPhone, template: 'gift_delivered', text: `【流量】${from} 送给你 ${formatMb(request.amountMb)} 流量，已存入你的钱包。${message ? `留言：${message}` : ''}` }, now);
        await enqueueWechatIfBound(sql, recipient, 'gift_delivered', `${recipient.nickname}，${from} 送给你 ${formatMb(request.amountMb)} 流量，已存入你的钱包。${message ? `留言：${message}` : ''}`, now);
      } else {
        await ledger.ensureAccount(sql, escrowCode('gift', giftId));
        // Only data that outlives the claim window may wait in escrow (SPEC §3.2).
        await ledger.transfer(sql, { fromCode: walletCode(sender.id), toCode: escrowCode('gift', giftId), amountMb: request.amountMb, kind: 'gift_escrow', ref, memo: message, mustOutlive: deadline! });
        await enqueueMessage(sql, { channel: 'sms', to: request.toPhone, template: 'gift_pending', text: `【流量】${from} 送给你 ${formatMb(request.amountMb)} 流量，${config.GIFT_CLAIM_HOURS} 小时内用本机号码登录即可领取。${message ? `留言：${message}` : ''}` }, now);
      }
      const [row] = await sql.query('SELECT * FROM gifts WHERE id = ?', [giftId]);
      return toGift(row);
    });
  }

  async get(user: User, id: string): Promise<Gift> {
    const [row] = await this.deps.dataSource.query('SELECT * FROM gifts WHERE id = ? AND (sender_id = ? OR to_phone = ?)', [id, user.id, user.phone]);
    if (!row) throw notFound('No such gift.');
    return toGift(row);
  }

  /** Credits every gift waiting for this number; safe to call on every sign-in. */
  async claimPendingGifts(user: User): Promise<number> {
    const { dataSource, clock } = this.deps;
    const rows: GiftRow[] = await dataSource.query(
      `SELECT * FROM gifts WHERE to_phone = ? AND status = 'pending_claim' AND claim_deadline > ? ORDER BY id LIMIT ?`,
      [user.phone, clock.now(), GIFT_SWEEP_BATCH],
    );
    let claimed = 0;
    for (const row of rows) claimed += (await this.settle(String(row.id), { to: 'recipient', recipientId: user.id })) ? 1 : 0;
    return claimed;
  }

  /** Refunds gifts whose claim window closed, each exactly once. Returns how many it refunded. */
  async refundExpiredGifts(): Promise<number> {
    const { dataSource, clock } = this.deps;
    const rows: GiftRow[] = await dataSource.query(
      `SELECT * FROM gifts WHERE status = 'pending_claim' AND claim_deadline <= ? ORDER BY claim_deadline LIMIT ?`,
      [clock.now(), GIFT_SWEEP_BATCH],
    );
    let refunded = 0;
    for (const row of rows) refunded += (await this.settle(String(row.id), { to: 'sender' })) ? 1 : 0;
    return refunded;
  }

  /** Empties a pending gift's escrow to the recipient or back to the sender; the status guard makes it once. */
  private async settle(giftId: string, outcome: { to: 'recipient'; recipientId: string } | { to: 'sender' }): Promise<boolean> {
    const { dataSource, clock, ledger } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      const [row]: GiftRow[] = await sql.query('SELECT * FROM gifts WHERE id = ? FOR UPDATE', [giftId]);
      if (row.status !== 'pending_claim') return false;
      const now = clock.now();
      const toRecipient = outcome.to === 'recipient';
      if (toRecipient && row.claim_deadline && new Date(row.claim_deadline) <= now) return false;
      await sql.query('UPDATE gifts SET status = ?, recipient_id = ?, settled_at = ? WHERE id = ?', [
        toRecipient ? 'delivered' : 'refunded',
        toRecipient ? outcome.recipientId : null,
        now,
        giftId,
      ]);
      await ledger.transfer(sql, {
        fromCode: escrowCode('gift', giftId),
        toCode: walletCode(toRecipient ? outcome.recipientId : row.sender_id),
        amountMb: toInt(row.amount_mb),
        kind: toRecipient ? 'gift_claim' : 'gift_refund',
        ref: { type: 'gift', id: giftId },
        memo: row.message,
        spendExpired: !toRecipient,
      });
      if (toRecipient) await this.tellSenderOfClaim(sql, row, outcome.recipientId, now);
      return true;
    });
  }

  /** The sender of a gift that waited for a new number hears, in the chat, that it arrived. */
  private async tellSenderOfClaim(sql: Sql, gift: GiftRow, recipientId: string, now: Date): Promise<void> {
    const [sender] = await sql.query('SELECT id, phone, nickname FROM users WHERE id = ?', [gift.sender_id]);
    const [recipient] = await sql.query('SELECT nickname, phone FROM users WHERE id = ?', [recipientId]);
    const text = `${sender.nickname}，你送给 ${recipient.nickname}（${maskPhone(recipient.phone)}）的 ${formatMb(toInt(gift.amount_mb))} 流量已被领取。`;
    await enqueueWechatIfBound(sql, { id: String(sender.id), phone: sender.phone }, 'gift_claimed', text, now);
  }

  private async checkLimits(sql: Sql, senderId: string, now: Date): Promise<void> {
    const { dayStart, weekStart, monthStart } = giftWindows(now);
    const earliest = weekStart < monthStart ? weekStart : monthStart;
    const [row] = await sql.query(
      `SELECT SUM(created_at >= ?) AS today, SUM(created_at >= ?) AS this_week, SUM(created_at >= ?) AS this_month
         FROM gifts WHERE sender_id = ? AND created_at >= ?`,
      [dayStart, weekStart, monthStart, senderId, earliest],
    );
    const { config } = this.deps;
    const broken = brokenGiftLimit(
      { today: toInt(row.today), thisWeek: toInt(row.this_week), thisMonth: toInt(row.this_month) },
      { daily: config.GIFT_DAILY_LIMIT, weekly: config.GIFT_WEEKLY_LIMIT, monthly: config.GIFT_MONTHLY_LIMIT },
    );
    if (broken) throw ruleBroken('LIMIT_EXCEEDED', broken);
  }
}
