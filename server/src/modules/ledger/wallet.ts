import { maskPhone, type Wallet, type WalletEntry, type Page } from '@liuliang/shared';
import { type Sql, toInt } from '../../db/sql';
import type { Clock } from '../../platform/clock';
import { walletCode } from './accounts';

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

/** The user's history, newest first, one page at a time; the cursor is the last transfer id seen. */
export async function readWalletEntries(sql: Sql, userId: string, limit: number, cursor: string | undefined): Promise<Page<WalletEntry>> {
  const [account] = await sql.query('SELECT id FROM accounts WHERE code = ?', [walletCode(userId)]);
  if (!account) return { items: [], nextCursor: null };
  const before = cursor && /^\d+$/.test(cursor) ? cursor : '18446744073709551615';
  const rows: Array<Record<string, string | Date | null>> = await sql.query(
    `SELECT t.id, t.kind, t.amount_mb, t.ref_type, t.ref_id, t.memo, t.created_at, t.direction,
            other.code AS other_code, u.nickname AS other_nickname, u.phone AS other_phone,
            ps.nickname AS packet_sender_nickname, ps.phone AS packet_sender_phone
       FROM (
         (SELECT *, 'out' AS direction, to_account_id AS other_id FROM transfers WHERE from_account_id = ? AND id < ? ORDER BY id DESC LIMIT ?)
         UNION ALL
         (SELECT *, 'in' AS direction, from_account_id AS other_id FROM transfers WHERE to_account_id = ? AND id < ? ORDER BY id DESC LIMIT ?)
       ) t
       JOIN accounts other ON other.id = t.other_id
       LEFT JOIN users u ON u.id = other.owner_user_id
       -- A grabbed share reads better as "from the sender" than "from the packet's escrow".
       LEFT JOIN red_packets p ON t.kind = 'red_packet_grab' AND t.ref_type = 'red_packet' AND p.id = t.ref_id
       LEFT JOIN users ps ON ps.id = p.sender_id AND ps.id <> ?
      ORDER BY t.id DESC LIMIT ?`,
    [account.id, before, limit + 1, account.id, before, limit + 1, userId, limit + 1],
  );
  const page = rows.slice(0, limit);
  return {
    items: page.map((r) => ({
      id: String(r.id),
      kind: String(r.kind),
      direction: r.direction === 'in' ? 'in' : 'out',
      amountMb: toInt(r.amount_mb),
      counterparty: r.packet_sender_nickname
        ? `${r.packet_sender_nickname} (${maskPhone(String(r.packet_sender_phone))})`
        : describeCounterparty(String(r.other_code), r.other_nickname as string | null, r.other_phone as string | null),
      refType: (r.ref_type as string | null) ?? null,
      refId: (r.ref_id as string | null) ?? null,
      memo: (r.memo as string | null) ?? null,
      at: new Date(r.created_at as Date).toISOString(),
    })),
    nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
  };
}

function describeCounterparty(code: string, nickname: string | null, phone: string | null): string {
  if (code.startsWith('wallet:')) return nickname && phone ? `${nickname} (${maskPhone(phone)})` : code;
  const names: Record<string, string> = {
    'ext:carrier_plan': '套餐流量',
    'ext:expired': '过期',
    'ext:recharged': '充值到手机',
    'ext:sponsor_budget': '赞助商',
    'ext:exchanged': '兑换',
  };
  if (names[code]) return names[code];
  if (code.startsWith('escrow:gift:')) return '转赠';
  if (code.startsWith('escrow:red_packet:')) return '红包';
  return code;
}
