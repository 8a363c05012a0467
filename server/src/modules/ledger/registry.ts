import type { Counterparty } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import type { EscrowOwner, TransferKind } from './accounts';

/**
 * What features tell the ledger about themselves. The ledger knows accounts, lots and
 * transfers and no feature's tables: a feature that wants its transfers told well or its
 * escrows audited registers here, and `server/src/ledger-registrations.ts` lists every one so
 * that the API, the audit CLI and the tests all run with the same registrations.
 */

export type UserCounterparty = Extract<Counterparty, { type: 'user' }>;

/**
 * Describes the owners of wallets (by user id), in one batched query owned by the module that
 * owns the people. Users the module does not know are left out of the map.
 */
export type WalletOwnerDescriber = (sql: Sql, userIds: readonly string[]) => Promise<ReadonlyMap<string, UserCounterparty>>;

/**
 * A feature's own account of who was on the other side of some of its transfers, when that
 * reads better than the account the data moved through: a grabbed share is "from the packet's
 * sender", not "from the packet's escrow". Called once per page with every distinct ref id of
 * the matching transfers; answers the ones it describes, and the rest fall back to the account.
 */
export interface TransferCounterpartyDescriber {
  refType: string;
  kinds: readonly TransferKind[];
  describe(sql: Sql, refIds: readonly string[], viewerUserId: string): Promise<ReadonlyMap<string, Counterparty>>;
}

/**
 * A feature's expectation of its escrow accounts: `expectedSql` selects `object_id` and
 * `expected_mb` for the objects whose escrow balance is known (a finished gift's is 0, an open
 * packet's is what is left to grab); the audit reports every escrow that holds anything else.
 */
export interface EscrowBalanceCheck {
  name: string;
  escrowOwner: EscrowOwner;
  expectedSql: string;
}

/** An invariant between a feature's own rows and what it moved: `breachesSql` selects the rows that break it. */
export interface FeatureInvariantCheck {
  name: string;
  breachesSql: string;
}

/** One feature's registration; every part is optional. */
export interface LedgerFeature {
  feature: string;
  walletOwners?: WalletOwnerDescriber;
  transferCounterparties?: readonly TransferCounterpartyDescriber[];
  escrowChecks?: readonly EscrowBalanceCheck[];
  invariantChecks?: readonly FeatureInvariantCheck[];
}

/** Every registration, checked once at composition. */
export interface LedgerRegistry {
  walletOwners: WalletOwnerDescriber;
  transferCounterparties: readonly TransferCounterpartyDescriber[];
  escrowChecks: readonly EscrowBalanceCheck[];
  invariantChecks: readonly FeatureInvariantCheck[];
}

/**
 * Combines the features' registrations. Refuses, at start-up rather than on some later read,
 * a registry that would tell a story two ways: not exactly one describer of wallet owners, two
 * describers of the same transfer, or two checks of the same name (a breach must say which).
 */
export function registerLedgerFeatures(features: readonly LedgerFeature[]): LedgerRegistry {
  const walletOwners = features.flatMap((f) => (f.walletOwners ? [f.walletOwners] : []));
  if (walletOwners.length !== 1) throw new Error(`exactly one feature describes wallet owners, got ${walletOwners.length}`);

  const transferCounterparties = features.flatMap((f) => f.transferCounterparties ?? []);
  const described = new Set<string>();
  for (const describer of transferCounterparties) {
    for (const kind of describer.kinds) {
      const key = `${kind}/${describer.refType}`;
      if (described.has(key)) throw new Error(`two features describe the counterparty of ${key}`);
      described.add(key);
    }
  }

  const escrowChecks = features.flatMap((f) => f.escrowChecks ?? []);
  const invariantChecks = features.flatMap((f) => f.invariantChecks ?? []);
  const names = [...escrowChecks, ...invariantChecks].map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`two audit checks are named "${duplicate}"`);

  return { walletOwners: walletOwners[0], transferCounterparties, escrowChecks, invariantChecks };
}
