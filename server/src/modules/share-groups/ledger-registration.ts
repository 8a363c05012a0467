import type { LedgerFeature } from '../ledger/registry';

/**
 * What the ledger's audit checks of share groups: an active group's pool holds exactly what
 * its movements say (funds minus draws, reclaims and the close; the ledger itself keeps every
 * escrow from going below zero), and a closed group's pool is empty.
 */
export const SHARE_GROUPS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'share-groups',
  escrowChecks: [
    {
      name: 'share group pool holds funds minus draws and reclaims',
      escrowOwner: 'share_group',
      expectedSql: `SELECT g.id AS object_id, COALESCE(SUM(CASE m.kind WHEN 'fund' THEN m.amount_mb ELSE -m.amount_mb END), 0) AS expected_mb
                      FROM share_groups g LEFT JOIN share_group_movements m ON m.group_id = g.id
                     WHERE g.status = 'active' GROUP BY g.id`,
    },
    {
      name: 'share group pool empty once closed',
      escrowOwner: 'share_group',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM share_groups WHERE status = 'closed'`,
    },
  ],
  invariantChecks: [
    {
      name: 'share group members draw within their monthly quota',
      breachesSql: `SELECT m.group_id, m.user_id, m.month, SUM(m.amount_mb) AS drawn_mb, g.monthly_quota_mb
                      FROM share_group_movements m JOIN share_groups g ON g.id = m.group_id
                     WHERE m.kind = 'draw' GROUP BY m.group_id, m.user_id, m.month, g.monthly_quota_mb HAVING drawn_mb > g.monthly_quota_mb`,
    },
  ],
};
