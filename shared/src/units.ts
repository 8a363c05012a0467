/** 1 GB = 1024 MB (SPEC §1). Every amount in the product is an integer number of MB. */
export const MB_PER_GB = 1024;

/** Renders an integer MB amount for people: 512 → "512 MB", 1536 → "1.5 GB", 10240 → "10 GB". */
export function formatMb(amountMb: number): string {
  if (!Number.isSafeInteger(amountMb)) throw new RangeError(`amountMb must be an integer, got ${amountMb}`);
  const sign = amountMb < 0 ? '-' : '';
  const abs = Math.abs(amountMb);
  if (abs < MB_PER_GB) return `${sign}${abs} MB`;
  const gb = abs / MB_PER_GB;
  // Two decimals at most, trailing zeros dropped: 1.5 GB, 1.25 GB, 2 GB.
  const text = (Math.round(gb * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
  return `${sign}${text} GB`;
}
