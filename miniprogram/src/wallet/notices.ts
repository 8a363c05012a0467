import { formatMb, type Gift, type RedPacketRecord, type Wallet, type WalletEntry } from '@liuliang/shared';
import { formatDate } from '../format/time';
import { PAGES, packetPagePath } from '../navigation';

/** One line of the message centre: what happened, when, and where it leads. */
export interface Notice {
  /** What its read mark is kept by (NoticeIdSchema): a history row's id, `expiring-<date>`, `packet-finished-<id>`. */
  id: string;
  kind: 'expiring' | 'gift_claimed' | 'gift_refunded' | 'packet_refunded' | 'packet_grabbed' | 'packet_finished';
  text: string;
  at: string | null;
  /** The page that tells it in full; null for the expiry warning, whose shortcuts are the way on. */
  url: string | null;
}

const entryUrl = (entry: WalletEntry) => `${PAGES.entry}?id=${encodeURIComponent(entry.id)}`;

function entryNotice(entry: WalletEntry, gifts: Readonly<Record<string, Gift['status']>>): Notice | null {
  const amount = formatMb(entry.amountMb);
  const line = (kind: Notice['kind'], text: string): Notice => ({ id: entry.id, kind, text, at: entry.at, url: entryUrl(entry) });
  if (entry.kind === 'gift_escrow' && entry.refId && gifts[entry.refId] === 'delivered') return line('gift_claimed', `你送出的 ${amount} 已被领取`);
  if (entry.kind === 'gift_refund') return line('gift_refunded', `转赠 72 小时内无人领取，${amount} 已退回你的钱包`);
  if (entry.kind === 'red_packet_refund') return line('packet_refunded', `红包过期，未领取的 ${amount} 已退回你的钱包`);
  if (entry.kind === 'red_packet_grab' && entry.direction === 'in' && entry.counterparty.type === 'user') {
    return line('packet_grabbed', `你抢到了 ${entry.counterparty.nickname} 的红包 ${amount}`);
  }
  return null;
}

function finishedNotice(packet: RedPacketRecord): Notice | null {
  if (packet.status !== 'finished') return null;
  const name = packet.greeting ? `「${packet.greeting}」` : '';
  return {
    id: `packet-finished-${packet.id}`,
    kind: 'packet_finished',
    text: `你的红包${name}已被抢完：${packet.count} 个，共 ${formatMb(packet.totalMb)}`,
    at: packet.at,
    url: packetPagePath(packet.id),
  };
}

/**
 * The message centre's lines, from what the wallet and 红包记录 already tell: data about to
 * expire, gifts claimed or refunded, packets that finished or ended with a refund, shares
 * grabbed. Newest first; the expiry warning on top.
 */
export function noticesFrom(
  wallet: Wallet | null,
  entries: readonly WalletEntry[],
  gifts: Readonly<Record<string, Gift['status']>>,
  sentPackets: readonly RedPacketRecord[] = [],
): Notice[] {
  const notices: Notice[] = [];
  if (wallet && wallet.expiringSoonMb > 0) {
    const earliest = wallet.lots.filter((lot) => lot.amountMb > 0).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
    const when = earliest ? `，最早一批 ${formatDate(earliest.expiresAt)} 过期` : '';
    // A new warning (another batch nearing its end) is a new line, unread again.
    const id = `expiring-${earliest ? formatDate(earliest.expiresAt) : 'soon'}`;
    notices.push({ id, kind: 'expiring', text: `${formatMb(wallet.expiringSoonMb)} 流量即将过期${when}。送给朋友或发个红包吧。`, at: null, url: null });
  }
  const dated = [...entries.map((entry) => entryNotice(entry, gifts)), ...sentPackets.map(finishedNotice)].filter((notice): notice is Notice => notice !== null);
  dated.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
  return [...notices, ...dated];
}
