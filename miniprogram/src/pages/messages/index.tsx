import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import type { Gift, Wallet, WalletEntry } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatShortTime } from '../../format/time';
import { Page } from '../../frame/Page';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { followsGift } from '../../wallet/gift-status';
import { noticesFrom } from '../../wallet/notices';

/** 消息: data about to expire (with 转赠 / 红包 at hand), gifts claimed or refunded, packets refunded. */
export default function MessagesPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.messages);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [entries, setEntries] = useState<WalletEntry[] | null>(null);
  const [gifts, setGifts] = useState<Record<string, Gift['status']>>({});
  const [error, setError] = useState<string | null>(null);

  useDidShow(() => {
    if (!session.readToken()) return;
    const failed = (failure: unknown) => setError(failureMessage(failure, PAGES.messages));
    api.getWallet().then(setWallet, failed);
    api.listWalletEntries({ limit: 50 }).then((page) => {
      setEntries(page.items);
      for (const entry of page.items.filter(followsGift)) {
        const giftId = entry.refId ?? '';
        api.getGift(giftId).then(
          (gift) => setGifts((known) => ({ ...known, [giftId]: gift.status })),
          () => undefined,
        );
      }
    }, failed);
  });

  if (!signedIn) return <View className='page' />;
  const notices = noticesFrom(wallet, entries ?? [], gifts);
  return (
    <Page title='消息'>
      <ErrorMessage message={error} />
      <View className='card'>
        {notices.map((notice) => (
          <View className='list-row' data-testid='notice' key={notice.id}>
            <View className='list-row-main'>
              <Text className='list-row-title'>{notice.text}</Text>
              {notice.at && <Text className='muted'>{formatShortTime(notice.at)}</Text>}
              {notice.kind === 'expiring' && (
                <View className='field-row'>
                  <Button className='btn-plain' data-testid='notice-gift' onClick={() => Taro.navigateTo({ url: PAGES.gift })}>
                    转赠
                  </Button>
                  <Button className='btn-plain' data-testid='notice-packet' onClick={() => Taro.navigateTo({ url: PAGES.sendPacket })}>
                    发红包
                  </Button>
                </View>
              )}
            </View>
          </View>
        ))}
        {entries !== null && notices.length === 0 && (
          <Text className='muted history-state' data-testid='notices-empty'>
            暂时没有消息
          </Text>
        )}
      </View>
    </Page>
  );
}
