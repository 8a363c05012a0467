/** The ledger as features use it: the one writer of balances, its account codes, and what an account can spend. */
export { Ledger } from './ledger';
export { escrowCode, walletCode, type TransferKind } from './accounts';
export { usableBalanceMb } from './balances';
