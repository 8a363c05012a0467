import { Button, Text, View } from '@tarojs/components';
import { formatMb, GIFT_MESSAGE_MAX_CHARS, maskPhone, MB_PER_GB, type Gift, type GiftRequest, type Recipient } from '@liuliang/shared';
import { useDidShow } from '@tarojs/taro';
import { useState } from 'react';
import { AmountPresets, insufficientSentence } from '../../frame/AmountPresets';
import { Avatar } from '../../frame/Avatar';
import { Page } from '../../frame/Page';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { checkAmountMb, checkGiftMessage, checkPhone, parseWholeMb } from '../../forms/validation';
import { formatShortTime } from '../../format/time';
import { useLimits } from '../../hooks/useLimits';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

function GiftOutcome({ gift }: { gift: Gift }) {
  const friend = maskPhone(gift.toPhone);
  if (gift.status === 'delivered') {
    return (
      <View className='notice notice-success' data-testid='gift-result'>
        <Text>{`已送给 ${friend} ${formatMb(gift.amountMb)}，已经到账。`}</Text>
      </View>
    );
  }
  if (gift.status === 'pending_claim') {
    const deadline = gift.claimDeadline ? `（${formatShortTime(gift.claimDeadline)} 前）` : '';
    return (
      <View className='notice' data-testid='gift-result'>
        <Text>
          {`${friend} 还没有注册流量钱包，我们已短信通知 TA。TA 在 72 小时内${deadline}用这个手机号登录就能收下 ${formatMb(gift.amountMb)}；过期没领，流量会退回你的钱包。`}
        </Text>
      </View>
    );
  }
  return (
    <View className='notice' data-testid='gift-result'>
      <Text>{`这份流量已退回你的钱包。`}</Text>
    </View>
  );
}

/** Who the data goes to, shown before it leaves: 确认送出 or 取消. */
function ConfirmSheet({ request, recipient, onConfirm, onCancel }: { request: GiftRequest; recipient: Recipient | null; onConfirm: () => void; onCancel: () => void }) {
  const masked = recipient?.maskedPhone ?? maskPhone(request.toPhone);
  return (
    <View className='sheet-mask'>
      <View className='sheet' data-testid='gift-confirm-sheet'>
        <Text className='sheet-title'>确认转赠</Text>
        <View className='profile-head' data-testid='gift-recipient'>
          {recipient?.nickname && <Avatar nickname={recipient.nickname} />}
          <View>
            <Text className='profile-name'>{recipient?.nickname ?? masked}</Text>
            <Text className='muted'>{recipient === null ? '未能确认对方是否已注册' : recipient.registered ? masked : '未注册，72 小时内登录领取'}</Text>
          </View>
        </View>
        <Text className='detail-amount'>{formatMb(request.amountMb)}</Text>
        {request.message && <Text className='muted'>{`留言：${request.message}`}</Text>}
        <Button className='btn-primary' data-testid='gift-confirm' onClick={onConfirm}>
          确认送出
        </Button>
        <Button className='btn-link' data-testid='gift-cancel' onClick={onCancel}>
          取消
        </Button>
      </View>
    </View>
  );
}

/** Give data to a phone number, with an optional message (SPEC §3.2), confirmed on a sheet that names the recipient. */
export default function GiftPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.gift);
  const { gift: giftLimits } = useLimits();
  const [phone, setPhone] = useState('');
  const [amountText, setAmountText] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [gift, setGift] = useState<Gift | null>(null);
  const { submitting, submit } = useSubmission();
  const typedMb = parseWholeMb(amountText);
  const [availableMb, setAvailableMb] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<{ request: GiftRequest; recipient: Recipient | null } | null>(null);

  useDidShow(() => {
    if (session.readToken()) api.getWallet().then((wallet) => setAvailableMb(wallet.balanceMb), () => undefined);
  });

  /** A field changed: the error was about what it said before. */
  function edit(setter: (value: string) => void): (value: string) => void {
    return (value) => {
      setter(value);
      setError(null);
    };
  }

  async function give() {
    const checkedPhone = checkPhone(phone);
    if (!checkedPhone.ok) return setError(checkedPhone.error);
    const checkedAmount = checkAmountMb(amountText, { minMb: giftLimits.minMb, maxMb: giftLimits.maxMb }, '转赠流量');
    if (!checkedAmount.ok) return setError(checkedAmount.error);
    const checkedMessage = checkGiftMessage(message);
    if (!checkedMessage.ok) return setError(checkedMessage.error);
    if (availableMb !== null && checkedAmount.value > availableMb) return setError(insufficientSentence(availableMb));
    setError(null);
    setGift(null);
    const request: GiftRequest = {
      toPhone: checkedPhone.value,
      amountMb: checkedAmount.value,
      ...(checkedMessage.value === undefined ? {} : { message: checkedMessage.value }),
    };
    // Who it reaches, before anything leaves; a look-up that fails still lets the sender decide on the number alone.
    const recipient = await api.lookupRecipient(request.toPhone).catch(() => null);
    setConfirming({ request, recipient });
  }

  async function confirm() {
    if (!confirming) return;
    const { request } = confirming;
    setConfirming(null);
    try {
      setGift(await submit(request, (key) => api.giveData(request, key)));
      setAmountText('');
      setMessage('');
      if (availableMb !== null) setAvailableMb(availableMb - request.amountMb);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.gift, { INSUFFICIENT_BALANCE: insufficientSentence(availableMb) }));
    }
  }

  if (!signedIn) return <View className='page' />;

  return (
    <Page title='送流量'>
      <View className='card'>
        <Text className='muted' data-testid='available-balance'>
          {availableMb === null ? '可用余额加载中…' : `可用余额 ${formatMb(availableMb)}`}
        </Text>
        <ErrorMessage message={error} />
        <TextField
          label='朋友的手机号'
          testId='gift-phone-input'
          numeric
          maxLength={11}
          placeholder='对方没注册也能送，TA 登录后领取'
          value={phone}
          onChange={edit(setPhone)}
        />
        <TextField label='送多少（MB）' testId='gift-amount-input' numeric placeholder={`${giftLimits.minMb} – ${giftLimits.maxMb} MB`} value={amountText} onChange={edit(setAmountText)}>
          {typedMb !== null && typedMb >= MB_PER_GB && <Text className='field-hint'>{`约 ${formatMb(typedMb)}`}</Text>}
          <AmountPresets testIdPrefix='gift-preset' onPick={(amountMb) => edit(setAmountText)(String(amountMb))} />
        </TextField>
        <TextField label='留言（选填）' testId='gift-message-input' placeholder='说点什么' maxLength={GIFT_MESSAGE_MAX_CHARS} value={message} onChange={edit(setMessage)}>
          <Text className='field-hint'>{`${message.length}/${GIFT_MESSAGE_MAX_CHARS}`}</Text>
        </TextField>
        <Button className='btn-primary' data-testid='gift-button' disabled={submitting} onClick={give}>
          {submitting ? '正在送出…' : '送出'}
        </Button>
        {gift && <GiftOutcome gift={gift} />}
      </View>
      <Text className='muted'>每天最多送 3 次，每周 5 次，每月 10 次；不能送给自己。</Text>
      {confirming && <ConfirmSheet request={confirming.request} recipient={confirming.recipient} onConfirm={confirm} onCancel={() => setConfirming(null)} />}
    </Page>
  );
}
