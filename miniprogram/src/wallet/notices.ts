import { formatMb, type Gift, type Wallet, type WalletEntry } from '@liuliang/shared';
import { formatDate } from '../format/time';

/** One line of the message centre: what happened, when, and where it leads. */
export interface Notice {
  id: string;
  kind: 'expiring' | 'gift_claimed' | 'gift_refunded' | 'packet_refunded' | 'packet_grabbed';
  text: string;
  at: string | null;
}

/**
 * The message centre's lines, from what the wallet already tells: data about to expire, gifts
 * claimed or refunded, packets that ended with a refund. Newest first; the expiry warning on top.
 */
export function noticesFrom(wallet: Wallet | null, entries: readonly WalletEntry[], gifts: Readonly<Record<string, Gift['status']>>): Notice[] {
  const notices: Notice[] = [];
  if (wallet && wallet.expiringSoonMb > 0) {
    const earliest = wallet.lots.filter((lot) => lot.amountMb > 0).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
    const when = earliest ? `，最早一批 ${formatDate(earliest.expiresAt)} 过期` : '';
    notices.push({ id: 'expiring', kind: 'expiring', text: `${formatMb(wallet.expiringSoonMb)} 流量即将过期${when}。送给朋友或发个红包吧。`, at: null });
  }
  for (const entry of entries) {
    const amount = formatMb(entry.amountMb);
    if (entry.kind === 'gift_escrow' && entry.refId && gifts[entry.refId] === 'delivered') {
      notices.push({ id: entry.id, kind: 'gift_claimed', text: `你送出的 ${amount} 已被领取`, at: entry.at });
    } else if (entry.kind === 'gift_refund') {
      notices.push({ id: entry.id, kind: 'gift_refunded', text: `转赠 72 小时内无人领取，${amount} 已退回你的钱包`, at: entry.at });
    } else if (entry.kind === 'red_packet_refund') {
      notices.push({ id: entry.id, kind: 'packet_refunded', text: `红包过期，未领取的 ${amount} 已退回你的钱包`, at: entry.at });
    } else if (entry.kind === 'red_packet_grab' && entry.direction === 'in' && entry.counterparty.type === 'user') {
      notices.push({ id: entry.id, kind: 'packet_grabbed', text: `你抢到了 ${entry.counterparty.nickname} 的红包 ${amount}`, at: entry.at });
    }
  }
  return notices;
}
