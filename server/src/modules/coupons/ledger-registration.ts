import type { LedgerFeature } from '../ledger/registry';

/** What coupon batches took from each sponsor's budget, net of what expiry gave back. */
export const COUPON_BUDGET_USE_SQL = `SELECT sponsor_id, amount_mb * code_count - returned_mb AS net_mb FROM coupon_batches`;

/**
 * What the ledger's audit checks of coupons: a batch's escrow holds the value of its codes not
 * yet redeemed while it is active and nothing once settled; what a settled batch returned is
 * exactly the value of its unredeemed codes; and the batch's count of redemptions is its codes'.
 */
export const COUPONS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'coupons',
  escrowChecks: [
    {
      name: 'coupon batch escrow holds its unredeemed codes while active',
      escrowOwner: 'coupon_batch',
      expectedSql: `SELECT id AS object_id, amount_mb * (code_count - redeemed_count) AS expected_mb FROM coupon_batches WHERE status = 'active'`,
    },
    {
      name: 'coupon batch escrow empty once settled',
      escrowOwner: 'coupon_batch',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM coupon_batches WHERE status = 'settled'`,
    },
  ],
  invariantChecks: [
    {
      name: 'a settled coupon batch returned exactly its unredeemed codes',
      breachesSql: `SELECT id, returned_mb, amount_mb * (code_count - redeemed_count) AS unredeemed_mb FROM coupon_batches
                     WHERE status = 'settled' AND returned_mb <> amount_mb * (code_count - redeemed_count)`,
    },
    {
      name: 'a coupon batch counts its redeemed codes',
      breachesSql: `SELECT b.id, b.redeemed_count, COUNT(c.id) AS redeemed_codes
                      FROM coupon_batches b LEFT JOIN coupons c ON c.batch_id = b.id AND c.redeemed_at IS NOT NULL
                     GROUP BY b.id HAVING b.redeemed_count <> redeemed_codes`,
    },
  ],
};
