import type { LedgerFeature } from '../ledger/registry';

/**
 * What the ledger's audit checks of cash-out: a running order's escrow holds its price, a
 * finished one's nothing; and an order has exactly one success (none when it failed) beyond
 * the successes recorded as incidents, which is SPEC §3.7's "at most one success per order".
 */
export const CASHOUT_LEDGER_FEATURE: LedgerFeature = {
  feature: 'cashout',
  escrowChecks: [
    {
      name: 'cash-out escrow empty once the order finished',
      escrowOwner: 'cash_out',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM cashout_orders WHERE status <> 'processing'`,
    },
    {
      name: 'cash-out escrow holds the price while the order runs',
      escrowOwner: 'cash_out',
      expectedSql: `SELECT id AS object_id, price_mb AS expected_mb FROM cashout_orders WHERE status = 'processing'`,
    },
  ],
  invariantChecks: [
    {
      name: 'one success per cash-out order beyond its incidents',
      breachesSql: `SELECT o.id, o.status,
                           (SELECT COUNT(*) FROM cashout_attempts a WHERE a.order_id = o.id AND a.status = 'succeeded') AS successes,
                           (SELECT COUNT(*) FROM cashout_incidents i WHERE i.order_id = o.id) AS incidents
                      FROM cashout_orders o
                    HAVING successes - incidents <> (o.status = 'succeeded')`,
    },
  ],
};
