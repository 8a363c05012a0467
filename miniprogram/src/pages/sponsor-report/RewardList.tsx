import { Button, Text, View } from '@tarojs/components';
import { formatMb, type ActivityRewardLine } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { formatDate } from '../../format/time';
import { useServices } from '../../services';

const REASONS: Record<ActivityRewardLine['reason'], string> = { checkin: '签到', invite: '邀请', share: '助力' };

/** The activity's rewards, newest first, a page at a time (the report's rows; phones come masked). */
export function RewardList({ sponsorId, activityId, onError }: { sponsorId: string; activityId: string; onError: (failure: unknown) => void }) {
  const { api } = useServices();
  const [rewards, setRewards] = useState<ActivityRewardLine[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);

  async function load(cursor: string | null) {
    try {
      const page = await api.listActivityRewards(sponsorId, activityId, cursor);
      setRewards((shown) => (cursor === null ? page.items : [...(shown ?? []), ...page.items]));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      onError(failure);
    }
  }
  // On mount, not useDidShow: a page's child mounted after the page showed would miss the show.
  // The parent renders this only once signed in.
  useEffect(() => {
    void load(null);
  }, []);

  if (!rewards || rewards.length === 0) return null;
  return (
    <View className='card'>
      <Text className='card-title'>发放记录</Text>
      {rewards.map((r) => (
        <View key={r.id} className='history-item' data-testid={`reward-line-${r.id}`}>
          <View className='history-main'>
            <Text className='history-story'>{`${r.nickname}（${r.phone}）${REASONS[r.reason]}${r.streak && r.streak > 1 ? ` · 连续 ${r.streak} 天` : ''}`}</Text>
            <Text className='history-state'>{formatDate(r.at)}</Text>
          </View>
          <Text>{formatMb(r.amountMb)}</Text>
        </View>
      ))}
      {nextCursor !== null && (
        <Button size='mini' data-testid='more-rewards-button' onClick={() => void load(nextCursor)}>
          更多
        </Button>
      )}
    </View>
  );
}
