/** The ledger as features use it beside the Ledger itself (ledger.ts): account codes, and what an account can spend. */
export { escrowCode, walletCode } from './accounts';
export { usableBalanceMb } from './balances';
