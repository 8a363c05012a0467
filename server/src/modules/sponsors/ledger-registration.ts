import type { LedgerFeature } from '../ledger/registry';

/**
 * What the ledger's audit checks of sponsors and activities: an activity's escrow holds its
 * budget less what it paid until it ends, and nothing after; a sponsor's budget holds its
 * top-ups less what it funded activities with, plus what came back from ended ones, less what
 * other features spent of it (`budgetUses`: each a query of `sponsor_id, net_mb` owned by the
 * feature that spends, so this module names none of their tables).
 */
export function sponsorsLedgerFeature(budgetUses: readonly string[]): LedgerFeature {
  const otherUses = budgetUses.map((use) => `- COALESCE((SELECT SUM(u.net_mb) FROM (${use}) u WHERE u.sponsor_id = s.id), 0)`).join('\n                         ');
  return {
    feature: 'sponsors',
    escrowChecks: [
      {
        name: 'activity escrow empty once ended',
        escrowOwner: 'activity',
        expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM activities WHERE status = 'ended'`,
      },
      {
        name: 'activity escrow holds its budget less what it paid',
        escrowOwner: 'activity',
        expectedSql: `SELECT id AS object_id, budget_mb - paid_mb AS expected_mb FROM activities WHERE status IN ('published', 'paused')`,
      },
      {
        name: 'sponsor budget holds top-ups less funded activities plus returns less expiries',
        escrowOwner: 'sponsor',
        expectedSql: `SELECT s.id AS object_id,
                           COALESCE((SELECT SUM(t.amount_mb) FROM sponsor_topups t WHERE t.sponsor_id = s.id), 0)
                         - COALESCE((SELECT SUM(a.budget_mb - a.returned_mb) FROM activities a WHERE a.sponsor_id = s.id AND a.published_at IS NOT NULL), 0)
                         - COALESCE((SELECT SUM(e.amount_mb) FROM sponsor_budget_expiries e WHERE e.sponsor_id = s.id), 0)
                         ${otherUses} AS expected_mb
                      FROM sponsors s`,
      },
    ],
    invariantChecks: [
      {
        // A rain's drops paid out their cost; what their packets left came back (rain_returned_mb).
        name: 'activity rewards and rain drops sum to what the activity paid',
        breachesSql: `SELECT * FROM (
                        SELECT a.id, a.paid_mb, a.rain_returned_mb,
                               COALESCE((SELECT SUM(r.amount_mb) FROM activity_rewards r WHERE r.activity_id = a.id), 0) AS rewarded_mb,
                               COALESCE((SELECT SUM(d.funded_mb) FROM activity_rain_drops d WHERE d.activity_id = a.id), 0) AS rained_mb
                          FROM activities a) t
                       WHERE t.paid_mb <> t.rewarded_mb + t.rained_mb - t.rain_returned_mb`,
      },
    ],
  };
}
