import { planSpend } from './lots';

const lot = (id: number, iso: string, remainingMb: number) => ({ id, expiresAt: new Date(iso), remainingMb });

describe('planSpend', () => {
  it('takes the earliest-expiring lots first', () => {
    const plan = planSpend([lot(1, '2027-03-01T00:00:00Z', 100), lot(2, '2027-01-01T00:00:00Z', 50)], 120);
    expect(plan?.takes).toEqual([
      { lotId: 2, takeMb: 50, expiresAt: new Date('2027-01-01T00:00:00Z') },
      { lotId: 1, takeMb: 70, expiresAt: new Date('2027-03-01T00:00:00Z') },
    ]);
    expect(plan?.pieces.map((p) => p.amountMb)).toEqual([50, 70]);
  });

  it('refuses when the lots cannot cover the amount', () => {
    expect(planSpend([lot(1, '2027-01-01T00:00:00Z', 10)], 11)).toBeNull();
  });

  it('refuses fractional and non-positive amounts loudly', () => {
    expect(() => planSpend([], 1.5)).toThrow(RangeError);
    expect(() => planSpend([], 0)).toThrow(RangeError);
  });
});
