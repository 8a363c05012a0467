import type { Counterparty, CounterpartyAccount } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import type { EscrowOwner, ExternalAccountCode } from './accounts';
import type { LedgerRegistry, UserCounterparty } from './registry';

/** What describing a history entry's other side needs of its transfer row. */
export interface CounterpartyRow {
  kind: string;
  ref_type: string | null;
  ref_id: string | null;
  other_code: string;
  other_owner_user_id: string | null;
}

/**
 * The other side of each entry, in the entries' order: what the feature that caused the
 * transfer says (one batched call per registered describer), else the account the data moved
 * through. One call per describer and one for all wallet owners, whatever the page size.
 */
export async function describeCounterparties(
  sql: Sql,
  registry: Pick<LedgerRegistry, 'walletOwners' | 'transferCounterparties'>,
  viewerUserId: string,
  rows: readonly CounterpartyRow[],
): Promise<Counterparty[]> {
  const byFeature = new Map<CounterpartyRow, Counterparty>();
  for (const describer of registry.transferCounterparties) {
    const kinds: readonly string[] = describer.kinds;
    const matching = rows.filter((r) => r.ref_type === describer.refType && r.ref_id !== null && kinds.includes(r.kind));
    if (matching.length === 0) continue;
    const described = await describer.describe(sql, [...new Set(matching.map((r) => String(r.ref_id)))], viewerUserId);
    for (const r of matching) {
      const counterparty = described.get(String(r.ref_id));
      if (counterparty) byFeature.set(r, counterparty);
    }
  }

  const ownerIds = rows.filter((r) => !byFeature.has(r) && r.other_owner_user_id !== null).map((r) => String(r.other_owner_user_id));
  const owners = await registry.walletOwners(sql, [...new Set(ownerIds)]);
  return rows.map((r) => byFeature.get(r) ?? counterpartyAccount(r.other_code, r.other_owner_user_id === null ? undefined : owners.get(String(r.other_owner_user_id))));
}

const EXTERNAL_COUNTERPARTIES: Record<ExternalAccountCode, CounterpartyAccount> = {
  'ext:carrier_plan': 'carrier_plan',
  'ext:expired': 'expired',
  'ext:recharged_out': 'recharged',
  'ext:recharge_overrun': 'recharge_overrun',
  'ext:sponsor_budget': 'sponsor_budget',
  'ext:exchanged': 'exchanged',
  'ext:sponsor_purchases': 'sponsor_purchases',
};
const ESCROW_COUNTERPARTIES: Record<EscrowOwner, CounterpartyAccount> = {
  gift: 'gift',
  red_packet: 'red_packet',
  crowdfund: 'crowdfund',
  share_group: 'share_group',
  cash_out: 'cash_out',
  activity: 'activity',
  sponsor: 'sponsor',
  coupon_batch: 'coupon_batch',
};

/**
 * The account on the other side as a counterparty. Every account the ledger creates has an
 * answer; one without (a wallet whose owner is unknown, a code nobody registered) is a broken
 * invariant and fails loudly rather than reaching a face as a raw code.
 */
function counterpartyAccount(code: string, owner: UserCounterparty | undefined): Counterparty {
  if (code.startsWith('wallet:')) {
    if (!owner) throw new Error(`no owner described for ${code}`);
    return owner;
  }
  if (Object.hasOwn(EXTERNAL_COUNTERPARTIES, code)) return { type: 'account', account: EXTERNAL_COUNTERPARTIES[code as ExternalAccountCode] };
  const escrowOwner = /^escrow:([a-z_]+):/.exec(code)?.[1];
  if (escrowOwner && Object.hasOwn(ESCROW_COUNTERPARTIES, escrowOwner)) return { type: 'account', account: ESCROW_COUNTERPARTIES[escrowOwner as EscrowOwner] };
  throw new Error(`no counterparty for account ${code}`);
}
