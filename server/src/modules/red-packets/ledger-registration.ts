import type { LedgerFeature } from '../ledger/registry';

/** What the ledger's audit checks of red packets. */
export const RED_PACKETS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'red-packets',
  escrowChecks: [
    {
      name: 'red packet escrow empty once finished or expired',
      escrowOwner: 'red_packet',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM red_packets WHERE status <> 'open'`,
    },
    {
      name: 'red packet escrow holds exactly what is left to grab',
      escrowOwner: 'red_packet',
      expectedSql: `SELECT id AS object_id, remaining_mb AS expected_mb FROM red_packets WHERE status = 'open'`,
    },
  ],
  invariantChecks: [
    {
      name: 'red packet grabs sum to what left the packet',
      breachesSql: `SELECT p.id, p.total_mb, p.remaining_mb, p.refunded_mb, COALESCE(SUM(g.amount_mb), 0) AS grabbed_mb
                      FROM red_packets p LEFT JOIN red_packet_grabs g ON g.packet_id = p.id
                     GROUP BY p.id HAVING p.total_mb <> grabbed_mb + p.remaining_mb + p.refunded_mb`,
    },
  ],
};
