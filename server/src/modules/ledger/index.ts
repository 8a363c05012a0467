/** The ledger's public entry for features: the codes of its accounts (the Ledger class
 * itself reaches services through Deps), and what an account can spend. */
export { EXTERNAL_ACCOUNTS, escrowCode, walletCode, type TransferKind } from './accounts';
export { usableBalanceMb } from './balances';
