import type { CouponBatch } from '@liuliang/shared';
import { toInt, type Sql, type Tx } from '../../db/sql';

/** Coupon batches' and coupons' rows: how they are stored, found, locked and shown. */

/** Rows one INSERT writes when a batch's codes are stored. */
const INSERT_CHUNK_ROWS = 500;

export interface CouponBatchRow {
  id: string;
  sponsor_id: string;
  title: string;
  amount_mb: string;
  code_count: number;
  valid_from: Date;
  valid_until: Date;
  status: 'active' | 'settled';
  wrapped_key: Buffer | null;
  redeemed_count: number;
  returned_mb: string;
  codes_downloaded_at: Date | null;
  created_at: Date;
}

export interface CouponRow {
  id: string;
  batch_id: string;
  code_hash: Buffer;
  code_cipher: Buffer;
  redeemed_by: string | null;
  redeemed_at: Date | null;
}

export async function insertBatch(
  sql: Tx,
  batch: { id: string; sponsorId: string; title: string; amountMb: number; count: number; validFrom: Date; validUntil: Date; wrappedKey: Buffer; createdBy: string; now: Date },
): Promise<void> {
  await sql.query(
    `INSERT INTO coupon_batches (id, sponsor_id, title, amount_mb, code_count, valid_from, valid_until, wrapped_key, created_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [batch.id, batch.sponsorId, batch.title, batch.amountMb, batch.count, batch.validFrom, batch.validUntil, batch.wrappedKey, batch.createdBy, batch.now],
  );
}

export async function insertCoupons(sql: Tx, batchId: string, coupons: ReadonlyArray<{ codeHash: Buffer; codeCipher: Buffer }>): Promise<void> {
  for (let start = 0; start < coupons.length; start += INSERT_CHUNK_ROWS) {
    const chunk = coupons.slice(start, start + INSERT_CHUNK_ROWS);
    await sql.query(
      `INSERT INTO coupons (batch_id, code_hash, code_cipher) VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}`,
      chunk.flatMap((c) => [batchId, c.codeHash, c.codeCipher]),
    );
  }
}

export async function findBatch(sql: Sql, sponsorId: string, batchId: string, lock = false): Promise<CouponBatchRow | undefined> {
  const [row]: CouponBatchRow[] = await sql.query(`SELECT * FROM coupon_batches WHERE id = ? AND sponsor_id = ?${lock ? ' FOR UPDATE' : ''}`, [batchId, sponsorId]);
  return row;
}

export async function lockBatchById(sql: Tx, batchId: string): Promise<CouponBatchRow> {
  const [row]: CouponBatchRow[] = await sql.query('SELECT * FROM coupon_batches WHERE id = ? FOR UPDATE', [batchId]);
  return row;
}

export async function listBatches(sql: Sql, sponsorId: string, limit: number): Promise<CouponBatchRow[]> {
  return sql.query('SELECT * FROM coupon_batches WHERE sponsor_id = ? ORDER BY created_at DESC, id LIMIT ?', [sponsorId, limit]);
}

export async function dueBatchIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM coupon_batches WHERE status = 'active' AND valid_until <= ? ORDER BY valid_until LIMIT ?`, [now, limit]);
  return rows.map((r) => r.id);
}

/** The batch's codes in the order they were made, for the one download. */
export async function batchCoupons(sql: Sql, batchId: string): Promise<CouponRow[]> {
  return sql.query('SELECT * FROM coupons WHERE batch_id = ? ORDER BY id', [batchId]);
}

export async function findCouponByHash(sql: Sql, codeHash: Buffer, lock = false): Promise<CouponRow | undefined> {
  const [row]: CouponRow[] = await sql.query(`SELECT * FROM coupons WHERE code_hash = ?${lock ? ' FOR UPDATE' : ''}`, [codeHash]);
  return row;
}

/** A redemption the user made, with its batch, for the answer to a retried request. */
export async function findRedemption(sql: Sql, couponId: string, userId: string): Promise<{ coupon: CouponRow; batch: CouponBatchRow } | undefined> {
  const [coupon]: CouponRow[] = await sql.query('SELECT * FROM coupons WHERE id = ? AND redeemed_by = ?', [couponId, userId]);
  if (!coupon) return undefined;
  const [batch]: CouponBatchRow[] = await sql.query('SELECT * FROM coupon_batches WHERE id = ?', [coupon.batch_id]);
  return { coupon, batch };
}

/** Marks the coupon redeemed unless it already is; returns whether this call did. */
export async function markRedeemed(sql: Tx, coupon: CouponRow, userId: string, now: Date): Promise<boolean> {
  const result = await sql.query('UPDATE coupons SET redeemed_by = ?, redeemed_at = ? WHERE id = ? AND redeemed_at IS NULL', [userId, now, coupon.id]);
  if (Number(result.affectedRows) !== 1) return false;
  await sql.query('UPDATE coupon_batches SET redeemed_count = redeemed_count + 1 WHERE id = ?', [coupon.batch_id]);
  return true;
}

/** The codes were shown: the data key goes, so they can never be shown again (not even with the KEK). */
export async function markDownloaded(sql: Tx, batchId: string, by: string, now: Date): Promise<void> {
  await sql.query('UPDATE coupon_batches SET codes_downloaded_at = ?, codes_downloaded_by = ?, wrapped_key = NULL WHERE id = ?', [now, by, batchId]);
}

/** Settles an expired batch: what was not redeemed is recorded as returned, and its key goes with its codes' worth. */
export async function markSettled(sql: Tx, batchId: string, returnedMb: number, now: Date): Promise<void> {
  await sql.query(`UPDATE coupon_batches SET status = 'settled', returned_mb = ?, settled_at = ?, wrapped_key = NULL WHERE id = ?`, [returnedMb, now, batchId]);
}

export const unredeemedMb = (row: CouponBatchRow) => toInt(row.amount_mb) * (row.code_count - row.redeemed_count);

export function batchView(row: CouponBatchRow): CouponBatch {
  const amountMb = toInt(row.amount_mb);
  return {
    id: row.id,
    sponsorId: row.sponsor_id,
    title: row.title,
    amountMb,
    count: row.code_count,
    totalMb: amountMb * row.code_count,
    validFrom: new Date(row.valid_from).toISOString(),
    validUntil: new Date(row.valid_until).toISOString(),
    status: row.status,
    redeemedCount: row.redeemed_count,
    redeemedMb: amountMb * row.redeemed_count,
    returnedMb: toInt(row.returned_mb),
    codesDownloaded: row.codes_downloaded_at !== null,
    codesDownloadedAt: row.codes_downloaded_at === null ? null : new Date(row.codes_downloaded_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
