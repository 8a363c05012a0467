import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { formatMb, type Wallet } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../format/time';
import { Page } from '../../frame/Page';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

/** Whole days from now until `iso`, at least 0. */
function daysLeft(iso: string, now: number): number {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / (24 * 60 * 60 * 1000)));
}

/** 流量明细: every lot in the wallet with its expiry, earliest first (the order it is spent in). */
export default function LotsPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.lots);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<string | null>(null);

  useDidShow(() => {
    if (!session.readToken()) return;
    api.getWallet().then(setWallet, (failure: unknown) => setError(failureMessage(failure, PAGES.lots)));
  });

  if (!signedIn) return <View className='page' />;
  const now = Date.now();
  const lots = (wallet?.lots ?? []).filter((lot) => lot.amountMb > 0).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
  return (
    <Page title='流量明细'>
      <ErrorMessage message={error} />
      <View className='card'>
        <Text className='card-title'>{wallet ? `共 ${formatMb(wallet.balanceMb)}，分 ${lots.length} 批` : '加载中…'}</Text>
        <Text className='muted'>流量按过期时间先后使用：先过期的先送出、先发红包。</Text>
        {lots.map((lot) => {
          const days = daysLeft(lot.expiresAt, now);
          return (
            <View className='list-row' data-testid='lot' key={`${lot.expiresAt}-${lot.amountMb}`}>
              <View className='list-row-main'>
                <Text className='list-row-title lot-amount'>{formatMb(lot.amountMb)}</Text>
                <Text className='muted'>{`${formatDate(lot.expiresAt)} 过期`}</Text>
              </View>
              {wallet && days <= 7 ? <Text className='badge'>{`${days} 天后过期`}</Text> : <Text className='muted'>{`还有 ${days} 天`}</Text>}
            </View>
          );
        })}
        {wallet && lots.length === 0 && (
          <Text className='muted history-state' data-testid='lots-empty'>
            钱包里还没有流量
          </Text>
        )}
      </View>
      {lots.length > 0 && (
        <View className='field-row'>
          <Button className='btn-plain' data-testid='lots-gift' onClick={() => Taro.navigateTo({ url: PAGES.gift })}>
            转赠
          </Button>
          <Button className='btn-plain' data-testid='lots-packet' onClick={() => Taro.navigateTo({ url: PAGES.sendPacket })}>
            发红包
          </Button>
        </View>
      )}
    </Page>
  );
}
