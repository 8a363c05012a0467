import { Text, View } from '@tarojs/components';
import { formatMb, type RedPacket } from '@liuliang/shared';
import { formatClockTime } from '../../format/time';
import { Avatar } from '../../frame/Avatar';

/** Who grabbed what, in the order it happened; the luckiest marked once the packet is finished. */
export function GrabList({ packet }: { packet: RedPacket }) {
  const luckiestUserId = packet.status === 'finished' ? packet.luckiest?.userId : undefined;
  return (
    <View className='card' data-testid='grab-list'>
      <Text className='card-title'>{`领取记录（${packet.grabs.length}/${packet.count}）`}</Text>
      {packet.grabs.length === 0 && <Text className='muted'>还没有人抢，快分享给朋友吧</Text>}
      {packet.grabs.map((grab) => (
        <View className='grab-item' data-testid='grab-item' key={grab.userId}>
          <View className='grab-who'>
            <Avatar nickname={grab.nickname} url={grab.avatarUrl} />
            <View>
              <Text className='grab-name'>{grab.nickname}</Text>
              <Text className='muted'>{formatClockTime(grab.at)}</Text>
            </View>
          </View>
          <View className='grab-amount-box'>
            <Text className='grab-amount'>{formatMb(grab.amountMb)}</Text>
            {grab.userId === luckiestUserId && (
              <Text className='grab-badge' data-testid='luckiest-badge'>
                手气最佳
              </Text>
            )}
          </View>
        </View>
      ))}
    </View>
  );
}
