import { Button, Text, View } from '@tarojs/components';
import { formatMb, readCouponCode, type CouponRedeemResult } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { Page } from '../../frame/Page';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';

/** What the page says of a code before it is sent: shared's reader, so the page and the service agree. */
export function checkCouponInput(input: string): { ok: true; code: string } | { ok: false; error: string } {
  if (input.trim() === '') return { ok: false, error: '请填写卡密' };
  const reading = readCouponCode(input);
  if (reading.ok) return reading;
  // A mistyped character is caught here, before it counts as a wrong code at the service.
  return { ok: false, error: reading.reason === 'check' ? '卡密好像有字符输错了，请核对后再试' : '卡密是 17 位字母和数字，请核对后再试' };
}

/** 兑换卡密 (SPEC §3.8): a sponsor's coupon code into the wallet. Whoever holds the code first redeems it. */
export default function RedeemPage() {
  const { api } = useServices();
  const signedIn = useSignedIn(PAGES.redeem);
  const [codeText, setCodeText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [redeemed, setRedeemed] = useState<CouponRedeemResult | null>(null);
  const { submitting, submit } = useSubmission();

  async function redeem() {
    const checked = checkCouponInput(codeText);
    if (!checked.ok) return setError(checked.error);
    setError(null);
    setRedeemed(null);
    try {
      setRedeemed(await submit({ code: checked.code }, (key) => api.redeemCoupon(checked.code, key)));
      setCodeText('');
    } catch (failure) {
      setError(failureMessage(failure, PAGES.redeem, { EXPIRED: '这张卡密已经过期了', RATE_LIMITED: '卡密输错太多次了，请 10 分钟后再试' }));
    }
  }

  if (!signedIn) return <View className='page' />;
  return (
    <Page title='兑换卡密'>
      <View className='card'>
        <ErrorMessage message={error} />
        <TextField
          label='卡密'
          testId='coupon-code-input'
          placeholder='例如 ABCD-EFGH-JKMN-PQRST'
          maxLength={64}
          value={codeText}
          onChange={(value) => {
            setCodeText(value);
            setError(null);
          }}
        >
          <Text className='muted'>大小写都可以，短横线和空格可以不写。卡密谁先兑换归谁，请不要随意给别人看。</Text>
        </TextField>
        <Button className='btn-primary' data-testid='redeem-button' disabled={submitting} onClick={redeem}>
          {submitting ? '兑换中…' : '兑换'}
        </Button>
      </View>
      {redeemed && (
        <View className='notice notice-success' data-testid='redeem-result'>
          <Text>{`兑换成功！${formatMb(redeemed.amountMb)} 已存入钱包（${redeemed.title}${redeemed.sponsor ? `，${redeemed.sponsor} 赞助` : ''}）`}</Text>
        </View>
      )}
    </Page>
  );
}
