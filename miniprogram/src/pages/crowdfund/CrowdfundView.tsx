import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { formatMb, MAX_REQUEST_AMOUNT_MB, type Crowdfund, type Pledge } from '@liuliang/shared';
import { useCallback, useEffect, useReducer, useState } from 'react';
import { ApiError } from '../../api/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { TipPanel } from '../../components/TipPanel';
import { checkAmountMb } from '../../forms/validation';
import { formatClockTime, formatShortTime } from '../../format/time';
import { useSubmission } from '../../hooks/useSubmission';
import { followCrowdfund } from '../../live/live';
import { crowdfundPagePath, crowdfundShareLinkFor } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { crowdfundReducer, initialCrowdfundState, percentRaised } from './crowdfundState';

const STATUS_TEXT: Record<Exclude<Crowdfund['status'], 'open'>, string> = {
  succeeded: '众筹成功！目标流量已全部交给发起人',
  failed: '到期未达成目标，支持的流量已全额退回',
  cancelled: '发起人已取消，支持的流量已全额退回',
};

function Progress({ crowdfund }: { crowdfund: Crowdfund }) {
  const percent = percentRaised(crowdfund);
  return (
    <View className='crowdfund-progress'>
      <View className='progress-track' data-testid='crowdfund-progress'>
        <View className='progress-fill' data-testid='crowdfund-progress-fill' data-percent={String(percent)} style={{ width: `${percent}%` }} />
      </View>
      <Text className='packet-progress' data-testid='crowdfund-raised'>
        {`已筹 ${formatMb(crowdfund.raisedMb)} / ${formatMb(crowdfund.goalMb)}（${percent}%）`}
      </Text>
    </View>
  );
}

function ShareCrowdfund({ crowdfundId }: { crowdfundId: string }) {
  const link = crowdfundShareLinkFor(crowdfundId);
  async function copyLink() {
    try {
      await Taro.setClipboardData({ data: link });
      void Taro.showToast({ title: '链接已复制', icon: 'none' });
    } catch {
      void Taro.showToast({ title: '复制失败，请长按链接手动复制', icon: 'none' });
    }
  }
  return (
    <View className='card'>
      <Text className='card-title'>分享给朋友一起支持</Text>
      <Text className='share-link' data-testid='crowdfund-share-link' selectable userSelect>
        {link}
      </Text>
      <Button className='btn-plain' data-testid='copy-crowdfund-link' onClick={copyLink}>
        复制链接
      </Button>
    </View>
  );
}

function PledgeOutcome({ pledge }: { pledge: Pledge }) {
  const capped = pledge.amountMb < pledge.requestedMb;
  return (
    <View className='notice notice-success' data-testid='pledge-result'>
      <Text>
        {capped ? `只差 ${formatMb(pledge.amountMb)} 就达成了，所以只从你的钱包扣了 ${formatMb(pledge.amountMb)}。` : `已支持 ${formatMb(pledge.amountMb)}，未达成会全额退回。`}
      </Text>
    </View>
  );
}

