import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { shareLinkFor } from '../../navigation';

/** The link that opens this packet for a friend; a friend not signed in signs in and comes back. */
export function SharePanel({ packetId }: { packetId: string }) {
  const link = shareLinkFor(packetId);
  async function copyLink() {
    try {
      await Taro.setClipboardData({ data: link });
      void Taro.showToast({ title: '链接已复制', icon: 'none' });
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
