import type { TipTargetType } from '@liuliang/shared';
import { toInt, type Sql } from '../../db/sql';

/** The tips module's rows; no other module reads this table. */

export interface TipRow {
  id: string;
  tipper_id: string;
  to_user_id: string;
  target_type: TipTargetType;
  target_id: string;
  amount_mb: string;
  message: string | null;
  created_at: Date;
}

export async function insertTip(
  sql: Sql,
  t: { id: string; tipperId: string; toUserId: string; targetType: TipTargetType; targetId: string; amountMb: number; message: string | null; now: Date },
): Promise<void> {
  await sql.query('INSERT INTO tips (id, tipper_id, to_user_id, target_type, target_id, amount_mb, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    t.id,
    t.tipperId,
    t.toUserId,
    t.targetType,
    t.targetId,
    t.amountMb,
    t.message,
    t.now,
  ]);
}

export async function findTip(sql: Sql, tipId: string, tipperId: string): Promise<TipRow | null> {
  const [row] = await sql.query('SELECT * FROM tips WHERE id = ? AND tipper_id = ?', [tipId, tipperId]);
  return row ?? null;
}

/** Tippers of one target ranked by their total, then by who tipped first (the earliest tip's sequence). */
export async function leaderboardOf(sql: Sql, targetType: TipTargetType, targetId: string, limit: number): Promise<Array<{ userId: string; totalMb: number; count: number }>> {
  const rows: Array<{ tipper_id: string; total_mb: string; tips: string }> = await sql.query(
    `SELECT tipper_id, SUM(amount_mb) AS total_mb, COUNT(*) AS tips, MIN(seq) AS first_seq
       FROM tips WHERE target_type = ? AND target_id = ?
      GROUP BY tipper_id ORDER BY total_mb DESC, first_seq ASC LIMIT ?`,
    [targetType, targetId, limit],
  );
  return rows.map((r) => ({ userId: String(r.tipper_id), totalMb: toInt(r.total_mb), count: toInt(r.tips) }));
}
