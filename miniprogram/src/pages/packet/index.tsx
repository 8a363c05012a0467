import { useRouter, useShareAppMessage } from '@tarojs/taro';
import { Text } from '@tarojs/components';
import type { RedPacketCover } from '@liuliang/shared';
import { useEffect, useRef } from 'react';
import { Page } from '../../frame/Page';
import { packetPagePath } from '../../navigation';
import { useServices } from '../../services';
import { PacketCover } from './PacketCover';
import { PacketView } from './PacketView';
import { shareTitle } from './share';

/**
 * `pages/packet/index?id=…`: one red packet. Signed out, its cover and 登录领取; signed in, the
 * packet live (`grab=1`: just signed in from the cover, so the grab starts at once).
 */
export default function PacketPage() {
  const { api, session } = useServices();
  const { id: packetId = '', grab } = useRouter().params;
  const signedIn = session.readToken() !== null;
  // weapp's share card: the sender's sentence as its title, the packet page as its path.
  const cover = useRef<RedPacketCover | null>(null);
  useEffect(() => {
    if (packetId && process.env.TARO_ENV === 'weapp')
      api.getRedPacketCover(packetId).then(
        (loaded) => (cover.current = loaded),
        () => undefined,
      );
  }, [api, packetId]);
  useShareAppMessage(() => ({ title: cover.current ? shareTitle(cover.current) : '给你发了一个流量红包，快来抢', path: packetPagePath(packetId) }));

  return (
    <Page title='红包' className='packet-page'>
      {!packetId && <Text className='muted'>链接里没有红包编号</Text>}
      {packetId && (signedIn ? <PacketView packetId={packetId} autoGrab={grab === '1'} /> : <PacketCover packetId={packetId} />)}
    </Page>
  );
}
