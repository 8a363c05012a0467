import type { LedgerFeature } from '../ledger/registry';
import { describeUsers } from './users';

/** Wallets belong to users: this module says who they are. */
export const USERS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'users',
  walletOwners: describeUsers,
};
