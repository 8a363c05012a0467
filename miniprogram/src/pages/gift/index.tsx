import { Button, Text, View } from '@tarojs/components';
import { formatMb, GIFT_MESSAGE_MAX_CHARS, maskPhone, MB_PER_GB, type Gift } from '@liuliang/shared';
import { useState } from 'react';
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

/** Give data to a phone number, with an optional message (SPEC §3.2). */
export default function GiftPage() {
  const { api } = useServices();
  const signedIn = useSignedIn(PAGES.gift);
  const { gift: giftLimits } = useLimits();
  const [phone, setPhone] = useState('');
  const [amountText, setAmountText] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [gift, setGift] = useState<Gift | null>(null);
  const { submitting, submit } = useSubmission();
  const typedMb = parseWholeMb(amountText);

  async function give() {
    const checkedPhone = checkPhone(phone);
    if (!checkedPhone.ok) return setError(checkedPhone.error);
    const checkedAmount = checkAmountMb(amountText, { minMb: giftLimits.minMb, maxMb: giftLimits.maxMb }, '转赠流量');
    if (!checkedAmount.ok) return setError(checkedAmount.error);
    const checkedMessage = checkGiftMessage(message);
    if (!checkedMessage.ok) return setError(checkedMessage.error);
    setError(null);
    setGift(null);
    const request = {
      toPhone: checkedPhone.value,
      amountMb: checkedAmount.value,
      ...(checkedMessage.value === undefined ? {} : { message: checkedMessage.value }),
    };
    try {
      setGift(await submit(request, (key) => api.giveData(request, key)));
      setAmountText('');
      setMessage('');
    } catch (failure) {
      setError(failureMessage(failure, PAGES.gift));
    }
  }

  if (!signedIn) return <View className='page' />;

  return (
    <View className='page'>
      <View className='card'>
        <ErrorMessage message={error} />
        <TextField
          label='朋友的手机号'
          testId='gift-phone-input'
          numeric
          maxLength={11}
          placeholder='对方没注册也能送，TA 登录后领取'
          value={phone}
          onChange={setPhone}
        />
        <TextField label='送多少（MB）' testId='gift-amount-input' numeric placeholder={`${giftLimits.minMb} – ${giftLimits.maxMb} MB`} value={amountText} onChange={setAmountText}>
          {typedMb !== null && typedMb >= MB_PER_GB && <Text className='field-hint'>{`约 ${formatMb(typedMb)}`}</Text>}
        </TextField>
        <TextField label='留言（选填）' testId='gift-message-input' placeholder='说点什么' maxLength={GIFT_MESSAGE_MAX_CHARS} value={message} onChange={setMessage}>
          <Text className='field-hint'>{`${message.length}/${GIFT_MESSAGE_MAX_CHARS}`}</Text>
        </TextField>
        <Button className='btn-primary' data-testid='gift-button' disabled={submitting} onClick={give}>
          {submitting ? '正在送出…' : '送出'}
        </Button>
        {gift && <GiftOutcome gift={gift} />}
      </View>
      <Text className='muted'>每天最多送 3 次，每周 5 次，每月 10 次；不能送给自己。</Text>
    </View>
  );
}
