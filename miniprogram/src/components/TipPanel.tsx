import { Button, Text, View } from '@tarojs/components';
import { formatMb, TIP_MESSAGE_MAX_CHARS, type TipLeaderboard, type TipTarget } from '@liuliang/shared';
import { useCallback, useEffect, useState } from 'react';
import { checkAmountMb, checkOptionalText } from '../forms/validation';
import { useLimits } from '../hooks/useLimits';
import { useSubmission } from '../hooks/useSubmission';
import { failureMessage } from '../session/guard';
import { useServices } from '../services';
import { ErrorMessage } from './ErrorMessage';
import { TextField } from './TextField';

export interface TipPanelProps {
  target: TipTarget;
  /** Who receives the tip: a packet's sender or a crowdfund's creator, who sees no 打赏 button. */
  ownerId: string;
  ownerNickname: string;
  /** Where to come back to after a sign-in the panel's calls may ask for. */
  returnPath: string;
}

/** 打赏 (SPEC §3.4): a button that tips the owner of this packet or crowdfund, and its leaderboard. */
export function TipPanel({ target, ownerId, ownerNickname, returnPath }: TipPanelProps) {
  const { api, session } = useServices();
  const { tip: tipLimits } = useLimits();
  const [board, setBoard] = useState<TipLeaderboard | null>(null);
  const [open, setOpen] = useState(false);
  const [amountText, setAmountText] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [tippedMb, setTippedMb] = useState<number | null>(null);
  const { submitting, submit } = useSubmission();
  const isOwner = session.readUser()?.id === ownerId;
  const { type, id } = target;

  const loadBoard = useCallback(() => {
    api.getTipLeaderboard({ type, id }).then(setBoard, () => setBoard(null));
  }, [api, type, id]);
  useEffect(loadBoard, [loadBoard]);

  async function sendTip() {
    const amount = checkAmountMb(amountText, { minMb: tipLimits.minMb, maxMb: tipLimits.maxMb }, '打赏流量');
    if (!amount.ok) return setError(amount.error);
    const note = checkOptionalText(message, TIP_MESSAGE_MAX_CHARS, `留言最多 ${TIP_MESSAGE_MAX_CHARS} 个字`);
    if (!note.ok) return setError(note.error);
    setError(null);
    const request = { target: { type, id }, amountMb: amount.value, ...(note.value === undefined ? {} : { message: note.value }) };
    try {
      const tip = await submit(request, (key) => api.tip(request, key));
      setTippedMb(tip.amountMb);
      setOpen(false);
      setAmountText('');
      setMessage('');
      loadBoard();
    } catch (failure) {
      setError(failureMessage(failure, returnPath));
    }
  }

  return (
    <View className='card' data-testid='tip-panel'>
      <Text className='card-title'>{`打赏榜`}</Text>
      {tippedMb !== null && (
        <View className='notice notice-success' data-testid='tip-result'>
          <Text>{`已打赏 ${ownerNickname} ${formatMb(tippedMb)}，谢谢你的支持！`}</Text>
        </View>
      )}
      {!isOwner && !open && (
        <Button className='btn-plain' data-testid='tip-open' onClick={() => setOpen(true)}>
          {`打赏 ${ownerNickname}`}
        </Button>
      )}
      {open && (
        <View data-testid='tip-form'>
          <ErrorMessage message={error} />
          <TextField
            label='打赏多少（MB）'
            testId='tip-amount-input'
            numeric
            placeholder={`${tipLimits.minMb} – ${tipLimits.maxMb} MB`}
            value={amountText}
            onChange={setAmountText}
          />
          <TextField label='留言（选填）' testId='tip-message-input' placeholder='说点什么' maxLength={TIP_MESSAGE_MAX_CHARS} value={message} onChange={setMessage} />
          <Button className='btn-primary' data-testid='tip-button' disabled={submitting} onClick={sendTip}>
            {submitting ? '正在打赏…' : '确认打赏'}
          </Button>
        </View>
      )}
      {board && board.items.length === 0 && <Text className='muted'>还没有人打赏</Text>}
      {board && board.items.length > 0 && (
        <View data-testid='tip-leaderboard'>
          {board.items.map((item, rank) => (
            <View className='grab-item' data-testid='tip-leader' key={item.userId}>
              <Text className='grab-name'>{`${rank + 1}. ${item.nickname}`}</Text>
              <Text className='grab-amount'>{`${formatMb(item.totalMb)}（${item.count} 次）`}</Text>
            </View>
          ))}
        </View>
      )}
    </View>
  );
}
