/** The ledger's public entry for features: the codes of its accounts (the Ledger class
 * itself reaches services through Deps). */
export { EXTERNAL_ACCOUNTS, escrowCode, walletCode } from './accounts';
