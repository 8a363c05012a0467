import { useDidShow } from '@tarojs/taro';
import type { Gift, RedPacketRecord, Wallet, WalletEntry } from '@liuliang/shared';
import { useState } from 'react';
import type { ApiClient } from '../api/client';
import { failureMessage } from '../session/guard';
import { useServices } from '../services';
import { rememberEntries } from './entry-cache';
import { followsGift } from './gift-status';
import { noticesFrom, type Notice } from './notices';

/** The lines the message centre looks at: the latest history rows and sent packets. */
const NOTICE_ENTRIES = 50;

/** Gifts whose story has ended (claimed or refunded) never change again: asked once a visit. */
const settledGifts = new Map<string, Gift['status']>();

async function giftStatuses(api: ApiClient, entries: readonly WalletEntry[]): Promise<Record<string, Gift['status']>> {
  const ids = [...new Set(entries.filter(followsGift).map((entry) => entry.refId ?? ''))];
  const statuses: Record<string, Gift['status']> = {};
  await Promise.all(
    ids.map(async (giftId) => {
      const known = settledGifts.get(giftId);
      if (known) return (statuses[giftId] = known);
      const gift = await api.getGift(giftId).catch(() => null);
      if (!gift) return undefined;
      if (gift.status !== 'pending_claim') settledGifts.set(giftId, gift.status);
      return (statuses[giftId] = gift.status);
    }),
  );
  return statuses;
}

export interface NoticeState {
  /** Null until loaded. */
  notices: Notice[] | null;
  read: ReadonlySet<string>;
  unread: number;
  error: string | null;
  /** Marks lines read at the service (kept per user, so every device agrees) and here at once. */
  markRead(ids: readonly string[]): Promise<void>;
  /** Loads again: something arrived while the page is open. */
  reload(): void;
}

/**
 * The message centre's lines and which are read, loaded each time the page shows: the 消息
 * page lists them, the tab pages show the unread count as a badge on 我的.
 */
export function useNotices(returnPath: string): NoticeState {
  const { api, session } = useServices();
  const [notices, setNotices] = useState<Notice[] | null>(null);
  const [read, setRead] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  function load() {
    if (!session.readToken()) return;
    const failed = (failure: unknown) => setError(failureMessage(failure, returnPath));
    // Sent packets add the 已被抢完 lines; without them the rest still shows.
    const sent = api.listRedPacketRecords('sent').then(
      (records) => records.items,
      (): RedPacketRecord[] => [],
    );
    Promise.all([api.getWallet(), api.listWalletEntries({ limit: NOTICE_ENTRIES }), sent]).then(
      async ([wallet, page, packets]: [Wallet, { items: WalletEntry[] }, RedPacketRecord[]]) => {
        rememberEntries(page.items);
        setNotices(noticesFrom(wallet, page.items, await giftStatuses(api, page.items), packets));
        setError(null);
      },
      failed,
    );
    api.getNoticeReads().then((answer) => setRead(new Set(answer.readIds)), failed);
  }
  useDidShow(load);

  async function markRead(ids: readonly string[]): Promise<void> {
    const fresh = ids.filter((id) => !read.has(id));
    if (fresh.length === 0) return;
    const before = read;
    setRead((known) => new Set([...known, ...fresh]));
    try {
      const answer = await api.markNoticesRead(fresh);
      setRead(new Set(answer.readIds));
    } catch (failure) {
      // Not kept by the service: unread still, on this device as on the others.
      setRead(before);
      setError(failureMessage(failure, returnPath));
    }
  }

  const unread = notices ? notices.filter((notice) => !read.has(notice.id)).length : 0;
  return { notices, read, unread, error, markRead, reload: load };
}
