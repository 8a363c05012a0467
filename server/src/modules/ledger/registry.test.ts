import { LEDGER_FEATURES } from '../../ledger-registrations';
import { registerLedgerFeatures, type LedgerFeature } from './registry';

describe('registering features with the ledger', () => {
  const owners: LedgerFeature = { feature: 'owners', walletOwners: async () => new Map() };
  const describer = { refType: 'thing', kinds: ['gift'] as const, describe: async () => new Map() };

  it('keeps every escrow check and invariant the composed features register', () => {
    const registry = registerLedgerFeatures(LEDGER_FEATURES);
    expect([...registry.escrowChecks, ...registry.invariantChecks].map((c) => c.name)).toEqual([
      'gift escrow empty once delivered or refunded',
      'red packet escrow empty once finished or expired',
      'red packet escrow holds exactly what is left to grab',
      'share group pool holds funds minus draws and reclaims',
      'share group pool empty once closed',
      'crowdfund escrow holds exactly what was raised while open',
      'crowdfund escrow empty once succeeded or settled',
      'crowdfund escrow holds the pledges not yet refunded while failed or cancelled',
      'activity escrow empty once ended',
      'activity escrow holds its budget less what it paid',
      'sponsor budget holds top-ups less funded activities plus returns less expiries',
      'cash-out escrow empty once the order finished',
      'cash-out escrow holds the price while the order runs',
      'coupon batch escrow holds its unredeemed codes while active',
      'coupon batch escrow empty once settled',
      'red packet grabs sum to what left the packet',
      'share group members draw within their monthly quota',
      'crowdfund pledges sum to what was raised',
      'a succeeded crowdfund raised exactly its goal and refunded nothing',
      'a settled failed or cancelled crowdfund refunded every pledge',
      'activity rewards and rain drops sum to what the activity paid',
      'one success per cash-out order beyond its incidents',
      'a settled coupon batch returned exactly its unredeemed codes',
      'a coupon batch counts its redeemed codes',
    ]);
  });

  it('needs exactly one describer of wallet owners', () => {
    expect(() => registerLedgerFeatures([])).toThrow(/exactly one feature describes wallet owners, got 0/);
    expect(() => registerLedgerFeatures([owners, { ...owners, feature: 'again' }])).toThrow(/got 2/);
  });

  it('refuses two describers of the same transfer, and two checks of the same name', () => {
    expect(() => registerLedgerFeatures([owners, { feature: 'a', transferCounterparties: [describer] }, { feature: 'b', transferCounterparties: [describer] }])).toThrow(
      /gift\/thing/,
    );
    const check = { name: 'same', breachesSql: 'SELECT 1' };
    expect(() => registerLedgerFeatures([owners, { feature: 'a', invariantChecks: [check, check] }])).toThrow(/"same"/);
  });
});
