import { ruleBroken } from '../../http/app-error';
import { type Sql, type InsertResult, toInt } from '../../db/sql';
import type { Clock } from '../../platform/clock';
import { isExternalCode, EXTERNAL_ACCOUNTS, type TransferKind } from './accounts';
import { planSpend, type Piece } from './lots';

/** Bound on the lots one spend may touch; an account holds one lot per distinct expiry. */
const MAX_LOTS_PER_SPEND = 1000;
/** Bound on the lots one sweep batch moves to `expired`. */
export const SWEEP_BATCH_LOTS = 500;

export interface TransferSpec {
  fromCode: string;
  toCode: string;
  amountMb: number;
  kind: TransferKind;
  ref?: { type: string; id: string | number };
  memo?: string | null;
  /** Only lots that outlive this instant may be spent: an escrow that must pay out by a deadline. */
  mustOutlive?: Date;
  /** Expiry of data entering from an external account (an external account has no lots). */
  expiresAt?: Date;
  /**
   * Settling an escrow after its deadline (a refund) moves its lots even if they have expired
   * since: the data goes back as it is, and the sweep takes it from the wallet.
   */
  spendExpired?: boolean;
}

export interface TransferResult {
  transferId: string;
  pieces: Piece[];
}

interface LockedAccount {
  id: number;
  code: string;
  type: 'internal' | 'external';
  balanceMb: number;
}

/**
 * The ledger (SPEC §2): the only module that writes balances, lots and transfers. Callers pass
 * the transaction they are in, so a feature's own rows and its transfer commit together.
 */
export class Ledger {
  constructor(private readonly clock: Clock) {}

  async ensureAccount(sql: Sql, code: string, ownerUserId: string | number | null = null): Promise<void> {
    const type = isExternalCode(code) ? 'external' : 'internal';
    await sql.query('INSERT IGNORE INTO accounts (code, type, owner_user_id, balance_mb, created_at) VALUES (?, ?, ?, 0, ?)', [
      code,
      type,
      ownerUserId,
      this.clock.now(),
    ]);
  }

  async transfer(sql: Sql, spec: TransferSpec): Promise<TransferResult> {
    assertAmount(spec.amountMb);
    if (spec.fromCode === spec.toCode) throw new Error(`a transfer needs two accounts, got ${spec.fromCode} twice`);
    const { from, to } = await lockPair(sql, spec.fromCode, spec.toCode);
    const now = this.clock.now();

    let pieces: Piece[];
    if (from.type === 'internal') {
      const notBefore = spec.spendExpired ? new Date(0) : spec.mustOutlive && spec.mustOutlive > now ? spec.mustOutlive : now;
      pieces = await spendLots(sql, from, spec.amountMb, notBefore);
    } else {
      if (!spec.expiresAt) throw new Error(`data entering from ${from.code} needs an expiry`);
      pieces = [{ expiresAt: spec.expiresAt, amountMb: spec.amountMb }];
    }
    if (to.type === 'internal') await creditLots(sql, to.id, pieces);
    return { transferId: await this.record(sql, from, to, spec, now), pieces };
  }

  /**
   * Moves expired remainders to the external `expired` account, one transfer per account and
   * batch. Safe to run from several processes at once: each lot is locked before it moves.
   * Returns how many MB it moved.
   */
  async sweepExpiredLots(sql: Sql, batchLots = SWEEP_BATCH_LOTS): Promise<number> {
    const now = this.clock.now();
    const due: Array<{ account_id: string }> = await sql.query(
      // Wallets only: an escrow's lots stay until the escrow settles (a refund moves them, expired or not).
      `SELECT DISTINCT l.account_id FROM lots l JOIN accounts a ON a.id = l.account_id
        WHERE l.expires_at <= ? AND l.remaining_mb > 0 AND a.code LIKE 'wallet:%' LIMIT ?`,
      [now, batchLots],
    );
    let movedMb = 0;
    for (const { account_id } of due) {
      const [account] = await sql.query('SELECT code FROM accounts WHERE id = ?', [account_id]);
      const { from, to } = await lockPair(sql, account.code, EXTERNAL_ACCOUNTS.expired);
      const lots: Array<{ id: string; expires_at: Date; remaining_mb: string }> = await sql.query(
        'SELECT id, expires_at, remaining_mb FROM lots WHERE account_id = ? AND expires_at <= ? AND remaining_mb > 0 FOR UPDATE',
        [from.id, now],
      );
      const amountMb = lots.reduce((sum, l) => sum + toInt(l.remaining_mb), 0);
      if (amountMb === 0) continue;
      for (const l of lots) await sql.query('DELETE FROM lots WHERE id = ?', [l.id]);
      await this.record(sql, from, to, { fromCode: from.code, toCode: to.code, amountMb, kind: 'expiry' }, now);
      movedMb += amountMb;
    }
    return movedMb;
  }

