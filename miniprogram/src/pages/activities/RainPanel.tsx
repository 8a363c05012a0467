import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { formatMb, type Activity, type ActivityRainView, type GrabResult, type RainPacket } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatShortTime } from '../../format/time';
import { useSubmission } from '../../hooks/useSubmission';
import { packetPagePath, PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';

const DROP_STATUS_TEXT: Record<ActivityRainView['drops'][number]['status'], string> = { scheduled: '待开始', dropped: '已开抢', skipped: '已取消' };

/**
 * One rain packet on the page: 抢 grabs it through the same route as any packet (one key per
 * tap); the packet's own page follows it live (who grabbed, 手气最佳).
 */
function RainPacketRow({ packet }: { packet: RainPacket }) {
  const { api } = useServices();
  const { submitting, submit } = useSubmission();
  const [result, setResult] = useState<GrabResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const held = packet.grabbed || result !== null;

  async function grab() {
    setError(null);
    try {
      setResult(await submit({ packetId: packet.id }, (key) => api.grabRedPacket(packet.id, {}, key)));
    } catch (failure) {
      setError(failureMessage(failure, PAGES.activities));
    }
  }

  return (
    <View className='rain-packet' data-testid={`rain-packet-${packet.id}`}>
      <Text>{`红包 ${formatMb(packet.totalMb)} · 剩 ${packet.remainingCount}/${packet.count} 个`}</Text>
      <ErrorMessage message={error} />
      {result && <Text data-testid='rain-grab-result'>{`抢到 ${formatMb(result.amountMb)}，已存入钱包`}</Text>}
      {held ? (
        <Button className='btn-plain' data-testid='rain-packet-open' onClick={() => Taro.navigateTo({ url: packetPagePath(packet.id) })}>
          {result ? '看看大家手气' : '已抢过，看看大家手气'}
        </Button>
      ) : (
        <Button className='btn-primary' data-testid='rain-grab' disabled={submitting} onClick={grab}>
          {submitting ? '正在抢…' : '抢'}
        </Button>
      )}
    </View>
  );
}

/** A 红包雨: when it rains, and the packets open now. */
export function RainPanel({ activity }: { activity: Activity }) {
  const rain = activity.rain;
  if (!rain) return null;
  return (
    <View data-testid='rain-panel'>
      <Text className='muted'>{`每场 ${rain.count} 个红包，共 ${formatMb(rain.totalMb)}`}</Text>
      <View data-testid='rain-times'>
        {rain.drops.map((drop) => (
          <Text key={drop.at} className='muted'>{`${formatShortTime(drop.at)} ${DROP_STATUS_TEXT[drop.status]}`}</Text>
        ))}
      </View>
      {rain.openPackets.length === 0 ? (
        <Text className='muted' data-testid='rain-none-open'>
          现在没有可以抢的红包，等下一场红包雨吧。
        </Text>
      ) : (
        rain.openPackets.map((packet) => <RainPacketRow key={packet.id} packet={packet} />)
      )}
    </View>
  );
}
