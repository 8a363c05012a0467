import { type Sql, type Tx, toInt, writeLater } from '../../db/sql';
import type { Clock } from '../../platform/clock';
import { isExternalCode, EXTERNAL_ACCOUNTS, type TransferKind } from './accounts';
import type { Piece } from './lots';
import { assertAmount, creditLots, lockAccounts, spendLots, type LockedAccount } from './rows';
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
  pieces: Piece[];
}

/**
 * The ledger (SPEC §2): the only module that writes balances, lots and transfers. Callers pass
 * the transaction they are in, so a feature's own rows and its transfer commit together.
 */
export class Ledger {
  constructor(private readonly clock: Clock) {}

  async ensureAccount(tx: Tx, code: string, ownerUserId: string | number | null = null): Promise<void> {
    const type = isExternalCode(code) ? 'external' : 'internal';
    await tx.query('INSERT IGNORE INTO accounts (code, type, owner_user_id, balance_mb, created_at) VALUES (?, ?, ?, 0, ?)', [
      code,
      type,
      ownerUserId,
      this.clock.now(),
    ]);
  }

  /** What an internal account can still spend: its lots that have not expired at `at`. */
  async availableMb(sql: Sql, code: string, at: Date = this.clock.now()): Promise<number> {
    const [row] = await sql.query(
      'SELECT COALESCE(SUM(l.remaining_mb), 0) AS mb FROM lots l JOIN accounts a ON a.id = l.account_id WHERE a.code = ? AND l.expires_at > ?',
      [code, at],
    );
    return toInt(row.mb);
  }

  /** An account's balance as the ledger keeps it (expired lots still held count). */
  async balanceMb(sql: Sql, code: string): Promise<number> {
    const [row] = await sql.query('SELECT balance_mb FROM accounts WHERE code = ?', [code]);
    return row ? toInt(row.balance_mb) : 0;
  }

  async transfer(tx: Tx, spec: TransferSpec): Promise<TransferResult> {
    assertAmount(spec.amountMb);
    if (spec.fromCode === spec.toCode) throw new Error(`a transfer needs two accounts, got ${spec.fromCode} twice`);
    const now = this.clock.now();
    const notBefore = spec.spendExpired ? new Date(0) : spec.mustOutlive && spec.mustOutlive > now ? spec.mustOutlive : now;
    // The source's lots are locked in the same round trip as the two accounts (an external source has none).
    const spendFrom = isExternalCode(spec.fromCode) ? undefined : { code: spec.fromCode, notBefore };
    const { locked, lots } = await lockAccounts(tx, [spec.fromCode, spec.toCode], spendFrom);
    const [from, to] = [locked.get(spec.fromCode)!, locked.get(spec.toCode)!];

    let pieces: Piece[];
    if (from.type === 'internal') {
      pieces = await spendLots(tx, from, lots, spec.amountMb);
    } else {
      if (!spec.expiresAt) throw new Error(`data entering from ${from.code} needs an expiry`);
      pieces = [{ expiresAt: spec.expiresAt, amountMb: spec.amountMb }];
    }
    if (to.type === 'internal') await creditLots(tx, [{ accountId: to.id, pieces }]);
    await this.record(tx, from, to, spec, now, to.type === 'internal' ? pieces : []);
    return { pieces };
  }

  /**
   * Pays one internal account (an escrow) out to many, in one go: one lock statement, one
   * spend of the source's lots (earliest-first, split among the payees in order), one insert
   * of all lots and one of all transfers. For the winners of a red packet, who would
   * otherwise each repeat the whole sequence while holding the packet's lock.
   */
  async payOut(tx: Tx, spec: { fromCode: string; payouts: ReadonlyArray<{ toCode: string; amountMb: number }>; kind: TransferKind; ref: { type: string; id: string | number } }): Promise<void> {
    if (spec.payouts.length === 0) return;
    for (const p of spec.payouts) {
      assertAmount(p.amountMb);
      if (p.toCode === spec.fromCode) throw new Error(`a transfer needs two accounts, got ${p.toCode} twice`);
    }
    if (new Set(spec.payouts.map((p) => p.toCode)).size !== spec.payouts.length) throw new Error('payOut pays each account once per call');
    const totalMb = spec.payouts.reduce((sum, p) => sum + p.amountMb, 0);
    const now = this.clock.now();
    const { locked, lots } = await lockAccounts(tx, [...new Set([spec.fromCode, ...spec.payouts.map((p) => p.toCode)])], { code: spec.fromCode, notBefore: now });
    const from = locked.get(spec.fromCode)!;
    if (from.type !== 'internal' || spec.payouts.some((p) => locked.get(p.toCode)!.type !== 'internal')) throw new Error('payOut moves data between internal accounts only');
    const pieces = [...(await spendLots(tx, from, lots, totalMb))];
    const credits = spec.payouts.map((p) => ({ accountId: locked.get(p.toCode)!.id, pieces: takePieces(pieces, p.amountMb) }));
    await creditLots(tx, credits);
    // The accounts are locked: the writes ride with the transaction's next statement (writeLater).
    await writeLater(tx, 'UPDATE accounts SET balance_mb = balance_mb - ? WHERE id = ?', [totalMb, from.id]);
    await writeLater(
      tx,
      `UPDATE accounts SET balance_mb = balance_mb + CASE id ${credits.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (${credits.map(() => '?').join(', ')})`,
      [...spec.payouts.flatMap((p, i) => [credits[i].accountId, p.amountMb]), ...credits.map((c) => c.accountId)],
    );
    await writeLater(
      tx,
      `INSERT INTO transfers (from_account_id, to_account_id, amount_mb, kind, ref_type, ref_id, memo, created_at, arrived_first_expires_at, arrived_last_expires_at)
       VALUES ${spec.payouts.map(() => '(?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)').join(', ')}`,
      spec.payouts.flatMap((p, i) => [from.id, credits[i].accountId, p.amountMb, spec.kind, spec.ref.type, String(spec.ref.id), now, ...arrivalSpan(credits[i].pieces)]),
    );
  }

