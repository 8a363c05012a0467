import type { Page, Wallet, WalletEntry } from '@liuliang/shared';
import { type Sql, toInt } from '../../db/sql';
import type { Clock } from '../../platform/clock';
import { walletCode } from './accounts';
import { describeCounterparties } from './counterparties';
import type { LedgerRegistry } from './registry';

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** What a person sees of their wallet: only unexpired lots count, even before the sweep runs. */
export async function readWallet(sql: Sql, clock: Clock, userId: string, expiringSoonDays: number): Promise<Wallet> {
  const now = clock.now();
  const rows: Array<{ expires_at: Date; remaining_mb: string }> = await sql.query(
    `SELECT l.expires_at, l.remaining_mb FROM lots l JOIN accounts a ON a.id = l.account_id
      WHERE a.code = ? AND l.remaining_mb > 0 AND l.expires_at > ? ORDER BY l.expires_at`,
    [walletCode(userId), now],
  );
  const soon = now.getTime() + expiringSoonDays * DAY_MS;
  const lots = rows.map((r) => ({ amountMb: toInt(r.remaining_mb), expiresAt: new Date(r.expires_at).toISOString() }));
  return {
    balanceMb: lots.reduce((sum, l) => sum + l.amountMb, 0),
    lots,
    expiringSoonMb: lots.filter((l) => new Date(l.expiresAt).getTime() <= soon).reduce((sum, l) => sum + l.amountMb, 0),
  };
}

interface EntryRow {
  id: string;
  kind: string;
  amount_mb: string;
  ref_type: string | null;
  ref_id: string | null;
  memo: string | null;
  created_at: Date;
  direction: 'in' | 'out';
  other_code: string;
  other_owner_user_id: string | null;
  arrived_first_expires_at: Date | null;
  arrived_last_expires_at: Date | null;
}

/** The user's history, newest first, one page at a time; the cursor is the last transfer id seen. */
export async function readWalletEntries(
  sql: Sql,
  registry: Pick<LedgerRegistry, 'walletOwners' | 'transferCounterparties'>,
  userId: string,
  limit: number,
  cursor: string | undefined,
): Promise<Page<WalletEntry>> {
  const [account] = await sql.query('SELECT id FROM accounts WHERE code = ?', [walletCode(userId)]);
  if (!account) return { items: [], nextCursor: null };
  const before = cursor && /^\d+$/.test(cursor) ? cursor : '18446744073709551615';
  const rows: EntryRow[] = await sql.query(
    `SELECT t.id, t.kind, t.amount_mb, t.ref_type, t.ref_id, t.memo, t.created_at, t.direction, t.arrived_first_expires_at, t.arrived_last_expires_at,
            other.code AS other_code, other.owner_user_id AS other_owner_user_id
       FROM (
         (SELECT *, 'out' AS direction, to_account_id AS other_id FROM transfers WHERE from_account_id = ? AND id < ? ORDER BY id DESC LIMIT ?)
         UNION ALL
         (SELECT *, 'in' AS direction, from_account_id AS other_id FROM transfers WHERE to_account_id = ? AND id < ? ORDER BY id DESC LIMIT ?)
       ) t
       JOIN accounts other ON other.id = t.other_id
      ORDER BY t.id DESC LIMIT ?`,
    [account.id, before, limit + 1, account.id, before, limit + 1, limit + 1],
  );
  const page = rows.slice(0, limit);
  const counterparties = await describeCounterparties(sql, registry, userId, page);
  return {
    items: page.map((r, i) => ({
      id: String(r.id),
      kind: String(r.kind),
      direction: r.direction === 'in' ? 'in' : 'out',
      amountMb: toInt(r.amount_mb),
      counterparty: counterparties[i],
      refType: r.ref_type ?? null,
      refId: r.ref_id ?? null,
      memo: r.memo ?? null,
      at: new Date(r.created_at).toISOString(),
      arrivedExpiry:
        r.direction === 'in' && r.arrived_first_expires_at && r.arrived_last_expires_at
          ? { earliest: new Date(r.arrived_first_expires_at).toISOString(), latest: new Date(r.arrived_last_expires_at).toISOString() }
          : null,
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
  };
}
