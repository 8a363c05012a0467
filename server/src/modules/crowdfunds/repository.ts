import type { CrowdfundStatus } from '@liuliang/shared';
import { toInt, type Sql } from '../../db/sql';

/** The crowdfunds module's rows and the typed SQL over them; no other module reads these tables. */

export interface CrowdfundRow {
  id: string;
  seq: string;
  creator_id: string;
  title: string;
  goal_mb: string;
  raised_mb: string;
  status: CrowdfundStatus;
  deadline: Date;
  created_at: Date;
  closed_at: Date | null;
  settled_at: Date | null;
}

export interface PledgeRow {
  id: string;
  crowdfund_id: string;
  user_id: string;
  requested_mb: string;
  amount_mb: string;
  created_at: Date;
  refunded_at: Date | null;
}

export async function insertCrowdfund(sql: Sql, c: { id: string; creatorId: string; title: string; goalMb: number; deadline: Date; now: Date }): Promise<void> {
  await sql.query(`INSERT INTO crowdfunds (id, creator_id, title, goal_mb, raised_mb, status, deadline, created_at) VALUES (?, ?, ?, ?, 0, 'open', ?, ?)`, [
    c.id,
    c.creatorId,
    c.title,
    c.goalMb,
    c.deadline,
    c.now,
  ]);
}

/** `forUpdate`: the crowdfund's row lock, which serialises its pledges, its cancel and its closing. */
export async function findCrowdfund(sql: Sql, id: string, forUpdate = false): Promise<CrowdfundRow | null> {
  const [row] = await sql.query(`SELECT * FROM crowdfunds WHERE id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row ?? null;
}

export async function insertPledge(sql: Sql, p: { id: string; crowdfundId: string; userId: string; requestedMb: number; amountMb: number; now: Date }): Promise<void> {
  await sql.query('INSERT INTO crowdfund_pledges (id, crowdfund_id, user_id, requested_mb, amount_mb, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    p.id,
    p.crowdfundId,
    p.userId,
    p.requestedMb,
    p.amountMb,
    p.now,
  ]);
}

export async function findPledge(sql: Sql, pledgeId: string, userId: string): Promise<PledgeRow | null> {
  const [row] = await sql.query('SELECT * FROM crowdfund_pledges WHERE id = ? AND user_id = ?', [pledgeId, userId]);
  return row ?? null;
}

export async function setRaised(sql: Sql, id: string, raisedMb: number): Promise<void> {
  await sql.query('UPDATE crowdfunds SET raised_mb = ? WHERE id = ?', [raisedMb, id]);
}

/** Leaves `open`; a succeeded crowdfund is settled at once (its goal paid out in the same transaction). */
export async function closeCrowdfund(sql: Sql, id: string, status: Exclude<CrowdfundStatus, 'open'>, now: Date): Promise<void> {
  await sql.query('UPDATE crowdfunds SET status = ?, closed_at = ?, settled_at = ? WHERE id = ?', [status, now, status === 'succeeded' ? now : null, id]);
}

export async function markSettled(sql: Sql, id: string, now: Date): Promise<void> {
  await sql.query('UPDATE crowdfunds SET settled_at = ? WHERE id = ?', [now, id]);
}

/** Every pledge, oldest first, for the crowdfund's view. */
export async function pledgesOf(sql: Sql, crowdfundId: string): Promise<PledgeRow[]> {
  return sql.query('SELECT * FROM crowdfund_pledges WHERE crowdfund_id = ? ORDER BY seq', [crowdfundId]);
}

/** What each pledger put in, for the outcome messages. */
export async function pledgerTotals(sql: Sql, crowdfundId: string): Promise<Array<{ userId: string; amountMb: number }>> {
  const rows: Array<{ user_id: string; total_mb: string }> = await sql.query(
    'SELECT user_id, SUM(amount_mb) AS total_mb FROM crowdfund_pledges WHERE crowdfund_id = ? GROUP BY user_id ORDER BY MIN(seq)',
    [crowdfundId],
  );
  return rows.map((r) => ({ userId: String(r.user_id), amountMb: toInt(r.total_mb) }));
}

/** Pledges still in the escrow of a closed crowdfund, locked: a refund takes them under the crowdfund's lock. */
export async function unrefundedPledges(sql: Sql, crowdfundId: string, limit: number): Promise<PledgeRow[]> {
  return sql.query('SELECT * FROM crowdfund_pledges WHERE crowdfund_id = ? AND refunded_at IS NULL ORDER BY seq LIMIT ? FOR UPDATE', [crowdfundId, limit]);
}

export async function markRefunded(sql: Sql, pledgeIds: readonly string[], now: Date): Promise<number> {
  if (pledgeIds.length === 0) return 0;
  const result = await sql.query(`UPDATE crowdfund_pledges SET refunded_at = ? WHERE refunded_at IS NULL AND id IN (${pledgeIds.map(() => '?').join(', ')})`, [now, ...pledgeIds]);
  return toInt(result.affectedRows);
}

export async function dueOpenCrowdfunds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM crowdfunds WHERE status = 'open' AND deadline <= ? ORDER BY deadline LIMIT ?`, [now, limit]);
  return rows.map((r) => r.id);
}

export async function unsettledClosedCrowdfunds(sql: Sql, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(`SELECT id FROM crowdfunds WHERE status IN ('failed', 'cancelled') AND settled_at IS NULL ORDER BY closed_at LIMIT ?`, [
    limit,
  ]);
  return rows.map((r) => r.id);
}

/** The caller's crowdfunds, newest first: those they created, or those they pledged to. `beforeSeq` pages on. */
export async function listCrowdfunds(sql: Sql, userId: string, mine: 'created' | 'pledged', beforeSeq: string | null, limit: number): Promise<CrowdfundRow[]> {
  const before = beforeSeq === null ? '' : ' AND c.seq < ?';
  const params = beforeSeq === null ? [userId, limit] : [userId, beforeSeq, limit];
  if (mine === 'created') return sql.query(`SELECT c.* FROM crowdfunds c WHERE c.creator_id = ?${before} ORDER BY c.seq DESC LIMIT ?`, params);
  return sql.query(`SELECT c.* FROM crowdfunds c WHERE c.id IN (SELECT p.crowdfund_id FROM crowdfund_pledges p WHERE p.user_id = ?)${before} ORDER BY c.seq DESC LIMIT ?`, params);
}