/** One crowdfund: its progress, live; pledging; the creator's cancel; who pledged; 打赏; the link to share. */
export function CrowdfundView({ crowdfundId }: { crowdfundId: string }) {
  const { api, session, connectLive } = useServices();
  const returnPath = crowdfundPagePath(crowdfundId);
  const signedIn = useSignedIn(returnPath);
  const [state, dispatch] = useReducer(crowdfundReducer, initialCrowdfundState);
  const [error, setError] = useState<string | null>(null);
  const [amountText, setAmountText] = useState('');
  const [pledge, setPledge] = useState<Pledge | null>(null);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const pledging = useSubmission();
  const cancelling = useSubmission();

  const reload = useCallback(() => {
    api.getCrowdfund(crowdfundId).then(
      (crowdfund) => dispatch({ type: 'loaded', crowdfund }),
      (failure: unknown) => setError(failureMessage(failure, returnPath)),
    );
  }, [api, crowdfundId, returnPath]);

  useEffect(() => {
    const token = session.readToken();
    if (!signedIn || !token) return undefined;
    reload();
    const socket = connectLive(token);
    const stopFollowing = followCrowdfund(socket, crowdfundId, {
      pledged: (event) => dispatch({ type: 'pledged', event, at: new Date().toISOString() }),
      closed: (event) => dispatch({ type: 'closed', event }),
      subscribed: (ack) => {
        if (ack.ok) reload();
      },
    });
    return () => {
      stopFollowing();
      socket.disconnect();
    };
  }, [signedIn, crowdfundId, session, connectLive, reload]);

  const { crowdfund } = state;
  if (!signedIn) return <View className='page' />;
  if (!crowdfund) {
    return (
      <View className='page'>
        <ErrorMessage message={error} />
        {!error && <Text className='muted'>众筹加载中…</Text>}
      </View>
    );
  }

  const me = session.readUser();
  const isCreator = me?.id === crowdfund.creator.userId;
  const missingMb = crowdfund.goalMb - crowdfund.raisedMb;

  async function sendPledge() {
    const checked = checkAmountMb(amountText, { minMb: 1, maxMb: MAX_REQUEST_AMOUNT_MB }, '支持的流量');
    if (!checked.ok) return setError(checked.error);
    setError(null);
    try {
      setPledge(await pledging.submit({ crowdfundId, amountMb: checked.value }, (key) => api.pledge(crowdfundId, checked.value, key)));
      setAmountText('');
      reload();
    } catch (failure) {
      setError(failureMessage(failure, returnPath));
      if (failure instanceof ApiError && failure.code === 'CLOSED') reload();
    }
  }

  async function cancel() {
    setError(null);
    try {
      dispatch({ type: 'loaded', crowdfund: await cancelling.submit({ cancel: crowdfundId }, (key) => api.cancelCrowdfund(crowdfundId, key)) });
      setConfirmingCancel(false);
    } catch (failure) {
      setError(failureMessage(failure, returnPath));
      reload();
    }
  }

  return (
    <View className='page'>
      <View className='card'>
        <Text className='card-title' data-testid='crowdfund-title'>
          {crowdfund.title}
        </Text>
        <Text className='muted'>{`${crowdfund.creator.nickname} 发起 · ${formatShortTime(crowdfund.deadline)} 截止 · 未达成全额退回`}</Text>
        <Progress crowdfund={crowdfund} />
        {crowdfund.status !== 'open' && (
          <Text className='packet-state' data-testid='crowdfund-status'>
            {STATUS_TEXT[crowdfund.status]}
          </Text>
        )}
        <ErrorMessage message={error} />
        {pledge && <PledgeOutcome pledge={pledge} />}
        {crowdfund.status === 'open' && (
          <View data-testid='pledge-form'>
            <TextField label='支持多少（MB）' testId='pledge-amount-input' numeric placeholder={`还差 ${formatMb(missingMb)}`} value={amountText} onChange={setAmountText} />
            <Button className='btn-primary' data-testid='pledge-button' disabled={pledging.submitting} onClick={sendPledge}>
              {pledging.submitting ? '正在支持…' : '支持'}
            </Button>
          </View>
        )}
        {crowdfund.status === 'open' && isCreator && !confirmingCancel && (
          <Button className='btn-link' data-testid='crowdfund-cancel' onClick={() => setConfirmingCancel(true)}>
            取消众筹
          </Button>
        )}
        {crowdfund.status === 'open' && isCreator && confirmingCancel && (
          <Button className='btn-plain' data-testid='crowdfund-cancel-confirm' disabled={cancelling.submitting} onClick={cancel}>
            确认取消，全额退回支持者
          </Button>
        )}
      </View>
      <View className='card' data-testid='pledge-list'>
        <Text className='card-title'>{`支持记录（${crowdfund.pledges.length}）`}</Text>
        {crowdfund.pledges.length === 0 && <Text className='muted'>还没有人支持，快分享给朋友吧</Text>}
        {crowdfund.pledges.map((p, i) => (
          <View className='grab-item' data-testid='pledge-item' key={`${p.userId}-${i}`}>
            <View>
              <Text className='grab-name'>{p.nickname}</Text>
              <Text className='muted'>{formatClockTime(p.at)}</Text>
            </View>
            <Text className='grab-amount'>{formatMb(p.amountMb)}</Text>
          </View>
        ))}
      </View>
      <TipPanel target={{ type: 'crowdfund', id: crowdfundId }} ownerId={crowdfund.creator.userId} ownerNickname={crowdfund.creator.nickname} returnPath={returnPath} />
      <ShareCrowdfund crowdfundId={crowdfundId} />
    </View>
  );
}
