/** A piece of data with one expiry, as it moves from one account to another. */
export interface Piece {
  expiresAt: Date;
  amountMb: number;
}

export interface SpendableLot {
  id: number;
  expiresAt: Date;
  remainingMb: number;
}

export interface SpendPlan {
  /** Per lot: how much to take from it. */
  takes: Array<{ lotId: number; takeMb: number; expiresAt: Date }>;
  /** What the receiver gets, by expiry: the same expiries the data had (SPEC §2). */
  pieces: Piece[];
}

/**
 * Takes `amountMb` from lots earliest-expiring first. Pure: the caller has already filtered the
 * lots it may spend (unexpired, outliving an escrow's deadline) and locked them.
 * Returns null when the lots cannot cover the amount.
 */
export function planSpend(lots: readonly SpendableLot[], amountMb: number): SpendPlan | null {
  if (!Number.isSafeInteger(amountMb) || amountMb <= 0) throw new RangeError(`amountMb must be a positive integer, got ${amountMb}`);
  const ordered = [...lots].sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id);
  const takes: SpendPlan['takes'] = [];
  let missingMb = amountMb;
  for (const lot of ordered) {
    if (missingMb === 0) break;
    if (lot.remainingMb <= 0) continue;
    const takeMb = Math.min(lot.remainingMb, missingMb);
    takes.push({ lotId: lot.id, takeMb, expiresAt: lot.expiresAt });
    missingMb -= takeMb;
  }
  if (missingMb > 0) return null;
  return { takes, pieces: mergePieces(takes.map((t) => ({ expiresAt: t.expiresAt, amountMb: t.takeMb }))) };
}

export function mergePieces(pieces: readonly Piece[]): Piece[] {
  const byExpiry = new Map<number, number>();
  for (const piece of pieces) byExpiry.set(piece.expiresAt.getTime(), (byExpiry.get(piece.expiresAt.getTime()) ?? 0) + piece.amountMb);
  return [...byExpiry.entries()].sort(([a], [b]) => a - b).map(([at, amountMb]) => ({ expiresAt: new Date(at), amountMb }));
}
