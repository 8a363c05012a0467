import type { Gift, WalletEntry } from '@liuliang/shared';

/** The words of a gift's state on both sides' rows: 等待领取 → 已领取 / 已退回. */
export const GIFT_STATUS_WORDS: Record<Gift['status'], string> = { pending_claim: '等待领取', delivered: '已领取', refunded: '已退回' };

/** A row whose story is still being written: a gift sent to a number that had not signed in yet. */
export function followsGift(entry: WalletEntry): boolean {
  return entry.refType === 'gift' && entry.refId !== null && entry.kind === 'gift_escrow';
}
