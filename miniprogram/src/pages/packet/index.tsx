import { useRouter, useShareAppMessage } from '@tarojs/taro';
import { View } from '@tarojs/components';
import { PacketView } from './PacketView';
import { packetPagePath } from '../../navigation';

/** `pages/packet/index?id=…`: one red packet, live. */
export default function PacketPage() {
  const packetId = useRouter().params.id ?? '';
  useShareAppMessage(() => ({ title: '给你发了一个流量红包，快来抢', path: packetPagePath(packetId) }));
  if (!packetId) return <View className='page' />;
  return <PacketView packetId={packetId} />;
}
