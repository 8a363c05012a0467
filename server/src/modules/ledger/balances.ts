import { toInt, type Sql } from '../../db/sql';

/**
 * What an internal account can spend at `at`: its lots that have not expired. An escrow's
 * expired lots stay in it until it settles (the sweep takes wallets only), so its balance can
 * be more than it can pay out; a feature that lets people take from an escrow (a share group's
 * pool) offers this much.
 */
export async function usableBalanceMb(sql: Sql, code: string, at: Date): Promise<number> {
  const [row] = await sql.query(
    `SELECT COALESCE(SUM(l.remaining_mb), 0) AS usable_mb FROM lots l JOIN accounts a ON a.id = l.account_id
      WHERE a.code = ? AND l.remaining_mb > 0 AND l.expires_at > ?`,
    [code, at],
  );
  return toInt(row?.usable_mb);
}
