import type { LedgerFeature } from '../ledger/registry';

/** What the ledger's audit checks of gifts: a gift no longer waiting for its recipient holds nothing. */
export const GIFTS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'gifts',
  escrowChecks: [
    {
      name: 'gift escrow empty once delivered or refunded',
      escrowOwner: 'gift',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM gifts WHERE status <> 'pending_claim'`,
    },
  ],
};
