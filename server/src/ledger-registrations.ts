import { USERS_LEDGER_FEATURE } from './modules/auth/ledger-registration';
import { GIFTS_LEDGER_FEATURE } from './modules/gifts/ledger-registration';
import { RED_PACKETS_LEDGER_FEATURE } from './modules/red-packets/ledger-registration';
import { CROWDFUNDS_LEDGER_FEATURE } from './modules/crowdfunds/ledger-registration';
import { SHARE_GROUPS_LEDGER_FEATURE } from './modules/share-groups/ledger-registration';
import { sponsorsLedgerFeature } from './modules/sponsors/ledger-registration';
import { CASHOUT_LEDGER_FEATURE } from './modules/cashout/ledger-registration';
import { COUPON_BUDGET_USE_SQL, COUPONS_LEDGER_FEATURE } from './modules/coupons/ledger-registration';
import { registerLedgerFeatures, type LedgerFeature } from './modules/ledger/registry';

/**
 * Every feature that registers with the ledger. One list, imported by the API, the audit CLI
 * and the tests' audit, so none of them runs with a check or a describer missing: a new
 * feature with an escrow adds itself here.
 */
export const LEDGER_FEATURES: readonly LedgerFeature[] = [
  USERS_LEDGER_FEATURE,
  GIFTS_LEDGER_FEATURE,
  RED_PACKETS_LEDGER_FEATURE,
  SHARE_GROUPS_LEDGER_FEATURE,
  CROWDFUNDS_LEDGER_FEATURE,
  // Coupon batches spend sponsors' budgets: the budget's check counts them.
  sponsorsLedgerFeature([COUPON_BUDGET_USE_SQL]),
  CASHOUT_LEDGER_FEATURE,
  COUPONS_LEDGER_FEATURE,
];

export const LEDGER_REGISTRY = registerLedgerFeatures(LEDGER_FEATURES);
