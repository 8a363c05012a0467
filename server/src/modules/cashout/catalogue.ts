import type { CashoutProduct } from '@liuliang/shared';

/**
 * The packages each carrier sells (SPEC §3.7). A product id names carrier and size
 * (`cmcc-1024`), so an order's product reads the same in every log and on every face.
 */
const GB = 1024;
const SIZES_MB: Readonly<Record<CashoutProduct['carrier'], readonly number[]>> = {
  cmcc: [10, 30, 50, 70, 100, 150, 200, 300, 500, 1 * GB, 2 * GB, 3 * GB, 4 * GB, 6 * GB, 11 * GB],
  unicom: [20, 50, 100, 200, 300, 500, 1 * GB, 2 * GB, 3 * GB, 4 * GB, 6 * GB],
  telecom: [5, 10, 30, 50, 100, 200, 500, 1 * GB, 2 * GB, 3 * GB, 5 * GB, 10 * GB],
};

/** The price in wallet MB: the size plus the fee, rounded up so that the fee is never 0 for a positive percent. */
export function priceMbOf(sizeMb: number, feePercent: number): number {
  if (!Number.isSafeInteger(feePercent) || feePercent < 0) throw new Error(`CASHOUT_FEE_PERCENT must be a non-negative integer, got ${feePercent}`);
  return sizeMb + Math.ceil((sizeMb * feePercent) / 100);
}

export function productsFor(carrier: CashoutProduct['carrier'], feePercent: number): CashoutProduct[] {
  return SIZES_MB[carrier].map((sizeMb) => ({ id: `${carrier}-${sizeMb}`, carrier, sizeMb, priceMb: priceMbOf(sizeMb, feePercent) }));
}

/** The product with this id for this carrier, or null: another carrier's package cannot recharge this number. */
export function findProduct(carrier: CashoutProduct['carrier'], productId: string, feePercent: number): CashoutProduct | null {
  return productsFor(carrier, feePercent).find((p) => p.id === productId) ?? null;
}
