import { Button, View } from '@tarojs/components';
import { MAX_REQUEST_AMOUNT_MB, type ShareGroup } from '@liuliang/shared';
import { useState } from 'react';
import { TextField } from '../../components/TextField';
import { checkAmountMb } from '../../forms/validation';
import { useSubmission } from '../../hooks/useSubmission';
import { useServices } from '../../services';

type PoolMoveKind = 'fund' | 'reclaim' | 'draw';

const WORDS: Record<PoolMoveKind, { label: string; action: string; busy: string }> = {
  fund: { label: '存入流量池（MB）', action: '存入', busy: '正在存入…' },
  reclaim: { label: '从流量池取回（MB）', action: '取回', busy: '正在取回…' },
  draw: { label: '领取到我的钱包（MB）', action: '领取', busy: '正在领取…' },
};

interface PoolMoveProps {
  group: ShareGroup;
  kind: PoolMoveKind;
  /** The most this move can take now (the pool, or what is left of the quota); none for funding. */
  maxMb?: number;
  hint?: string;
  onMoved: (group: ShareGroup) => void;
  onFailed: (failure: unknown) => void;
  onError: (message: string) => void;
}

/** One amount moved into or out of the pool; each form keeps its own Idempotency-Key for retries. */
export function PoolMove({ group, kind, maxMb, hint, onMoved, onFailed, onError }: PoolMoveProps) {
  const { api } = useServices();
  const [amountText, setAmountText] = useState('');
  const { submitting, submit } = useSubmission();
  const words = WORDS[kind];

  async function move() {
    const checked = checkAmountMb(amountText, { minMb: 1, maxMb: maxMb ?? MAX_REQUEST_AMOUNT_MB }, words.action);
    if (!checked.ok) return onError(checked.error);
    const request = { groupId: group.id, kind, amountMb: checked.value };
    try {
      onMoved(await submit(request, (key) => api.moveShareGroupPool(group.id, kind, checked.value, key)));
      setAmountText('');
    } catch (failure) {
      onFailed(failure);
    }
  }

  return (
    <View className='field'>
      <TextField label={words.label} testId={`family-${kind}-input`} numeric placeholder={hint} value={amountText} onChange={setAmountText} />
      <Button className='btn-primary' data-testid={`family-${kind}-button`} disabled={submitting} onClick={move}>
        {submitting ? words.busy : words.action}
      </Button>
    </View>
  );
}
