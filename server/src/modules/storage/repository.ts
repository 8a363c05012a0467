import type { Deposit } from '@liuliang/shared';
import { toInt, type InsertResult, type Sql, type Tx } from '../../db/sql';

/** The deposits table as the database returns it; only this file runs SQL on it. */
export interface DepositRow {
  id: string;
  user_id: string;
  request_id: string;
  amount_mb: string;
  status: Deposit['status'];
  expires_at: Date;
}

export async function findDeposit(sql: Sql, depositId: string): Promise<DepositRow | null> {
  const [row]: DepositRow[] = await sql.query('SELECT * FROM deposits WHERE id = ?', [depositId]);
  return row ?? null;
}

/** The deposit if it is the user's; another user's is not found. */
export async function findUsersDeposit(sql: Sql, depositId: string, userId: string): Promise<DepositRow | null> {
  const [row]: DepositRow[] = await sql.query('SELECT * FROM deposits WHERE id = ? AND user_id = ?', [depositId, userId]);
  return row ?? null;
}

/** The deposit made under this carrier request id, if any: the same id means the same request. */
export async function depositIdOfRequest(sql: Sql, requestId: string): Promise<string | null> {
  const [row]: Array<{ id: string }> = await sql.query('SELECT id FROM deposits WHERE request_id = ?', [requestId]);
  return row ? String(row.id) : null;
}

export async function insertPendingDeposit(tx: Tx, deposit: { userId: string; requestId: string; amountMb: number; month: string; expiresAt: Date; now: Date }): Promise<string> {
  const result: InsertResult = await tx.query(`INSERT INTO deposits (user_id, request_id, amount_mb, month, status, expires_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)`, [
    deposit.userId,
    deposit.requestId,
    deposit.amountMb,
    deposit.month,
    deposit.expiresAt,
    deposit.now,
  ]);
  return String(result.insertId);
}

/** Locks the deposit's row until the transaction ends: the status guard that credits it once. */
export async function lockDeposit(tx: Tx, depositId: string): Promise<DepositRow | null> {
  const [row]: DepositRow[] = await tx.query('SELECT * FROM deposits WHERE id = ? FOR UPDATE', [depositId]);
  return row ?? null;
}

export async function markCompleted(tx: Tx, depositId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE deposits SET status = 'completed', settled_at = ? WHERE id = ?`, [now, depositId]);
}

/** Fails a deposit that is still pending; returns whether this call failed it. */
export async function failIfPending(sql: Sql, depositId: string, now: Date): Promise<boolean> {
  const result: InsertResult = await sql.query(`UPDATE deposits SET status = 'failed', settled_at = ? WHERE id = ? AND status = 'pending'`, [now, depositId]);
  return toInt(result.affectedRows) === 1;
}

/** Pending deposits created at or before `createdBy`, oldest first. */
export async function pendingDepositsCreatedBy(sql: Sql, createdBy: Date, limit: number): Promise<DepositRow[]> {
  return sql.query(`SELECT * FROM deposits WHERE status = 'pending' AND created_at <= ? ORDER BY id LIMIT ?`, [createdBy, limit]);
}

/** MB the user banked (or is banking) in the Shanghai month `month`; failed deposits do not count. */
export async function bankedInMonth(sql: Sql, userId: string, month: string): Promise<number> {
  const [row]: Array<{ total: string }> = await sql.query(`SELECT COALESCE(SUM(amount_mb), 0) AS total FROM deposits WHERE user_id = ? AND month = ? AND status <> 'failed'`, [
    userId,
    month,
  ]);
  return toInt(row.total);
}
