import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { formatMb, type Roles, type Wallet } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { followWallet } from '../../live/live';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Avatar } from '../../frame/Avatar';
import { Page } from '../../frame/Page';
import { formatDate } from '../../format/time';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { useNotices } from '../../wallet/useNotices';
import { History } from './History';

/** The wallet: balance, what expires soon, the history, and the ways to move data. */
export default function HomePage() {
  const { api, session, connectLive } = useServices();
  const signedIn = useSignedIn(PAGES.home);
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped on every show so the history reloads after data moved on another page.
  const [shownTimes, setShownTimes] = useState(0);
  // Which extra pages to offer: the service says what roles the person acts in (GET /me).
  const [roles, setRoles] = useState<Roles | null>(null);
  // The unread lines of 消息, as a badge on 我的; what arrives while open is a new line too.
  const notices = useNotices(PAGES.home);

  function refresh() {
    setShownTimes((times) => times + 1);
    api.getWallet().then(
      (loaded) => {
        setWallet(loaded);
        setError(null);
      },
      (failure: unknown) => setError(failureMessage(failure, PAGES.home)),
    );
  }

  useDidShow(() => {
    if (!session.readToken()) return;
    refresh();
    // The wallet is the page; roles only add links, so a failure here shows nothing.
    api.getMe().then(
      (me) => setRoles(me.roles),
      () => undefined,
    );
  });

  // Something arrived while the page is open (a gift, a refund): the balance and history follow.
  useEffect(() => {
    const token = session.readToken();
    if (!signedIn || !token) return undefined;
    const socket = connectLive(token);
    const stop = followWallet(socket, () => {
      refresh();
      notices.reload();
    });
    return () => {
      stop();
      socket.disconnect();
    };
    // Once per sign-in; refresh reads the api from the same services.
  }, [signedIn]);

  if (!signedIn) return <View className='page' />;

  const earliestLot = wallet?.lots.filter((lot) => lot.amountMb > 0).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
  const user = session.readUser();

  return (
    <Page title='流量钱包' tab='home' badges={{ me: notices.unread }}>
      <ErrorMessage message={error} />
      <View className='card hero'>
        <View className='profile-head'>
          {user && <Avatar nickname={user.nickname} url={user.avatarUrl} />}
          <Text className='hero-label'>{user ? `${user.nickname} 的流量钱包` : '我的流量钱包'}</Text>
        </View>
        <Text className='hero-amount' data-testid='balance'>
          {wallet ? formatMb(wallet.balanceMb) : '…'}
        </Text>
        {wallet && wallet.expiringSoonMb > 0 && (
          <Text className='hero-note' data-testid='expiring-soon' onClick={() => Taro.navigateTo({ url: PAGES.messages })}>
            {`${formatMb(wallet.expiringSoonMb)} 即将过期，记得用掉或送人 ›`}
          </Text>
        )}
        {earliestLot && (
          <Text className='hero-note' data-testid='go-lots' onClick={() => Taro.navigateTo({ url: PAGES.lots })}>
            {`最早一批 ${formatMb(earliestLot.amountMb)} 于 ${formatDate(earliestLot.expiresAt)} 过期 · 流量明细 ›`}
          </Text>
        )}
      </View>

      <View className='actions'>
        <View className='action' data-testid='go-storage' onClick={() => Taro.navigateTo({ url: PAGES.storage })}>
          <Text>转存流量</Text>
        </View>
        <View className='action' data-testid='go-gift' onClick={() => Taro.navigateTo({ url: PAGES.gift })}>
          <Text>送流量</Text>
        </View>
        <View className='action' data-testid='go-send-packet' onClick={() => Taro.navigateTo({ url: PAGES.sendPacket })}>
          <Text>发红包</Text>
        </View>
        <View className='action' data-testid='go-crowdfunds' onClick={() => Taro.navigateTo({ url: PAGES.myCrowdfunds })}>
          <Text>众筹</Text>
        </View>
        <View className='action' data-testid='go-family' onClick={() => Taro.navigateTo({ url: PAGES.family })}>
          <Text>家庭共享</Text>
        </View>
        <View className='action' data-testid='go-activities' onClick={() => Taro.navigateTo({ url: PAGES.activities })}>
          <Text>活动中心</Text>
        </View>
      </View>
      {roles && (roles.sponsors.length > 0 || roles.operator) && (
        <View className='actions'>
          {roles.sponsors.length > 0 && (
            <View className='action' data-testid='go-sponsor' onClick={() => Taro.navigateTo({ url: PAGES.sponsor })}>
              <Text>赞助商</Text>
            </View>
          )}
          {roles.operator && (
            <View className='action' data-testid='go-ops' onClick={() => Taro.navigateTo({ url: PAGES.ops })}>
              <Text>运营</Text>
            </View>
          )}
        </View>
      )}

      {shownTimes > 0 && <History key={shownTimes} />}
    </Page>
  );
}
