import type { RandomSource } from '../../platform/random';

export type { RandomSource };

/**
 * 拼手气 shares by the double-mean method: each draw is uniform in [1, 2 × mean of what is
 * left − 1] (capped so every later share can still get 1 MB); the last share takes the rest.
 * Every share is ≥ 1 MB and the shares sum exactly to the total.
 */
export function splitRandom(totalMb: number, count: number, random: RandomSource): number[] {
  assertSplittable(totalMb, count);
  const shares: number[] = [];
  let leftMb = totalMb;
  for (let left = count; left > 1; left--) {
    const upper = doubleMeanUpperBound(leftMb, left);
    const share = 1 + Math.floor(random() * upper);
    shares.push(share);
    leftMb -= share;
  }
  shares.push(leftMb);
  assertShares(shares, totalMb, count);
  return shares;
}

/** The largest share a draw may give when `leftMb` remains for `left` shares. */
export function doubleMeanUpperBound(leftMb: number, left: number): number {
  return Math.max(1, Math.min(Math.floor((2 * leftMb) / left) - 1, leftMb - (left - 1)));
}

/** 普通: every share the same. */
export function splitEqual(perShareMb: number, count: number): number[] {
  assertSplittable(perShareMb * count, count);
  return Array.from({ length: count }, () => perShareMb);
}

function assertSplittable(totalMb: number, count: number): void {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isSafeInteger(totalMb) || totalMb < count) throw new RangeError(`${totalMb} MB cannot give ${count} shares of at least 1 MB`);
}

/** A broken split must never reach the ledger: crash loudly instead. */
function assertShares(shares: number[], totalMb: number, count: number): void {
  const sum = shares.reduce((a, b) => a + b, 0);
  if (shares.length !== count || sum !== totalMb || shares.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    throw new Error(`split invariant broken: ${count} shares of ${totalMb} MB gave ${JSON.stringify(shares)}`);
  }
}