  /**
   * Moves expired remainders to the external `expired` account, one transfer per account and
   * batch. Safe to run from several processes at once: each lot is locked before it moves.
   * Returns how many MB it moved.
   */
  async sweepExpiredLots(tx: Tx, batchLots = SWEEP_BATCH_LOTS): Promise<number> {
    // Wallets only: an escrow's lots stay until the escrow settles (a refund moves them, expired or not).
    const due = await this.holdersOfExpiredLots(tx, 'wallet:', batchLots);
    let movedMb = 0;
    for (const code of due) movedMb += await this.sweepExpiredAccount(tx, code);
    return movedMb;
  }

  /**
   * The codes of up to `limit` accounts starting with `codePrefix` that hold expired lots: for a
   * feature whose account never settles (a sponsor's budget) to sweep them, one by one.
   */
  async holdersOfExpiredLots(sql: Sql, codePrefix: string, limit: number): Promise<string[]> {
    const rows: Array<{ code: string }> = await sql.query(
      `SELECT DISTINCT a.code FROM lots l JOIN accounts a ON a.id = l.account_id
        WHERE l.expires_at <= ? AND l.remaining_mb > 0 AND a.code LIKE CONCAT(?, '%') LIMIT ?`,
      [this.clock.now(), codePrefix.replace(/[\\%_]/g, '\\$&'), limit],
    );
    return rows.map((r) => r.code);
  }

  /**
   * Moves one internal account's expired remainders to `expired` in one transfer. Locks the
   * account and its lots first, so a sweep racing this one finds nothing left and moves 0.
   */
  async sweepExpiredAccount(tx: Tx, code: string, ref?: TransferSpec['ref']): Promise<number> {
    const now = this.clock.now();
    const { from, to } = await lockPair(tx, code, EXTERNAL_ACCOUNTS.expired);
    const lots: Array<{ id: string; remaining_mb: string }> = await tx.query(
      'SELECT id, remaining_mb FROM lots WHERE account_id = ? AND expires_at <= ? AND remaining_mb > 0 FOR UPDATE',
      [from.id, now],
    );
    const amountMb = lots.reduce((sum, l) => sum + toInt(l.remaining_mb), 0);
    if (amountMb === 0) return 0;
    await tx.query(`DELETE FROM lots WHERE id IN (${lots.map(() => '?').join(',')})`, lots.map((l) => l.id));
    await this.record(tx, from, to, { fromCode: from.code, toCode: to.code, amountMb, kind: 'expiry', ref }, now);
    return amountMb;
  }

  /**
   * The balances and the transfer row: writes nobody reads back, riding with the transaction's
   * next statement (writeLater). `arrived`: the pieces credited to the receiving internal
   * account (none for an external one), whose expiries the row keeps.
   */
  private async record(tx: Tx, from: LockedAccount, to: LockedAccount, spec: TransferSpec, now: Date, arrived: readonly Piece[] = []): Promise<void> {
    await writeLater(tx, 'UPDATE accounts SET balance_mb = CASE id WHEN ? THEN balance_mb - ? ELSE balance_mb + ? END WHERE id IN (?, ?)', [from.id, spec.amountMb, spec.amountMb, from.id, to.id]);
    await writeLater(
      tx,
      `INSERT INTO transfers (from_account_id, to_account_id, amount_mb, kind, ref_type, ref_id, memo, created_at, arrived_first_expires_at, arrived_last_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [from.id, to.id, spec.amountMb, spec.kind, spec.ref?.type ?? null, spec.ref ? String(spec.ref.id) : null, spec.memo ?? null, now, ...arrivalSpan(arrived)],
    );
  }
}

/**
 * The earliest and latest expiry of the data a transfer credited, kept on the transfer so a
 * history row can say when what arrived expires (issue 16); NULLs when nothing arrived in lots.
 */
function arrivalSpan(pieces: readonly Piece[]): [Date | null, Date | null] {
  if (pieces.length === 0) return [null, null];
  const times = pieces.map((p) => p.expiresAt.getTime());
  return [new Date(Math.min(...times)), new Date(Math.max(...times))];
}

/** Locks the two accounts of a transfer. */
async function lockPair(tx: Tx, fromCode: string, toCode: string): Promise<{ from: LockedAccount; to: LockedAccount }> {
  const { locked } = await lockAccounts(tx, [fromCode, toCode]);
  return { from: locked.get(fromCode)!, to: locked.get(toCode)! };
}

/** Takes `amountMb` off the front of `pieces` (earliest expiry first), shrinking the list in place. */
function takePieces(pieces: Piece[], amountMb: number): Piece[] {
  const taken: Piece[] = [];
  let missingMb = amountMb;
  while (missingMb > 0) {
    const head = pieces[0];
    if (!head) throw new Error('payOut pieces do not cover the payouts');
    const takeMb = Math.min(head.amountMb, missingMb);
    taken.push({ expiresAt: head.expiresAt, amountMb: takeMb });
    missingMb -= takeMb;
    if (takeMb === head.amountMb) pieces.shift();
    else pieces[0] = { expiresAt: head.expiresAt, amountMb: head.amountMb - takeMb };
  }
  return taken;
}
