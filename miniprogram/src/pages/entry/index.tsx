import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import type { Deposit, Gift, WalletEntry } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate, formatShortTime } from '../../format/time';
import { Page } from '../../frame/Page';
import { PAGES, packetPagePath } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { shownEntry } from '../../wallet/entry-cache';
import { GIFT_STATUS_WORDS } from '../../wallet/gift-status';
import { signedAmount, tellEntry } from '../../wallet/story';

const DEPOSIT_STATUS_WORDS: Record<Deposit['status'], string> = { completed: '已到账', pending: '等待运营商确认', failed: '失败，未扣流量' };

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <View className='detail-row' data-testid={testId}>
      <Text className='detail-label'>{label}</Text>
      <Text className='detail-value'>{value}</Text>
    </View>
  );
}

function otherParty(entry: WalletEntry): string | null {
  return entry.counterparty.type === 'user' ? `${entry.counterparty.nickname} (${entry.counterparty.maskedPhone})` : null;
}

function expirySpan(expiry: NonNullable<WalletEntry['arrivedExpiry']>): string {
  const [earliest, latest] = [formatDate(expiry.earliest), formatDate(expiry.latest)];
  return earliest === latest ? earliest : `${earliest} 至 ${latest}（分批过期）`;
}

/** `pages/entry/index?id=…`: one history row in full: status, the other person, amount, expiry, order number. */
export default function EntryPage() {
  const { api } = useServices();
  const id = useRouter().params.id ?? '';
  const signedIn = useSignedIn(`${PAGES.entry}?id=${encodeURIComponent(id)}`);
  const entry = shownEntry(id);
  const [gift, setGift] = useState<Gift | null>(null);
  const [deposit, setDeposit] = useState<Deposit | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!signedIn || !entry?.refId) return;
    const returnPath = PAGES.home;
    if (entry.refType === 'gift') api.getGift(entry.refId).then(setGift, (failure: unknown) => setError(failureMessage(failure, returnPath)));
    if (entry.refType === 'deposit') api.getDeposit(entry.refId).then(setDeposit, (failure: unknown) => setError(failureMessage(failure, returnPath)));
  }, [api, signedIn, entry]);

  if (!signedIn) return <View className='page' />;
  if (!entry) {
    return (
      <Page title='记录详情'>
        <View className='card' data-testid='entry-missing'>
          <Text className='muted'>这条记录需要从首页的流量记录打开。</Text>
          <Button className='btn-primary' onClick={() => Taro.reLaunch({ url: PAGES.home })}>
            回到首页
          </Button>
        </View>
      </Page>
    );
  }

  const person = otherParty(entry);
  // What came in keeps the expiry it had (SPEC §2): one date, or the span when it came in batches.
  const arrivedExpiry = entry.arrivedExpiry ? expirySpan(entry.arrivedExpiry) : deposit?.expiresAt ? formatDate(deposit.expiresAt) : null;
  const status = gift ? GIFT_STATUS_WORDS[gift.status] : deposit ? DEPOSIT_STATUS_WORDS[deposit.status] : '已完成';
  return (
    <Page title='记录详情'>
      <View className='card' data-testid='entry-detail'>
        <Text className='history-story'>{tellEntry(entry, gift?.toPhone)}</Text>
        <Text className={`detail-amount ${entry.direction === 'in' ? 'amount-in' : 'amount-out'}`}>{signedAmount(entry)}</Text>
        <ErrorMessage message={error} />
        <Row label='状态' value={status} testId='entry-status' />
        {person && <Row label={entry.direction === 'in' ? '来自' : '给'} value={person} />}
        {gift && !person && <Row label='收流量的人' value={gift.toPhone} />}
        {gift?.status === 'pending_claim' && gift.claimDeadline && <Row label='领取截止' value={formatShortTime(gift.claimDeadline)} />}
        {arrivedExpiry && <Row label='这批流量过期' value={arrivedExpiry} testId='entry-expiry' />}
        {entry.memo && <Row label='留言' value={entry.memo} />}
        <Row label='时间' value={formatShortTime(entry.at)} />
        <Row label='流水号' value={entry.id} testId='entry-order' />
        {entry.refId && <Row label='订单号' value={`${entry.refType ?? ''}-${entry.refId}`} />}
      </View>
      {entry.refType === 'red_packet' && entry.refId && (
        <Button className='btn-primary' data-testid='entry-open-packet' onClick={() => Taro.navigateTo({ url: packetPagePath(entry.refId ?? '') })}>
          查看红包（领取记录、分享链接）
        </Button>
      )}
    </Page>
  );
}
