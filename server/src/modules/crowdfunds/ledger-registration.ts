import type { LedgerFeature } from '../ledger/registry';

/**
 * What the ledger's audit checks of crowdfunds: an open one's escrow holds exactly what was
 * raised; a succeeded one's is empty (the goal was paid out with the last pledge); a failed or
 * cancelled one's holds exactly its pledges not yet refunded, and is empty once settled.
 */
export const CROWDFUNDS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'crowdfunds',
  escrowChecks: [
    {
      name: 'crowdfund escrow holds exactly what was raised while open',
      escrowOwner: 'crowdfund',
      expectedSql: `SELECT id AS object_id, raised_mb AS expected_mb FROM crowdfunds WHERE status = 'open'`,
    },
    {
      name: 'crowdfund escrow empty once succeeded or settled',
      escrowOwner: 'crowdfund',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM crowdfunds WHERE status = 'succeeded' OR settled_at IS NOT NULL`,
    },
    {
      name: 'crowdfund escrow holds the pledges not yet refunded while failed or cancelled',
      escrowOwner: 'crowdfund',
      expectedSql: `SELECT c.id AS object_id, COALESCE(SUM(p.amount_mb), 0) AS expected_mb
                      FROM crowdfunds c LEFT JOIN crowdfund_pledges p ON p.crowdfund_id = c.id AND p.refunded_at IS NULL
                     WHERE c.status IN ('failed', 'cancelled') AND c.settled_at IS NULL GROUP BY c.id`,
    },
  ],
  invariantChecks: [
    {
      name: 'crowdfund pledges sum to what was raised',
      breachesSql: `SELECT c.id, c.raised_mb, COALESCE(SUM(p.amount_mb), 0) AS pledged_mb
                      FROM crowdfunds c LEFT JOIN crowdfund_pledges p ON p.crowdfund_id = c.id
                     GROUP BY c.id HAVING c.raised_mb <> pledged_mb`,
    },
    {
      name: 'a succeeded crowdfund raised exactly its goal and refunded nothing',
      breachesSql: `SELECT c.id FROM crowdfunds c
                     WHERE c.status = 'succeeded' AND (c.raised_mb <> c.goal_mb OR EXISTS (SELECT 1 FROM crowdfund_pledges p WHERE p.crowdfund_id = c.id AND p.refunded_at IS NOT NULL))`,
    },
    {
      name: 'a settled failed or cancelled crowdfund refunded every pledge',
      breachesSql: `SELECT c.id FROM crowdfunds c
                     WHERE c.status IN ('failed', 'cancelled') AND c.settled_at IS NOT NULL
                       AND EXISTS (SELECT 1 FROM crowdfund_pledges p WHERE p.crowdfund_id = c.id AND p.refunded_at IS NULL)`,
    },
  ],
};
