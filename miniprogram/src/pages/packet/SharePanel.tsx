import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import type { RedPacket } from '@liuliang/shared';
import { shareLinkFor } from '../../navigation';
import { shareText } from './share';

/**
 * The link that opens this packet for a friend, copied as a sentence to paste into a chat; a
 * friend not signed in sees the cover, signs in and comes back to grab.
 */
export function SharePanel({ packet }: { packet: RedPacket }) {
  const link = shareLinkFor(packet.id);
  const text = shareText(packet, link);
  async function copyLink() {
    try {
      await Taro.setClipboardData({ data: text });
      void Taro.showToast({ title: '已复制，粘贴给朋友吧', icon: 'none' });
    } catch {
      void Taro.showToast({ title: '复制失败，请长按链接手动复制', icon: 'none' });
    }
  }
  return (
    <View className='card'>
      <Text className='card-title'>分享给朋友</Text>
      <Text className='share-link' data-testid='share-link' selectable userSelect>
        {link}
      </Text>
      <View className='field-row share-actions'>
        <Button className='btn-plain' data-testid='copy-share-link' onClick={copyLink}>
          复制链接
        </Button>
        {process.env.TARO_ENV === 'weapp' && (
          <Button className='btn-plain' openType='share'>
            发给微信好友
          </Button>
        )}
      </View>
    </View>
  );
}
