import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { formatMb, type CouponBatch } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { formatDate } from '../../format/time';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';
import { checkCouponForm, type CouponFormFields } from './couponForm';
import { saveCsvFile } from './saveCsv';

const EMPTY_FORM: CouponFormFields = { title: '', amountText: '', countText: '', daysText: '30' };

/** The codes just taken out, held only while the page is open: the service never shows them again. */
interface TakenCodes {
  batchId: string;
  csv: string;
  count: number;
  saved: boolean;
}

function batchState(batch: CouponBatch): string {
  const redeemed = `已兑换 ${batch.redeemedCount} / ${batch.count} 张`;
  if (batch.status === 'settled') return `${redeemed} · 已结束，未兑换的 ${formatMb(batch.returnedMb)} 已退回预算`;
  return `${redeemed} · ${formatDate(batch.validUntil)} 到期`;
}

/** The issue form: the batch's whole value leaves the budget when it is issued. */
function IssueCoupons({ sponsorId, onIssued }: { sponsorId: string; onIssued: () => void }) {
  const { api } = useServices();
  const [fields, setFields] = useState<CouponFormFields>(EMPTY_FORM);
  const [error, setError] = useState<string | null>(null);
  const { submitting, submit } = useSubmission();
  const set = (name: keyof CouponFormFields) => (value: string) => setFields((current) => ({ ...current, [name]: value }));

  async function issue() {
    const checked = checkCouponForm(fields, new Date());
    if (!checked.ok) return setError(checked.error);
    setError(null);
    // The key follows the form as typed (not the times made from "now"): a retry after a lost answer replays, never funds a second batch.
    try {
      await submit({ sponsorId, ...fields }, (key) => api.createCouponBatch(sponsorId, checked.value, key));
      setFields(EMPTY_FORM);
      onIssued();
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sponsor, { INSUFFICIENT_BUDGET: '赞助预算不足（或预算在卡密到期前过期），请先充值' }));
    }
  }

  return (
    <View className='card'>
      <Text className='card-title'>发行卡密</Text>
      <ErrorMessage message={error} />
      <TextField label='卡密名称' testId='coupon-title-input' value={fields.title} onChange={set('title')} placeholder='新春福利卡' />
      <TextField label='每张面值（MB）' testId='coupon-amount-input' numeric value={fields.amountText} onChange={set('amountText')} />
      <TextField label='张数' testId='coupon-count-input' numeric value={fields.countText} onChange={set('countText')} />
      <TextField label='有效天数（从现在起）' testId='coupon-days-input' numeric value={fields.daysText} onChange={set('daysText')} />
      <Button className='btn-primary' data-testid='issue-coupons-button' disabled={submitting} onClick={issue}>
        {submitting ? '正在发行…' : '发行（从预算扣除全部面值）'}
      </Button>
    </View>
  );
}

/** What was taken out: a file on H5, and a copy anywhere, with the warning that this is the only time. */
function TakenCodesPanel({ taken }: { taken: TakenCodes }) {
  return (
    <View className='notice' data-testid='coupon-codes-panel'>
      <Text>{`已取出 ${taken.count} 张卡密。${taken.saved ? '已保存为 CSV 文件。' : ''}卡密只显示这一次，离开本页后无法再查看，请妥善保存。`}</Text>
      <Button
        size='mini'
        data-testid='copy-coupon-codes'
        onClick={async () => {
          await Taro.setClipboardData({ data: taken.csv });
          void Taro.showToast({ title: '已复制全部卡密', icon: 'none' });
        }}
      >
        复制全部
      </Button>
      {!taken.saved && (
        <Button size='mini' data-testid='save-coupon-codes' onClick={() => saveCsvFile(`coupons-${taken.batchId}.csv`, taken.csv)}>
          保存为文件
        </Button>
      )}
    </View>
  );
}

/**
 * A sponsor's coupon batches (SPEC §3.8): issue, take the codes out once, and how many were
 * redeemed. `onIssued` tells the page, whose budget an issue has just spent.
 */
export function CouponBatches({ sponsorId, onIssued }: { sponsorId: string; onIssued: () => void }) {
  const { api } = useServices();
  const [batches, setBatches] = useState<CouponBatch[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [taken, setTaken] = useState<TakenCodes | null>(null);
  const [busy, setBusy] = useState(false);

  async function load() {
    try {
      setBatches((await api.listCouponBatches(sponsorId)).items);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sponsor));
    }
  }
  useEffect(() => {
    setTaken(null);
    void load();
    // Loads again when another sponsor is chosen.
  }, [sponsorId]);

  async function takeCodes(batch: CouponBatch) {
    const answer = await Taro.showModal({
      title: '取出卡密',
      content: `「${batch.title}」的 ${batch.count} 张卡密只能取出一次，取出后请立即保存。现在取出吗？`,
      confirmText: '取出',
      cancelText: '取消',
    });
    if (!answer.confirm) return;
    setBusy(true);
    try {
      const csv = await api.downloadCouponCodes(sponsorId, batch.id);
      const saved = saveCsvFile(`coupons-${batch.id}.csv`, csv);
      setTaken({ batchId: batch.id, csv, count: batch.count, saved });
      setError(null);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sponsor));
    } finally {
      setBusy(false);
      void load();
    }
  }

  return (
    <>
      <View className='card'>
        <Text className='card-title'>卡密</Text>
        <ErrorMessage message={error} />
        {taken && <TakenCodesPanel taken={taken} />}
        {batches.length === 0 && <Text className='muted'>还没有发行卡密。</Text>}
        {batches.map((batch) => (
          <View className='history-item' key={batch.id} data-testid={`coupon-batch-${batch.id}`}>
            <View className='history-main'>
              <Text className='history-story'>{`${batch.title} · ${formatMb(batch.amountMb)} × ${batch.count}`}</Text>
              <Text className='history-state' data-testid='coupon-batch-state'>
                {batchState(batch)}
              </Text>
            </View>
            {batch.codesDownloaded || batch.status === 'settled' ? (
              <Text className='muted' data-testid='coupon-codes-taken'>
                {batch.codesDownloaded ? `卡密已取出（${formatDate(batch.codesDownloadedAt ?? batch.createdAt)}）` : '未取出，已结束'}
              </Text>
            ) : (
              <Button size='mini' data-testid='take-coupon-codes' disabled={busy} onClick={() => takeCodes(batch)}>
                取出卡密
              </Button>
            )}
          </View>
        ))}
      </View>
      <IssueCoupons
        sponsorId={sponsorId}
        onIssued={() => {
          void load();
          onIssued();
        }}
      />
    </>
  );
}
