import { findProduct, priceMbOf, productsFor } from './catalogue';

describe('cash-out catalogue', () => {
  it('holds the sizes SPEC §3.7 names for China Mobile, priced at their size without a fee', () => {
    const sizes = productsFor('cmcc', 0).map((p) => p.sizeMb);
    expect(sizes).toEqual([10, 30, 50, 70, 100, 150, 200, 300, 500, 1024, 2048, 3072, 4096, 6144, 11264]);
    expect(productsFor('cmcc', 0).every((p) => p.priceMb === p.sizeMb)).toBe(true);
  });

  it('adds the fee rounded up to whole MB', () => {
    expect(priceMbOf(10, 3)).toBe(11);
    expect(priceMbOf(1024, 2)).toBe(1045);
    expect(() => priceMbOf(10, -1)).toThrow();
  });

  it("finds no product of another carrier's catalogue", () => {
    expect(findProduct('unicom', 'cmcc-10', 0)).toBeNull();
    expect(findProduct('cmcc', 'cmcc-10', 0)).toEqual({ id: 'cmcc-10', carrier: 'cmcc', sizeMb: 10, priceMb: 10 });
  });
});
