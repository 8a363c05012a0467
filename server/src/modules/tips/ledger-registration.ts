import type { LedgerFeature } from '../ledger/registry';

/**
 * What the ledger's audit checks of tips. A tip moves data wallet to wallet (no escrow; the
 * wallets' owners describe the other side), so the check is that each tip row has exactly its
 * one transfer of the same amount, and no tip transfer is without its row.
 */
export const TIPS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'tips',
  invariantChecks: [
    {
      name: 'each tip has its one transfer of the same amount',
      breachesSql: `SELECT t.id, t.amount_mb, COUNT(x.id) AS transfers, COALESCE(SUM(x.amount_mb), 0) AS transferred_mb
                      FROM tips t LEFT JOIN transfers x ON x.kind = 'tip' AND x.ref_type = 'tip' AND x.ref_id = t.id
                     GROUP BY t.id HAVING transfers <> 1 OR transferred_mb <> t.amount_mb`,
    },
    {
      name: 'no tip transfer without its tip',
      breachesSql: `SELECT x.id FROM transfers x LEFT JOIN tips t ON t.id = x.ref_id WHERE x.kind = 'tip' AND t.id IS NULL`,
    },
  ],
};
