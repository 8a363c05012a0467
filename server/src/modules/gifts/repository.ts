import type { Gift } from '@liuliang/shared';
import { queryAll, toInt, writeLater, type InsertResult, type Read, type Sql, type Tx } from '../../db/sql';
import type { GiftCounts } from './limits';

/** The gifts table as the database returns it; only this file runs SQL on it. */
export interface GiftRow {
  id: string;
  sender_id: string;
  to_phone: string;
  recipient_id: string | null;
  amount_mb: string;
  message: string | null;
  status: Gift['status'];
  claim_deadline: Date | null;
}

export async function insertGift(
  tx: Tx,
  gift: { senderId: string; toPhone: string; recipientId: string | null; amountMb: number; message: string | null; claimDeadline: Date | null; now: Date },
): Promise<string> {
  const delivered = gift.recipientId !== null;
  const inserted: InsertResult = await tx.query(
    `INSERT INTO gifts (sender_id, to_phone, recipient_id, amount_mb, message, status, claim_deadline, created_at, settled_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      gift.senderId,
      gift.toPhone,
      gift.recipientId,
      gift.amountMb,
      gift.message,
      delivered ? 'delivered' : 'pending_claim',
      gift.claimDeadline,
      gift.now,
      delivered ? gift.now : null,
    ],
  );
  return String(inserted.insertId);
}

/** The gift if the viewer sent it or it was sent to their number; a stranger is told nothing. */
export async function findGiftSeenBy(sql: Sql, giftId: string, viewer: { id: string; phone: string }): Promise<GiftRow | null> {
  const [row]: GiftRow[] = await sql.query('SELECT * FROM gifts WHERE id = ? AND (sender_id = ? OR to_phone = ?)', [giftId, viewer.id, viewer.phone]);
  return row ?? null;
}

/** Locks the gift's row until the transaction ends: the guard that settles it once. */
export async function lockGift(tx: Tx, giftId: string): Promise<GiftRow | null> {
  const [row]: GiftRow[] = await tx.query('SELECT * FROM gifts WHERE id = ? FOR UPDATE', [giftId]);
  return row ?? null;
}

/** Gifts still claimable by this number, oldest first. */
export async function claimableGiftIds(sql: Sql, toPhone: string, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM gifts WHERE to_phone = ? AND status = 'pending_claim' AND claim_deadline > ? ORDER BY id LIMIT ?`, [
    toPhone,
    now,
    limit,
  ]);
  return rows.map((r) => String(r.id));
}

/** Pending gifts whose claim window has closed, earliest deadline first. */
export async function expiredGiftIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM gifts WHERE status = 'pending_claim' AND claim_deadline <= ? ORDER BY claim_deadline LIMIT ?`, [now, limit]);
  return rows.map((r) => String(r.id));
}

export async function markSettled(tx: Tx, giftId: string, settlement: { status: 'delivered' | 'refunded'; recipientId: string | null; now: Date }): Promise<void> {
  await tx.query('UPDATE gifts SET status = ?, recipient_id = ?, settled_at = ? WHERE id = ?', [settlement.status, settlement.recipientId, settlement.now, giftId]);
}

/** How many gifts the sender made since each window's start (the windows nest within `earliest`). */
async function countGiftsSince(sql: Sql, senderId: string, windows: { dayStart: Date; weekStart: Date; monthStart: Date }): Promise<GiftCounts> {
  const { dayStart, weekStart, monthStart } = windows;
  const earliest = weekStart < monthStart ? weekStart : monthStart;
  const [row]: Array<{ today: string | null; this_week: string | null; this_month: string | null }> = await sql.query(
    `SELECT SUM(created_at >= ?) AS today, SUM(created_at >= ?) AS this_week, SUM(created_at >= ?) AS this_month
       FROM gifts WHERE sender_id = ? AND created_at >= ?`,
    [dayStart, weekStart, monthStart, senderId, earliest],
  );
  return { today: toInt(row.today), thisWeek: toInt(row.this_week), thisMonth: toInt(row.this_month) };
}

/**
 * Counts one more gift of the sender in each window (SPEC §3.2) and returns the counts before
 * it. The sender's counter row stays locked until the transaction ends: that is what serialises
 * one sender's gifts, and a gift refused or rolled back takes its count back with it. A window
 * that has moved on starts again from this gift. A sender's first counted gift (no row yet)
 * counts the gifts they made before the counters existed, once. `along` (the recipient's
 * lookup) travels in the same round trip.
 */
export async function countOneMoreGift<T>(
  tx: Tx,
  senderId: string,
  windows: { dayStart: Date; weekStart: Date; monthStart: Date },
  along: Read<T>,
): Promise<{ before: GiftCounts; along: T }> {
  const { dayStart, weekStart, monthStart } = windows;
  // MySQL applies the assignments left to right: each count reads its window's old start. The
  // upsert rides with the read of its result (writeLater), whose ROW_COUNT() is the upsert's:
  // 1 when it inserted the row, 2 when it counted up an existing one.
  await writeLater(
    tx,
    `INSERT INTO gift_counters (sender_id, day_start, day_count, week_start, week_count, month_start, month_count) VALUES (?, ?, 1, ?, 1, ?, 1)
     ON DUPLICATE KEY UPDATE
       day_count = IF(day_start = VALUES(day_start), day_count + 1, 1), day_start = VALUES(day_start),
       week_count = IF(week_start = VALUES(week_start), week_count + 1, 1), week_start = VALUES(week_start),
       month_count = IF(month_start = VALUES(month_start), month_count + 1, 1), month_start = VALUES(month_start)`,
    [senderId, dayStart, weekStart, monthStart],
  );
  const [rows, alongRows] = (await queryAll(tx, [
    ['SELECT ROW_COUNT() AS upserted, day_count, week_count, month_count FROM gift_counters WHERE sender_id = ?', [senderId]],
    [along.sql, along.params],
  ])) as [Array<{ upserted: string; day_count: number; week_count: number; month_count: number }>, unknown];
  const [row] = rows;
  const alongAnswer = along.parse(alongRows);
  if (toInt(row.upserted) === 1) {
    const before = await countGiftsSince(tx, senderId, windows);
    if (before.thisWeek + before.thisMonth > 0) {
      await writeLater(tx, 'UPDATE gift_counters SET day_count = day_count + ?, week_count = week_count + ?, month_count = month_count + ? WHERE sender_id = ?', [
        before.today,
        before.thisWeek,
        before.thisMonth,
        senderId,
      ]);
    }
    return { before, along: alongAnswer };
  }
  return { before: { today: toInt(row.day_count) - 1, thisWeek: toInt(row.week_count) - 1, thisMonth: toInt(row.month_count) - 1 }, along: alongAnswer };
}
