import { Button, Text, View } from '@tarojs/components';
import type { ShareGroup } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { checkAmountMb } from '../../forms/validation';
import { useLimits } from '../../hooks/useLimits';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';

/** The most a monthly quota may be typed as here; the service takes any positive amount. */
const QUOTA_MAX_MB = 102_400;

/** For someone in no family group yet: start one, as its owner. */
export function CreateGroup({ onCreated }: { onCreated: (group: ShareGroup) => void }) {
  const { api } = useServices();
  const { shareGroup: limits } = useLimits();
  const [name, setName] = useState('');
  const [quotaText, setQuotaText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { submitting, submit } = useSubmission();

  async function create() {
    const trimmed = name.trim();
    if (trimmed === '') return setError('请给家庭组起个名字');
    if (trimmed.length > limits.nameMaxChars) return setError(`名字最多 ${limits.nameMaxChars} 个字`);
    const quota = checkAmountMb(quotaText, { minMb: 1, maxMb: QUOTA_MAX_MB }, '每人每月额度');
    if (!quota.ok) return setError(quota.error);
    setError(null);
    const request = { name: trimmed, monthlyQuotaMb: quota.value };
    try {
      onCreated(await submit(request, (key) => api.createShareGroup(request, key)));
    } catch (failure) {
      setError(failureMessage(failure, PAGES.family));
    }
  }

  return (
    <View className='card'>
      <Text className='card-title'>创建家庭共享</Text>
      <Text className='muted'>{`你往流量池里存流量，家人（最多 ${limits.maxMembers} 人，含你自己）每月在额度内领取。`}</Text>
      <ErrorMessage message={error} />
      <TextField label='家庭组名字' testId='family-name-input' placeholder='比如：我们家' maxLength={limits.nameMaxChars} value={name} onChange={setName} />
      <TextField label='每人每月可领（MB）' testId='family-quota-input' numeric placeholder='比如 1024' value={quotaText} onChange={setQuotaText} />
      <Button className='btn-primary' data-testid='family-create-button' disabled={submitting} onClick={create}>
        {submitting ? '正在创建…' : '创建'}
      </Button>
    </View>
  );
}
