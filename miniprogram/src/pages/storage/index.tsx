import { Button, Input, Text, View } from '@tarojs/components';
import { formatMb, type Deposit, type Storage } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { Page } from '../../frame/Page';
import { planLabel } from '../../frame/names';
import { ErrorMessage } from '../../components/ErrorMessage';
import { checkAmountMb } from '../../forms/validation';
import { formatDate } from '../../format/time';
import { useLimits } from '../../hooks/useLimits';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

function DepositOutcome({ deposit }: { deposit: Deposit }) {
  if (deposit.status === 'completed') {
    const until = deposit.expiresAt ? `，有效期至 ${formatDate(deposit.expiresAt)}` : '';
    return (
      <View className='notice notice-success' data-testid='deposit-result'>
        <Text>{`已转存 ${formatMb(deposit.amountMb)} 到钱包${until}`}</Text>
      </View>
    );
  }
  if (deposit.status === 'pending') {
    return (
      <View className='notice' data-testid='deposit-result'>
        <Text>{`运营商处理中：${formatMb(deposit.amountMb)} 会在运营商确认后自动到账，不会重复扣减套餐流量。`}</Text>
      </View>
    );
  }
  return (
    <View className='notice' data-testid='deposit-result'>
      <Text>运营商没有完成这次转存，套餐流量没有被扣减。</Text>
    </View>
  );
}

/** Bank unused plan data into the wallet before the month ends (SPEC §3.1). */
export default function StoragePage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.storage);
  const depositMinMb = useLimits().deposit.minMb;
  const [storage, setStorage] = useState<Storage | null>(null);
  const [amountText, setAmountText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [deposit, setDeposit] = useState<Deposit | null>(null);
  const { submitting, submit } = useSubmission();

  function loadStorage() {
    api.getStorage().then(setStorage, (failure: unknown) => setError(failureMessage(failure, PAGES.storage)));
  }

  useEffect(() => {
    if (signedIn) loadStorage();
    // Loads once when the page opens; after a deposit the page reloads it itself.
  }, [signedIn]);

  async function bank() {
    const bankableMb = storage?.bankableMb ?? 0;
    if (storage && bankableMb < depositMinMb) return setError(`本月可转存的流量不足 ${formatMb(depositMinMb)}`);
    const checked = checkAmountMb(amountText, { minMb: depositMinMb, maxMb: storage ? bankableMb : Number.MAX_SAFE_INTEGER }, '转存流量');
    if (!checked.ok) return setError(checked.error);
    setError(null);
    setDeposit(null);
    const request = { amountMb: checked.value };
    try {
      setDeposit(await submit(request, (key) => api.bankPlanData(request, key)));
      setAmountText('');
      loadStorage();
    } catch (failure) {
      setError(failureMessage(failure, PAGES.storage));
    }
  }

  if (!signedIn) return <View className='page' />;

  const user = session.readUser();
  return (
    <Page title='转存流量'>
      <View className='card'>
        <Text className='card-title'>本月套餐</Text>
        {user && (
          <Text className='muted' data-testid='plan-label'>
            {planLabel(user)}
          </Text>
        )}
        {storage ? (
          <View data-testid='plan'>
            <View className='row'>
              <Text>套餐总量</Text>
              <Text>{formatMb(storage.plan.totalMb)}</Text>
            </View>
            <View className='row'>
              <Text>已使用</Text>
              <Text>{formatMb(storage.plan.usedMb)}</Text>
            </View>
            <View className='row'>
              <Text>剩余</Text>
              <Text>{formatMb(storage.plan.remainingMb)}</Text>
            </View>
            <View className='row'>
              <Text>本月已转存</Text>
              <Text>{formatMb(storage.bankedThisMonthMb)}</Text>
            </View>
            <View className='row'>
              <Text>还可转存</Text>
              <Text data-testid='bankable'>{formatMb(storage.bankableMb)}</Text>
            </View>
          </View>
        ) : (
          <Text className='muted'>加载中…</Text>
        )}
      </View>

      <View className='card'>
        <ErrorMessage message={error} />
        <View className='field'>
          <Text className='field-label'>转存多少（MB）</Text>
          <View className='field-row'>
            <Input
              className='input'
              data-testid='deposit-amount-input'
              type='number'
              placeholder={`至少 ${depositMinMb} MB`}
              value={amountText}
              onInput={(event) => setAmountText(event.detail.value)}
            />
            {storage && storage.bankableMb >= depositMinMb && (
              <Button className='btn-plain' data-testid='deposit-all' onClick={() => setAmountText(String(storage.bankableMb))}>
                全部
              </Button>
            )}
          </View>
          <Text className='field-hint'>转存的流量在存入月之后第三个月的月底过期，之前可以随时送人或发红包。</Text>
        </View>
        <Button className='btn-primary' data-testid='deposit-button' disabled={submitting} onClick={bank}>
          {submitting ? '转存中…' : '转存到钱包'}
        </Button>
        {deposit && <DepositOutcome deposit={deposit} />}
      </View>
    </Page>
  );
}
