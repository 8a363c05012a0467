import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { Gift, WalletEntry } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatShortTime } from '../../format/time';
import { PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';
import { signedAmount, tellEntry } from '../../wallet/story';
import { rememberEntries } from '../../wallet/entry-cache';
import { followsGift, GIFT_STATUS_WORDS } from '../../wallet/gift-status';

/** Bounds how much history one visit keeps in memory: 50 pages of 20. */
const MAX_HISTORY_ENTRIES = 1_000;

/** The wallet's history, newest first, a page at a time. */
export function History() {
  const { api } = useServices();
  const [entries, setEntries] = useState<WalletEntry[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Gifts still waiting for their recipient when sent: each row shows where its gift is now.
  const [gifts, setGifts] = useState<Record<string, Gift>>({});

  function followGifts(items: readonly WalletEntry[]) {
    for (const entry of items.filter(followsGift)) {
      const giftId = entry.refId ?? '';
      api.getGift(giftId).then(
        (gift) => setGifts((known) => ({ ...known, [giftId]: gift })),
        () => undefined,
      );
    }
  }

  async function loadPage(cursor: string | null) {
    setLoading(true);
    try {
      const page = await api.listWalletEntries({ cursor });
      rememberEntries(page.items);
      followGifts(page.items);
      setEntries((known) => {
        const seen = new Set(known.map((entry) => entry.id));
        return [...known, ...page.items.filter((entry) => !seen.has(entry.id))].slice(0, MAX_HISTORY_ENTRIES);
      });
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.home));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void loadPage(null);
    // Loads the first page once per mount; the home page remounts this to refresh.
  }, []);

  const canLoadMore = nextCursor !== null && entries.length < MAX_HISTORY_ENTRIES;

  return (
    <View className='card' data-testid='history'>
      <Text className='card-title'>流量记录</Text>
      <ErrorMessage message={error} />
      {entries.map((entry) => (
        <View
          className='history-item list-row'
          data-testid='history-item'
          key={entry.id}
          onClick={() => Taro.navigateTo({ url: `${PAGES.entry}?id=${encodeURIComponent(entry.id)}` })}
        >
          <View className='history-main'>
            <Text className='history-story'>{tellEntry(entry, gifts[entry.refId ?? '']?.toPhone)}</Text>
            <Text className='muted'>
              {formatShortTime(entry.at)}
              {followsGift(entry) && gifts[entry.refId ?? ''] && (
                <Text className={`badge${gifts[entry.refId ?? ''].status === 'pending_claim' ? '' : ' badge-done'}`} data-testid='gift-status'>
                  {GIFT_STATUS_WORDS[gifts[entry.refId ?? ''].status]}
                </Text>
              )}
            </Text>
          </View>
          <Text className={entry.direction === 'in' ? 'amount-in' : 'amount-out'}>{signedAmount(entry)}</Text>
          <Text className='chevron'>›</Text>
        </View>
      ))}
      {loading && (
        <Text className='muted history-state' data-testid='history-loading'>
          加载中…
        </Text>
      )}
      {!loading && !error && entries.length === 0 && (
        <Text className='muted history-state' data-testid='history-empty'>
          还没有流量记录。转存一点套餐流量，或者让朋友给你发个红包吧。
        </Text>
      )}
      {!loading && canLoadMore && (
        <Button className='btn-link' data-testid='load-more' onClick={() => loadPage(nextCursor)}>
          加载更多
        </Button>
      )}
    </View>
  );
}
