import { Button, Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { formatMb, type Activity, type CheckinResult, type HelpResult } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Page } from '../../frame/Page';
import { formatDate } from '../../format/time';
import { useSubmission } from '../../hooks/useSubmission';
import { appLinkFor, loginPagePath, PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { RainPanel } from './RainPanel';

function rewardText(activity: Activity): string {
  const { reward } = activity;
  // A rain's data comes in its packets, not in rewards.
  if (activity.type === 'red_packet_rain') return '红包雨';
  return reward.mode === 'fixed' ? `每次 ${formatMb(reward.amountMb)}` : `每次 ${formatMb(reward.minMb)} – ${formatMb(reward.maxMb)}`;
}

/** An invite activity: the caller's code and the link a friend signs up with. */
function InvitePanel({ activity }: { activity: Activity }) {
  const { api } = useServices();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function show() {
    try {
      const { code } = await api.inviteCode(activity.id);
      setLink(appLinkFor(`${loginPagePath()}?invite=${code}`));
    } catch (failure) {
      setError(failureMessage(failure, PAGES.activities));
    }
  }
  return (
    <View>
      <ErrorMessage message={error} />
      {link === null ? (
        <Button className='btn-primary' data-testid='invite-button' onClick={show}>
          邀请好友注册
        </Button>
      ) : (
        <View className='notice' data-testid='invite-link'>
          <Text selectable>{`把这个链接发给还没注册的好友，TA 首次登录后你就能获得奖励：${link}`}</Text>
        </View>
      )}
    </View>
  );
}

/** A friend-help activity: the caller's share link and how many friends it needs. */
function SharePanel({ activity }: { activity: Activity }) {
  const { api } = useServices();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function show() {
    try {
      const { code } = await api.shareActivity(activity.id);
      setLink(appLinkFor(`${PAGES.activities}?share=${code}`));
    } catch (failure) {
      setError(failureMessage(failure, PAGES.activities));
    }
  }
  return (
    <View>
      <ErrorMessage message={error} />
      {activity.progress && activity.progress.rewards > 0 && <Text className='muted'>助力已完成，奖励已到账。</Text>}
      {link === null ? (
        <Button className='btn-primary' data-testid='share-button' onClick={show}>
          {`找 ${activity.helpersNeeded ?? 0} 位好友助力`}
        </Button>
      ) : (
        <View className='notice' data-testid='share-link'>
          <Text selectable>{`把这个链接发给好友，${activity.helpersNeeded ?? 0} 位好友助力后你就能获得奖励：${link}`}</Text>
        </View>
      )}
    </View>
  );
}

/** A friend's share opened from its link: one tap helps it. */
function HelpCard({ code }: { code: string }) {
  const { api } = useServices();
  const { submitting, submit } = useSubmission();
  const [result, setResult] = useState<HelpResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function help() {
    setError(null);
    try {
      setResult(await submit({ code }, (key) => api.helpShare(code, key)));
    } catch (failure) {
      setError(failureMessage(failure, `${PAGES.activities}?share=${code}`));
    }
  }
  return (
    <View className='card' data-testid='help-card'>
      <Text className='card-title'>好友请你助力</Text>
      <ErrorMessage message={error} />
      {result ? (
        <View className='notice notice-success' data-testid='help-result'>
          <Text>{`已助力！目前 ${Math.min(result.helpers, result.helpersNeeded)}/${result.helpersNeeded} 位好友`}</Text>
        </View>
      ) : (
        <Button className='btn-primary' data-testid='help-button' disabled={submitting} onClick={help}>
          助力
        </Button>
      )}
    </View>
  );
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
  // The progress was read before this check-in: what it just paid counts too.
  const rewardedMb = (progress?.rewardedMb ?? 0) + (result?.amountMb ?? 0);

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
      {progress && activity.type !== 'red_packet_rain' && <Text className='muted' data-testid='activity-progress'>{`已领 ${formatMb(rewardedMb)}，连续签到 ${streak} 天`}</Text>}
      <ErrorMessage message={error} />
      {activity.type === 'invite' && <InvitePanel activity={activity} />}
      {activity.type === 'share' && <SharePanel activity={activity} />}
      {activity.type === 'red_packet_rain' && <RainPanel activity={activity} />}
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
  const { params } = useRouter();
  const shareCode = /^[0-9a-z]{1,32}$/.test(params.share ?? '') ? params.share : undefined;
  const signedIn = useSignedIn(shareCode ? `${PAGES.activities}?share=${shareCode}` : PAGES.activities);
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
    <Page title='活动中心'>
      <ErrorMessage message={error} />
      {shareCode && <HelpCard code={shareCode} />}
      {activities?.length === 0 && (
        <Text className='muted' data-testid='no-activities'>
          现在没有你能参加的活动，过几天再来看看。
        </Text>
      )}
      {activities?.map((activity) => (
        <ActivityCard key={activity.id} activity={activity} />
      ))}
    </Page>
  );
}
