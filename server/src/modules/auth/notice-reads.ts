import type { Sql } from '../../db/sql';

/** How many read marks a user's answer carries: the message centre shows the latest 50 lines. */
const READS_RETURNED = 500;

/** Marks notices read; marking one twice keeps its first time (INSERT IGNORE), so retries and races are harmless. */
export async function markNoticesRead(sql: Sql, userId: string, noticeIds: readonly string[], now: Date): Promise<void> {
  const distinct = [...new Set(noticeIds)];
  await sql.query(
    `INSERT IGNORE INTO notice_reads (user_id, notice_id, read_at) VALUES ${distinct.map(() => '(?, ?, ?)').join(', ')}`,
    distinct.flatMap((id) => [userId, id, now]),
  );
}

export async function readNoticeIds(sql: Sql, userId: string): Promise<string[]> {
  const rows: Array<{ notice_id: string }> = await sql.query('SELECT notice_id FROM notice_reads WHERE user_id = ? ORDER BY read_at DESC, notice_id LIMIT ?', [
    userId,
    READS_RETURNED,
  ]);
  return rows.map((r) => r.notice_id);
}
