import { Button, Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { formatMb, type Activity, type CheckinResult } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../format/time';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

function rewardText(activity: Activity): string {
  const { reward } = activity;
  return reward.mode === 'fixed' ? `每次 ${formatMb(reward.amountMb)}` : `每次 ${formatMb(reward.minMb)} – ${formatMb(reward.maxMb)}`;
}

/** One running activity: what it gives, the caller's progress, and for check-ins the button. */
function ActivityCard({ activity }: { activity: Activity }) {
  const { api } = useServices();
  const { submitting, submit } = useSubmission();
  const [result, setResult] = useState<CheckinResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const progress = activity.progress;
  const checkedIn = result !== null || progress?.checkedInToday === true;
  const streak = result?.streak ?? progress?.streak ?? 0;

  async function checkIn() {
    setError(null);
    try {
      setResult(await submit({ activityId: activity.id }, (key) => api.checkIn(activity.id, key)));
    } catch (failure) {
      setError(failureMessage(failure, PAGES.activities));
    }
  }

  return (
    <View className='card' data-testid={`activity-${activity.id}`}>
      <Text className='card-title'>{activity.title}</Text>
      <Text className='muted'>{`${activity.sponsorName} 赞助 · ${rewardText(activity)} · ${formatDate(activity.endsAt)} 结束`}</Text>
      {progress && <Text className='muted' data-testid='activity-progress'>{`已领 ${formatMb(progress.rewardedMb)}，连续签到 ${streak} 天`}</Text>}
      <ErrorMessage message={error} />
      {activity.type === 'signin' && (
        <Button className='btn-primary' data-testid='checkin-button' disabled={submitting || checkedIn} onClick={checkIn}>
          {checkedIn ? '今天已签到' : submitting ? '正在签到…' : '签到领流量'}
        </Button>
      )}
      {result && (
        <View className='notice notice-success' data-testid='checkin-result'>
          <Text>{`签到成功，获得 ${formatMb(result.amountMb)}，已连续签到 ${result.streak} 天`}</Text>
        </View>
      )}
    </View>
  );
}

/** The activity centre (SPEC §3.9): the activities running now that the user is eligible for. */
export default function ActivitiesPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.activities);
  const [activities, setActivities] = useState<Activity[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  function load() {
    api.listActivities().then(
      (page) => {
        setActivities(page.items);
        setError(null);
      },
      (failure: unknown) => setError(failureMessage(failure, PAGES.activities)),
    );
  }
  useDidShow(() => {
    if (session.readToken()) load();
  });

  if (!signedIn) return <View className='page' />;
  return (
    <View className='page'>
      <ErrorMessage message={error} />
      {activities?.length === 0 && (
        <Text className='muted' data-testid='no-activities'>
          现在没有你能参加的活动，过几天再来看看。
        </Text>
      )}
      {activities?.map((activity) => (
        <ActivityCard key={activity.id} activity={activity} />
      ))}
    </View>
  );
}
