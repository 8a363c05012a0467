import { DomainError } from '../../platform/errors';
import { type Tx, toInt, queryAll, writeLater } from '../../db/sql';
import { planSpend, type Piece } from './lots';

/**
 * The row-level steps every ledger write is made of: lock accounts, spend lots earliest-first,
 * credit lots keeping their expiry. Only the ledger module calls these.
 */

/** Bound on the lots one spend may touch; an account holds one lot per distinct expiry. */
const MAX_LOTS_PER_SPEND = 1000;

export interface LockedAccount {
  id: number;
  code: string;
  type: 'internal' | 'external';
  balanceMb: number;
}

export function assertAmount(amountMb: number): void {
  if (!Number.isSafeInteger(amountMb) || amountMb <= 0) throw new Error(`transfer amount must be a positive integer MB, got ${amountMb}`);
}

type AccountRow = { id: string; code: string; type: 'internal' | 'external'; balance_mb: string };
type LotRow = { id: string; expires_at: Date; remaining_mb: string };

/**
 * Locks the accounts in one statement; InnoDB takes the row locks in index order, the same for
 * every caller. With `spendFrom`, the same round trip also locks that account's spendable lots
 * (unexpired at `notBefore`), after its row as always, for `spendLots`.
 */
export async function lockAccounts(
  tx: Tx,
  codes: readonly string[],
  spendFrom?: { code: string; notBefore: Date },
): Promise<{ locked: Map<string, LockedAccount>; lots: LotRow[] }> {
  const statements: Array<[string, unknown[]]> = [
    [`SELECT id, code, type, balance_mb FROM accounts WHERE code IN (${codes.map(() => '?').join(', ')}) ORDER BY code FOR UPDATE`, [...codes]],
  ];
  if (spendFrom) {
    statements.push([
      `SELECT id, expires_at, remaining_mb FROM lots
        WHERE account_id = (SELECT id FROM accounts WHERE code = ?) AND remaining_mb > 0 AND expires_at > ?
        ORDER BY expires_at LIMIT ? FOR UPDATE`,
      [spendFrom.code, spendFrom.notBefore, MAX_LOTS_PER_SPEND],
    ]);
  }
  const [rows, lots = []] = (await queryAll(tx, statements)) as [AccountRow[], LotRow[]?];
  const locked = new Map(rows.map((r) => [r.code, { id: toInt(r.id), code: r.code, type: r.type, balanceMb: toInt(r.balance_mb) }]));
  for (const code of codes) if (!locked.has(code)) throw new Error(`no such account: ${code}`);
  return { locked, lots };
}

/** Spends `amountMb` from the account's lots that `lockAccounts` locked with it (`rows`), earliest expiry first. */
export async function spendLots(tx: Tx, from: LockedAccount, rows: readonly LotRow[], amountMb: number): Promise<Piece[]> {
  const plan = planSpend(
    rows.map((r) => ({ id: toInt(r.id), expiresAt: new Date(r.expires_at), remainingMb: toInt(r.remaining_mb) })),
    amountMb,
  );
  if (!plan) {
    // An escrow pays out only what it was funded with: a shortfall there is a bug, not a user error.
    if (from.code.startsWith('escrow:')) throw new Error(`escrow ${from.code} cannot cover ${amountMb} MB`);
    throw new DomainError('INSUFFICIENT_BALANCE', 'The wallet does not hold enough data that lasts long enough for this.');
  }
  // A lot the spend empties goes (one statement for all of them); at most the last one taken is left with some.
  const remainingOf = new Map(rows.map((r) => [toInt(r.id), toInt(r.remaining_mb)]));
  const emptied = plan.takes.filter((take) => take.takeMb === remainingOf.get(take.lotId)).map((take) => take.lotId);
  // These lots are locked: the writes ride with the transaction's next statement (writeLater).
  if (emptied.length > 0) await writeLater(tx, `DELETE FROM lots WHERE id IN (${emptied.map(() => '?').join(', ')})`, emptied);
  for (const take of plan.takes) {
    if (take.takeMb !== remainingOf.get(take.lotId)) await writeLater(tx, 'UPDATE lots SET remaining_mb = remaining_mb - ? WHERE id = ?', [take.takeMb, take.lotId]);
  }
  return plan.pieces;
}

/**
 * Adds pieces to accounts' lots, merging into the lot of the same expiry; one statement for all,
 * riding with the transaction's next statement (the upsert cannot break the unique key).
 */
export async function creditLots(tx: Tx, credits: ReadonlyArray<{ accountId: number; pieces: readonly Piece[] }>): Promise<void> {
  const values = credits.flatMap((c) => c.pieces.map((p) => [c.accountId, p.expiresAt, p.amountMb]));
  if (values.length === 0) return;
  await writeLater(
    tx,
    `INSERT INTO lots (account_id, expires_at, remaining_mb) VALUES ${values.map(() => '(?, ?, ?)').join(', ')}
     ON DUPLICATE KEY UPDATE remaining_mb = remaining_mb + VALUES(remaining_mb)`,
    values.flat(),
  );
}