  private async record(sql: Sql, from: LockedAccount, to: LockedAccount, spec: TransferSpec, now: Date): Promise<string> {
    await sql.query('UPDATE accounts SET balance_mb = balance_mb - ? WHERE id = ?', [spec.amountMb, from.id]);
    await sql.query('UPDATE accounts SET balance_mb = balance_mb + ? WHERE id = ?', [spec.amountMb, to.id]);
    const result: InsertResult = await sql.query(
      `INSERT INTO transfers (from_account_id, to_account_id, amount_mb, kind, ref_type, ref_id, memo, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [from.id, to.id, spec.amountMb, spec.kind, spec.ref?.type ?? null, spec.ref ? String(spec.ref.id) : null, spec.memo ?? null, now],
    );
    return String(result.insertId);
  }
}

function assertAmount(amountMb: number): void {
  if (!Number.isSafeInteger(amountMb) || amountMb <= 0) throw new Error(`transfer amount must be a positive integer MB, got ${amountMb}`);
}

/** Locks both accounts in one statement; InnoDB takes the row locks in index order, the same for every caller. */
async function lockPair(sql: Sql, fromCode: string, toCode: string): Promise<{ from: LockedAccount; to: LockedAccount }> {
  const rows: Array<{ id: string; code: string; type: 'internal' | 'external'; balance_mb: string }> = await sql.query(
    'SELECT id, code, type, balance_mb FROM accounts WHERE code IN (?, ?) ORDER BY code FOR UPDATE',
    [fromCode, toCode],
  );
  const find = (code: string): LockedAccount => {
    const row = rows.find((r) => r.code === code);
    if (!row) throw new Error(`no such account: ${code}`);
    return { id: toInt(row.id), code: row.code, type: row.type, balanceMb: toInt(row.balance_mb) };
  };
  return { from: find(fromCode), to: find(toCode) };
}

async function spendLots(sql: Sql, from: LockedAccount, amountMb: number, notBefore: Date): Promise<Piece[]> {
  const rows: Array<{ id: string; expires_at: Date; remaining_mb: string }> = await sql.query(
    `SELECT id, expires_at, remaining_mb FROM lots
      WHERE account_id = ? AND remaining_mb > 0 AND expires_at > ?
      ORDER BY expires_at LIMIT ? FOR UPDATE`,
    [from.id, notBefore, MAX_LOTS_PER_SPEND],
  );
  const plan = planSpend(
    rows.map((r) => ({ id: toInt(r.id), expiresAt: new Date(r.expires_at), remainingMb: toInt(r.remaining_mb) })),
    amountMb,
  );
  if (!plan) {
    // An escrow pays out only what it was funded with: a shortfall there is a bug, not a user error.
    if (from.code.startsWith('escrow:')) throw new Error(`escrow ${from.code} cannot cover ${amountMb} MB`);
    throw ruleBroken('INSUFFICIENT_BALANCE', 'The wallet does not hold enough data that lasts long enough for this.');
  }
  for (const take of plan.takes) {
    await sql.query('UPDATE lots SET remaining_mb = remaining_mb - ? WHERE id = ?', [take.takeMb, take.lotId]);
  }
  await sql.query('DELETE FROM lots WHERE account_id = ? AND remaining_mb = 0', [from.id]);
  return plan.pieces;
}

async function creditLots(sql: Sql, accountId: number, pieces: readonly Piece[]): Promise<void> {
  for (const piece of pieces) {
    await sql.query(
      `INSERT INTO lots (account_id, expires_at, remaining_mb) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE remaining_mb = remaining_mb + VALUES(remaining_mb)`,
      [accountId, piece.expiresAt, piece.amountMb],
    );
  }
}
