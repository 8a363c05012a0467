import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { formatMb, SPONSOR_NAME_MAX_CHARS, type OpsSponsor, type Sponsor, type Topup } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { Page } from '../../frame/Page';
import { checkAmountMb, checkPhone } from '../../forms/validation';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

/** A top-up is a purchase the operator saw paid: large, but never beyond what one request may carry. */
const TOPUP_MAX_MB = 1_000_000_000;
const REFERENCE_PATTERN = /^[\w.:/-]{1,64}$/;

const FUND_LEVEL_NAMES: Record<OpsSponsor['fundLevel'], string> = { ok: '', warn: ' · 低于预警线', alert: ' · 低于告警线' };

/** Every sponsor, newest first, a page at a time: budget and warning levels. */
function SponsorList({ onError }: { onError: (error: string) => void }) {
  const { api } = useServices();
  const [sponsors, setSponsors] = useState<OpsSponsor[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);

  async function load(cursor: string | null) {
    try {
      const page = await api.listSponsors(cursor);
      setSponsors((shown) => (cursor === null ? page.items : [...(shown ?? []), ...page.items]));
      setNextCursor(page.nextCursor);
    } catch (failure) {
      onError(failureMessage(failure, PAGES.ops));
    }
  }
  // On mount, not useDidShow: a page's child mounted after the page showed would miss the show.
  // The parent renders this only once signed in.
  useEffect(() => {
    void load(null);
  }, []);

  return (
    <View className='card'>
      <Text className='card-title'>赞助商</Text>
      {sponsors?.length === 0 && <Text className='muted'>还没有赞助商。</Text>}
      {sponsors?.map((s) => (
        <View key={s.id} className='history-item' data-testid={`ops-sponsor-${s.id}`}>
          <View className='history-main'>
            <Text className='history-story'>{`${s.name}（${s.id}）`}</Text>
            <Text className='history-state'>
              {`可用预算 ${formatMb(s.budgetMb)} · ${s.warnMb === 0 ? '未设预警' : `预警 ${formatMb(s.warnMb)} / 告警 ${formatMb(s.alertMb)}`}${FUND_LEVEL_NAMES[s.fundLevel]}`}
            </Text>
          </View>
        </View>
      ))}
      {nextCursor !== null && (
        <Button size='mini' data-testid='more-sponsors-button' onClick={() => void load(nextCursor)}>
          更多
        </Button>
      )}
    </View>
  );
}

/** Operators' page (SPEC §3.10): every sponsor, create a sponsor with its owner, record a paid top-up. */
export default function OpsPage() {
  const { api } = useServices();
  const signedIn = useSignedIn(PAGES.ops);
  const [name, setName] = useState('');
  const [ownerPhone, setOwnerPhone] = useState('');
  const [sponsorId, setSponsorId] = useState('');
  const [amountText, setAmountText] = useState('');
  const [reference, setReference] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<Sponsor | null>(null);
  const [topup, setTopup] = useState<Topup | null>(null);
  const creation = useSubmission();
  const { submitting, submit } = useSubmission();

  async function createSponsor() {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > SPONSOR_NAME_MAX_CHARS) return setError(`赞助商名称 1 – ${SPONSOR_NAME_MAX_CHARS} 个字`);
    const phone = checkPhone(ownerPhone);
    if (!phone.ok) return setError(phone.error);
    setError(null);
    const request = { name: trimmed, ownerPhone: phone.value };
    try {
      const sponsor = await creation.submit(request, (key) => api.createSponsor(request, key));
      setCreated(sponsor);
      setSponsorId(sponsor.id);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.ops));
    }
  }

  async function topUp() {
    if (sponsorId.trim() === '') return setError('请填写赞助商编号');
    const amount = checkAmountMb(amountText, { minMb: 1, maxMb: TOPUP_MAX_MB }, '充值流量');
    if (!amount.ok) return setError(amount.error);
    if (!REFERENCE_PATTERN.test(reference.trim())) return setError('付款单号 1 – 64 位，只能含字母、数字和 . _ : / -');
    setError(null);
    const request = { amountMb: amount.value, reference: reference.trim() };
    try {
      setTopup(await submit({ sponsorId, ...request }, (key) => api.topUpSponsor(sponsorId.trim(), request, key)));
    } catch (failure) {
      setError(failureMessage(failure, PAGES.ops));
    }
  }

  if (!signedIn) return <View className='page' />;
  return (
    <Page title='运营'>
      <ErrorMessage message={error} />
      <SponsorList onError={setError} />
      <View className='card'>
        <View className='action' data-testid='go-ops-cashout' onClick={() => Taro.navigateTo({ url: PAGES.opsCashout })}>
          <Text>充值供应商与订单</Text>
        </View>
      </View>
      <View className='card'>
        <Text className='card-title'>新建赞助商</Text>
        <TextField label='名称' testId='sponsor-name-input' value={name} onChange={setName} />
        <TextField label='所有者手机号' testId='sponsor-owner-input' numeric maxLength={11} value={ownerPhone} onChange={setOwnerPhone} />
        <Button className='btn-primary' data-testid='create-sponsor-button' disabled={creation.submitting} onClick={createSponsor}>
          创建
        </Button>
        {created && (
          <View className='notice notice-success' data-testid='sponsor-created'>
            <Text>{`已创建「${created.name}」，编号 ${created.id}`}</Text>
          </View>
        )}
      </View>
      <View className='card'>
        <Text className='card-title'>登记充值</Text>
        <TextField label='赞助商编号' testId='topup-sponsor-input' value={sponsorId} onChange={setSponsorId} />
        <TextField label='充值流量（MB）' testId='topup-amount-input' numeric value={amountText} onChange={setAmountText} />
        <TextField label='付款单号' testId='topup-reference-input' value={reference} onChange={setReference} />
        <Button className='btn-primary' data-testid='topup-button' disabled={submitting} onClick={topUp}>
          {submitting ? '正在登记…' : '登记充值'}
        </Button>
        {topup && (
          <View className='notice notice-success' data-testid='topup-result'>
            <Text>{`已入账 ${formatMb(topup.amountMb)}，预算共 ${formatMb(topup.budgetMb)}`}</Text>
          </View>
        )}
      </View>
    </Page>
  );
}
