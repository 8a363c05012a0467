import { createHmac, randomInt } from 'node:crypto';
import { toInt, type InsertResult, type Sql, type Tx } from '../../db/sql';

export const CODE_LIFETIME_MS = 5 * 60_000;
/**
 * Wrong guesses one code survives across every requester. Each requester has its own, smaller
 * allowance (config), so a stranger's five guesses cannot lock the owner out; this bound keeps
 * a guesser with many addresses at 50 in a million per code.
 */
const CODE_MAX_TRIES = 50;

/** A random source, injected so tests can fix codes if they need to. */
export type DigitSource = () => string;
export const randomSixDigits: DigitSource = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

/** Codes are stored only as a keyed hash: a leaked table does not leak live codes. */
export function hashCode(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}:${code}`).digest('hex');
}

/** The sms_codes table as the database returns it; only this file runs SQL on it. */
interface CodeRow {
  id: string;
  code_hash: string;
  attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
}

export async function insertCode(tx: Tx, code: { phone: string; codeHash: string; expiresAt: Date; now: Date }): Promise<void> {
  await tx.query('INSERT INTO sms_codes (phone, code_hash, attempts, expires_at, created_at) VALUES (?, ?, 0, ?, ?)', [code.phone, code.codeHash, code.expiresAt, code.now]);
}

/** The newest code sent to the number: the only one that counts. */
export async function newestCode(sql: Sql, phone: string): Promise<CodeRow | null> {
  const [row]: CodeRow[] = await sql.query('SELECT id, code_hash, attempts, expires_at, consumed_at FROM sms_codes WHERE phone = ? ORDER BY id DESC LIMIT 1', [phone]);
  return row ?? null;
}

/** Counts one try at the code, atomically; false when it has had CODE_MAX_TRIES already. */
export async function spendTry(sql: Sql, codeId: string): Promise<boolean> {
  const spent: InsertResult = await sql.query('UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ? AND attempts < ?', [codeId, CODE_MAX_TRIES]);
  return toInt(spent.affectedRows) === 1;
}

/** Uses the code up; false when another request used it first. */
export async function markConsumed(sql: Sql, codeId: string, now: Date): Promise<boolean> {
  const used: InsertResult = await sql.query('UPDATE sms_codes SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL', [now, codeId]);
  return toInt(used.affectedRows) === 1;
}
