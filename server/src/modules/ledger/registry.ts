import type { EscrowOwner } from './accounts';

/**
 * What features tell the ledger about themselves. The ledger knows accounts, lots and
 * transfers and no feature's tables: a feature that wants its escrows audited registers here,
 * and `server/src/ledger-registrations.ts` lists every one so that the audit CLI and the tests
 * all run with the same registrations.
 */

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
  escrowChecks?: readonly EscrowBalanceCheck[];
  invariantChecks?: readonly FeatureInvariantCheck[];
}

/** Every registration, checked once at composition. */
export interface LedgerRegistry {
  escrowChecks: readonly EscrowBalanceCheck[];
  invariantChecks: readonly FeatureInvariantCheck[];
}

/** Combines the features' registrations. Refuses two checks of the same name: a breach must say which. */
export function registerLedgerFeatures(features: readonly LedgerFeature[]): LedgerRegistry {
  const escrowChecks = features.flatMap((f) => f.escrowChecks ?? []);
  const invariantChecks = features.flatMap((f) => f.invariantChecks ?? []);
  const names = [...escrowChecks, ...invariantChecks].map((c) => c.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) throw new Error(`two audit checks are named "${duplicate}"`);

  return { escrowChecks, invariantChecks };
}
