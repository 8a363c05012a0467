import type { Sql } from '../../db/sql';
import { escrowCode } from './accounts';
import type { LedgerRegistry } from './registry';

export interface AuditBreach {
  invariant: string;
  detail: string;
}

/**
 * Checks every invariant of SPEC §2 from the database alone, the features' registered checks
 * of their escrows and rows included. An empty list means all hold.
 */
export async function auditLedger(sql: Sql, registry: Pick<LedgerRegistry, 'escrowChecks' | 'invariantChecks'>): Promise<AuditBreach[]> {
  const breaches: AuditBreach[] = [];
  const add = (invariant: string, rows: unknown[]) => {
    for (const row of rows) breaches.push({ invariant, detail: JSON.stringify(row) });
  };

  const [sum] = await sql.query('SELECT COALESCE(SUM(balance_mb), 0) AS total FROM accounts');
  if (String(sum.total) !== '0') add('sum of all balances is zero', [{ total: String(sum.total) }]);

  add(
    'each balance equals credits minus debits',
    await sql.query(`
      SELECT a.code, a.balance_mb, COALESCE(c.credits, 0) - COALESCE(d.debits, 0) AS from_transfers
        FROM accounts a
        LEFT JOIN (SELECT to_account_id AS id, SUM(amount_mb) AS credits FROM transfers GROUP BY to_account_id) c ON c.id = a.id
        LEFT JOIN (SELECT from_account_id AS id, SUM(amount_mb) AS debits FROM transfers GROUP BY from_account_id) d ON d.id = a.id
       WHERE a.balance_mb <> COALESCE(c.credits, 0) - COALESCE(d.debits, 0)`),
  );

  add(
    'each internal balance equals the sum of its lots',
    await sql.query(`
      SELECT a.code, a.balance_mb, COALESCE(l.lots_mb, 0) AS lots_mb
        FROM accounts a
        LEFT JOIN (SELECT account_id AS id, SUM(remaining_mb) AS lots_mb FROM lots GROUP BY account_id) l ON l.id = a.id
       WHERE a.type = 'internal' AND a.balance_mb <> COALESCE(l.lots_mb, 0)`),
  );

  add('no internal balance below zero', await sql.query(`SELECT code, balance_mb FROM accounts WHERE type = 'internal' AND balance_mb < 0`));
  add('no lot below zero', await sql.query('SELECT id, account_id, remaining_mb FROM lots WHERE remaining_mb < 0'));
  add('external accounts hold no lots', await sql.query(`SELECT l.id, a.code FROM lots l JOIN accounts a ON a.id = l.account_id WHERE a.type = 'external'`));
  add('every transfer is positive', await sql.query('SELECT id, amount_mb FROM transfers WHERE amount_mb <= 0'));

  for (const check of registry.escrowChecks) {
    add(
      check.name,
      await sql.query(
        `SELECT a.code, a.balance_mb, e.expected_mb
           FROM (${check.expectedSql}) e JOIN accounts a ON a.code = CONCAT(?, e.object_id)
          WHERE a.balance_mb <> e.expected_mb`,
        [escrowCode(check.escrowOwner, '')],
      ),
    );
  }
  for (const check of registry.invariantChecks) add(check.name, await sql.query(check.breachesSql));
  return breaches;
}
