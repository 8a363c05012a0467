import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { formatMb, type CrowdfundSummary } from '@liuliang/shared';
import { useCallback, useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatShortTime } from '../../format/time';
import { crowdfundPagePath, PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

type Mine = 'created' | 'pledged';
const STATUS_LABEL: Record<CrowdfundSummary['status'], string> = { open: '进行中', succeeded: '已成功', failed: '未达成', cancelled: '已取消' };

/** The crowdfunds a person started or supported, newest first, a page at a time. */
export default function MyCrowdfundsPage() {
  const { api } = useServices();
  const signedIn = useSignedIn(PAGES.myCrowdfunds);
  const [mine, setMine] = useState<Mine>('created');
  const [items, setItems] = useState<CrowdfundSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    (cursor: string | null) => {
      api.listCrowdfunds({ mine, cursor }).then(
        (page) => {
          setItems((shown) => (cursor === null ? page.items : [...(shown ?? []), ...page.items]));
          setNextCursor(page.nextCursor);
        },
        (failure: unknown) => setError(failureMessage(failure, PAGES.myCrowdfunds)),
      );
    },
    [api, mine],
  );
  useEffect(() => {
    if (!signedIn) return;
    setItems(null);
    load(null);
  }, [signedIn, load]);

  if (!signedIn) return <View className='page' />;
  return (
    <View className='page'>
      <Button className='btn-primary' data-testid='go-create-crowdfund' onClick={() => Taro.navigateTo({ url: PAGES.createCrowdfund })}>
        发起众筹
      </Button>
      <View className='segmented'>
        {(['created', 'pledged'] as const).map((option) => (
          <View key={option} className={option === mine ? 'segment segment-active' : 'segment'} data-testid={`crowdfunds-${option}`} onClick={() => setMine(option)}>
            <Text>{option === 'created' ? '我发起的' : '我支持的'}</Text>
          </View>
        ))}
      </View>
      <ErrorMessage message={error} />
      <View className='card' data-testid='crowdfund-list'>
        {items === null && !error && <Text className='muted'>加载中…</Text>}
        {items !== null && items.length === 0 && <Text className='muted'>{mine === 'created' ? '还没有发起过众筹' : '还没有支持过众筹'}</Text>}
        {items?.map((c) => (
          <View className='history-item' data-testid='crowdfund-item' key={c.id} onClick={() => Taro.navigateTo({ url: crowdfundPagePath(c.id) })}>
            <View className='history-main'>
              <Text className='history-story'>{c.title}</Text>
              <Text className='muted'>{`${STATUS_LABEL[c.status]} · ${formatShortTime(c.deadline)} 截止`}</Text>
            </View>
            <Text className='history-state'>{`${formatMb(c.raisedMb)} / ${formatMb(c.goalMb)}`}</Text>
          </View>
        ))}
        {nextCursor !== null && (
          <Button className='btn-link' data-testid='crowdfunds-more' onClick={() => load(nextCursor)}>
            加载更多
          </Button>
        )}
      </View>
    </View>
  );
}
