import { Button, Text, View } from '@tarojs/components';
import type { Activity, BroadcastAudience } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { IdempotentAction } from '../../api/idempotency';
import { isOutcomeUnknown } from '../../api/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';
import { TemplateEditor } from './TemplateEditor';

const AUDIENCES: Array<[BroadcastAudience, string]> = [
  ['participants', '已参加的人'],
  ['eligible_not_joined', '符合条件还没参加的人'],
];

const maxRewardOf = (activity: Activity) => (activity.reward.mode === 'fixed' ? activity.reward.amountMb : activity.reward.maxMb);

/**
 * A broadcast about one activity: a template (previewed live), an audience whose size is shown
 * before sending, and one send per tap (its key reused after an unknown outcome, so a retry never
 * broadcasts twice).
 */
export function BroadcastForm({ sponsorId, sponsorName, activity }: { sponsorId: string; sponsorName: string; activity: Activity }) {
  const { api } = useServices();
  const [action] = useState(() => new IdempotentAction());
  const [template, setTemplate] = useState('{nickname}，');
  const [audience, setAudience] = useState<BroadcastAudience>('participants');
  const [size, setSize] = useState<number | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    setSize(null);
    api.broadcastAudience(sponsorId, activity.id, audience).then(
      (answer) => current && setSize(answer.recipients),
      (failure) => current && setError(failureMessage(failure, PAGES.sponsor)),
    );
    return () => {
      current = false;
    };
  }, [api, sponsorId, activity.id, audience]);

  async function send() {
    setBusy(true);
    setError(null);
    try {
      const request = { template: template.trim(), audience };
      const answer = await api.broadcast(sponsorId, activity.id, request, action.keyFor(request));
      action.settle();
      setSent(answer.recipients);
    } catch (failure) {
      if (!isOutcomeUnknown(failure)) action.settle();
      setError(failureMessage(failure, PAGES.sponsor));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className='card' data-testid={`broadcast-${activity.id}`}>
      <Text className='card-title'>{`群发消息：${activity.title}`}</Text>
      <ErrorMessage message={error} />
      <View className='segmented'>
        {AUDIENCES.map(([value, label]) => (
          <View key={value} className={`segment ${audience === value ? 'segment-active' : ''}`} data-testid={`audience-${value}`} onClick={() => setAudience(value)}>
            <Text>{label}</Text>
          </View>
        ))}
      </View>
      <Text className='muted' data-testid='audience-size'>
        {size === null ? '正在统计人数…' : `将发给 ${size} 人（已退订、今天已收满 3 条或夜间 22:00–8:00 的会顺延或跳过）`}
      </Text>
      <TemplateEditor
        label='消息内容'
        testId='broadcast-template-input'
        value={template}
        onChange={setTemplate}
        context={{ activity: activity.title, sponsor: sponsorName, maxRewardMb: maxRewardOf(activity) }}
      />
      <Button className='btn-primary' data-testid='broadcast-button' disabled={busy || size === null || size === 0} onClick={send}>
        {busy ? '正在发送…' : '发送'}
      </Button>
      {sent !== null && (
        <Text className='muted' data-testid='broadcast-sent'>
          {`已安排发送给 ${sent} 人`}
        </Text>
      )}
    </View>
  );
}
