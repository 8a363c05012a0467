import { Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { formatMb, type ActivityReport } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Page } from '../../frame/Page';
import { sponsorReportPath } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { RewardList } from './RewardList';

/** Bars of spend per Shanghai day, as wide as the day's share of the busiest day. */
function SpendChart({ days }: { days: ActivityReport['byDay'] }) {
  const most = Math.max(1, ...days.map((d) => d.spentMb));
  return (
    <View data-testid='spend-chart'>
      {days.map((day) => (
        <View key={day.date} className='row' data-testid='spend-bar'>
          <Text className='muted'>{day.date.slice(5)}</Text>
          <View style={{ flex: 1, margin: '0 8px' }}>
            <View style={{ width: `${Math.max(2, Math.round((day.spentMb / most) * 100))}%`, height: '14px', background: '#d9363e', borderRadius: '3px' }} />
          </View>
          <Text className='muted'>{`${formatMb(day.spentMb)} · ${day.participants} 人`}</Text>
        </View>
      ))}
    </View>
  );
}

/** An activity's report (SPEC §3.9): spent + remaining = budget, messages, and spend per day. */
export default function SponsorReportPage() {
  const { api, session } = useServices();
  const { params } = useRouter();
  const sponsorId = params.sid ?? '';
  const activityId = params.aid ?? '';
  const here = sponsorReportPath(sponsorId, activityId);
  const signedIn = useSignedIn(here);
  const [report, setReport] = useState<ActivityReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  useDidShow(() => {
    if (!session.readToken()) return;
    api.getActivityReport(sponsorId, activityId).then(setReport, (failure: unknown) => setError(failureMessage(failure, here)));
  });

  if (!signedIn) return <View className='page' />;
  return (
    <Page title='活动报告'>
      <ErrorMessage message={error} />
      {report && (
        <View className='card' data-testid='report'>
          <Text className='card-title'>{`预算 ${formatMb(report.budgetMb)}`}</Text>
          <Text data-testid='report-spent'>{`已发放 ${formatMb(report.spentMb)}（${report.rewards} 次，${report.participants} 人）`}</Text>
          <Text data-testid='report-remaining'>{`剩余 ${formatMb(report.remainingMb)}${report.returnedMb > 0 ? `（已退回预算 ${formatMb(report.returnedMb)}）` : ''}`}</Text>
          <Text className='muted'>{`消息：发出 ${report.messages.sent}，送达 ${report.messages.delivered}，失败 ${report.messages.failed}，退订 ${report.messages.optedOut}`}</Text>
        </View>
      )}
      {report && (
        <View className='card'>
          <Text className='card-title'>每日发放</Text>
          {report.byDay.length === 0 ? <Text className='muted'>还没有人领取。</Text> : <SpendChart days={report.byDay} />}
        </View>
      )}
      <RewardList sponsorId={sponsorId} activityId={activityId} onError={(failure) => setError(failureMessage(failure, here))} />
      <Text className='muted'>{`返回「赞助商」页可暂停或结束活动。`}</Text>
    </Page>
  );
}
