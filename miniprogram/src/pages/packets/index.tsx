import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { formatMb, type RedPacketRecord, type RedPacketRecords, type RedPacketRole } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatShortTime } from '../../format/time';
import { Page } from '../../frame/Page';
import { PAGES, packetPagePath } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { useNotices } from '../../wallet/useNotices';

const STATUS_WORDS: Record<RedPacketRecord['status'], string> = { open: '领取中', finished: '已领完', expired: '已过期' };

function RecordRow({ record, role }: { record: RedPacketRecord; role: RedPacketRole }) {
  const kind = record.mode === 'random' ? '拼手气红包' : '普通红包';
  const title = role === 'sent' ? `${kind}${record.greeting ? `「${record.greeting}」` : ''}` : `${record.senderNickname} 的${kind}`;
  const progress = role === 'sent' ? `${STATUS_WORDS[record.status]} · ${record.count - record.remainingCount}/${record.count} 个` : STATUS_WORDS[record.status];
  return (
    <View className='list-row' data-testid='packet-record' onClick={() => Taro.navigateTo({ url: packetPagePath(record.id) })}>
      <View className='list-row-main'>
        <Text className='list-row-title'>
          {title}
          {record.luckiest && <Text className='badge'>手气最佳</Text>}
        </Text>
        <Text className='muted'>{`${formatShortTime(record.at)} · ${progress}`}</Text>
      </View>
      <Text className='record-amount amount-out'>{formatMb(role === 'sent' ? record.totalMb : (record.myAmountMb ?? 0))}</Text>
      <Text className='chevron'>›</Text>
    </View>
  );
}

/** 红包 tab: 红包记录, what I received and what I sent, with totals; a sent packet opens to reshare it. */
export default function PacketsPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.packets);
  const [role, setRole] = useState<RedPacketRole>('received');
  const [records, setRecords] = useState<RedPacketRecords | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { unread } = useNotices(PAGES.packets);

  async function load(which: RedPacketRole, cursor: string | null) {
    setLoading(true);
    try {
      const page = await api.listRedPacketRecords(which, cursor);
      setRecords((known) => (cursor && known ? { ...page, items: [...known.items, ...page.items] } : page));
      setError(null);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.packets));
    } finally {
      setLoading(false);
    }
  }

  useDidShow(() => {
    if (session.readToken()) void load(role, null);
  });

  function choose(which: RedPacketRole) {
    if (which === role) return;
    setRole(which);
    setRecords(null);
    void load(which, null);
  }

  if (!signedIn) return <View className='page' />;
  const summary = records?.summary;
  return (
    <Page title='红包' tab='packets' badges={{ me: unread }}>
      <Button className='btn-primary' data-testid='go-send-packet' onClick={() => Taro.navigateTo({ url: PAGES.sendPacket })}>
        发红包
      </Button>
      <View className='card card-after-button'>
        <Text className='card-title'>红包记录</Text>
        <View className='segmented'>
          <View className={`segment${role === 'received' ? ' segment-active' : ''}`} data-testid='records-received' onClick={() => choose('received')}>
            <Text>收到的红包</Text>
          </View>
          <View className={`segment${role === 'sent' ? ' segment-active' : ''}`} data-testid='records-sent' onClick={() => choose('sent')}>
            <Text>发出的红包</Text>
          </View>
        </View>
        <ErrorMessage message={error} />
        {summary && (
          <View className='summary' data-testid='records-summary'>
            <View>
              <Text className='summary-value'>{summary.count}</Text>
              <Text className='muted'>{role === 'sent' ? '发出（个）' : '收到（个）'}</Text>
            </View>
            <View>
              <Text className='summary-value'>{formatMb(summary.totalMb)}</Text>
              <Text className='muted'>共计</Text>
            </View>
            {role === 'received' && (
              <View>
                <Text className='summary-value'>{summary.luckiestCount}</Text>
                <Text className='muted'>手气最佳（次）</Text>
              </View>
            )}
          </View>
        )}
        {records?.items.map((record) => (
          <RecordRow key={`${record.id}`} record={record} role={role} />
        ))}
        {loading && <Text className='muted history-state'>加载中…</Text>}
        {!loading && records && records.items.length === 0 && (
          <Text className='muted history-state' data-testid='records-empty'>
            {role === 'sent' ? '还没有发过红包，发一个给朋友吧' : '还没有抢到过红包'}
          </Text>
        )}
        {!loading && records?.nextCursor && (
          <Button className='btn-link' data-testid='records-more' onClick={() => load(role, records.nextCursor)}>
            加载更多
          </Button>
        )}
      </View>
    </Page>
  );
}
