import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { CROWDFUND_TITLE_MAX_CHARS, formatMb, MB_PER_GB } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { checkAmountMb, parseWholeMb } from '../../forms/validation';
import { useLimits } from '../../hooks/useLimits';
import { useSubmission } from '../../hooks/useSubmission';
import { crowdfundPagePath, PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

const HOUR_SECONDS = 60 * 60;
const DAY_SECONDS = 24 * HOUR_SECONDS;
/** The durations offered; those outside the configured bounds are left out. */
const DURATIONS: ReadonlyArray<{ label: string; seconds: number }> = [
  { label: '1 小时', seconds: HOUR_SECONDS },
  { label: '1 天', seconds: DAY_SECONDS },
  { label: '3 天', seconds: 3 * DAY_SECONDS },
  { label: '7 天', seconds: 7 * DAY_SECONDS },
  { label: '30 天', seconds: 30 * DAY_SECONDS },
];

/** Start a crowdfund (SPEC §3.5): a title, a goal and how long it runs; all or nothing. */
export default function CreateCrowdfundPage() {
  const { api } = useServices();
  const signedIn = useSignedIn(PAGES.createCrowdfund);
  const { crowdfund: limits } = useLimits();
  const durations = DURATIONS.filter((d) => d.seconds >= limits.minSeconds && d.seconds <= limits.maxSeconds);
  const [title, setTitle] = useState('');
  const [goalText, setGoalText] = useState('');
  const [durationSeconds, setDurationSeconds] = useState(3 * DAY_SECONDS);
  const [error, setError] = useState<string | null>(null);
  const { submitting, submit } = useSubmission();
  const typedMb = parseWholeMb(goalText);

  async function create() {
    const trimmed = title.trim();
    if (trimmed === '') return setError('请写上众筹标题');
    if (trimmed.length > CROWDFUND_TITLE_MAX_CHARS) return setError(`标题最多 ${CROWDFUND_TITLE_MAX_CHARS} 个字`);
    const goal = checkAmountMb(goalText, { minMb: limits.minGoalMb, maxMb: limits.maxGoalMb }, '众筹目标');
    if (!goal.ok) return setError(goal.error);
    setError(null);
    const request = { title: trimmed, goalMb: goal.value, deadline: new Date(Date.now() + durationSeconds * 1000).toISOString() };
    try {
      // The key is for what the person asked (title, goal, duration): a retry after an unknown outcome sends the same.
      const crowdfund = await submit({ title: trimmed, goalMb: goal.value, durationSeconds }, (key) => api.createCrowdfund(request, key));
      void Taro.redirectTo({ url: crowdfundPagePath(crowdfund.id) });
    } catch (failure) {
      setError(failureMessage(failure, PAGES.createCrowdfund));
    }
  }

  if (!signedIn) return <View className='page' />;
  return (
    <View className='page'>
      <View className='card'>
        <ErrorMessage message={error} />
        <TextField label='众筹什么' testId='crowdfund-title-input' placeholder='例如：换新手机' maxLength={CROWDFUND_TITLE_MAX_CHARS} value={title} onChange={setTitle} />
        <TextField label='目标（MB）' testId='crowdfund-goal-input' numeric placeholder={`${limits.minGoalMb} – ${limits.maxGoalMb} MB`} value={goalText} onChange={setGoalText}>
          {typedMb !== null && typedMb >= MB_PER_GB && <Text className='field-hint'>{`约 ${formatMb(typedMb)}`}</Text>}
        </TextField>
        <View className='field'>
          <Text className='field-label'>多久截止</Text>
          <View className='segmented'>
            {durations.map((d) => (
              <View
                key={d.seconds}
                className={d.seconds === durationSeconds ? 'segment segment-active' : 'segment'}
                data-testid={`crowdfund-duration-${d.seconds}`}
                onClick={() => setDurationSeconds(d.seconds)}
              >
                <Text>{d.label}</Text>
              </View>
            ))}
          </View>
        </View>
        <Button className='btn-primary' data-testid='crowdfund-create-button' disabled={submitting} onClick={create}>
          {submitting ? '正在发起…' : '发起众筹'}
        </Button>
      </View>
      <Text className='muted'>到期前筹满目标，流量一次性到账；没筹满或你取消，支持者的流量全额退回。</Text>
    </View>
  );
}
