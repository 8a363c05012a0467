import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { maskPhone } from '@liuliang/shared';
import { useState } from 'react';
import { describeFailure } from '../../api/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { checkPhone, checkSmsCode } from '../../forms/validation';
import { useCountdown } from '../../hooks/useCountdown';
import { PAGES, safeReturnPath } from '../../navigation';
import { useLimits } from '../../hooks/useLimits';
import { useServices } from '../../services';

type Busy = 'sending-code' | 'signing-in' | null;

/** Sign in with phone and SMS code; the first sign-in registers and collects waiting gifts. */
export default function LoginPage() {
  const { api, session } = useServices();
  const resendSeconds = useLimits().smsCode.resendSeconds;
  const router = useRouter();
  const returnTo = safeReturnPath(router.params.redirect) ?? PAGES.home;
  // A friend's invite link (SPEC §3.9): a first sign-up with it rewards the friend.
  const invite = /^[0-9a-z]{1,32}$/.test(router.params.invite ?? '') ? router.params.invite : undefined;
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  // App stores require agreeing to 《用户协议》 and 《隐私政策》 before an account is made.
  const [agreed, setAgreed] = useState(false);
  const resend = useCountdown();

  async function sendCode() {
    const checkedPhone = checkPhone(phone);
    if (!checkedPhone.ok) return setError(checkedPhone.error);
    setError(null);
    setBusy('sending-code');
    try {
      const answer = await api.requestSmsCode(checkedPhone.value);
      resend.start(answer.resendAfterSeconds > 0 ? answer.resendAfterSeconds : resendSeconds);
      setNotice(`验证码已发送到 ${maskPhone(checkedPhone.value)}，5 分钟内有效`);
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(null);
    }
  }

  async function signIn() {
    const checkedPhone = checkPhone(phone);
    if (!checkedPhone.ok) return setError(checkedPhone.error);
    const checkedCode = checkSmsCode(code);
    if (!checkedCode.ok) return setError(checkedCode.error);
    if (!agreed) return setError('请先阅读并同意《用户协议》和《隐私政策》');
    setError(null);
    setBusy('signing-in');
    try {
      const { token, refreshToken, user } = await api.login({ phone: checkedPhone.value, code: checkedCode.value, ...(invite ? { invite } : {}) });
      session.save({ token, refreshToken, user });
      void Taro.redirectTo({ url: returnTo });
    } catch (failure) {
      setError(describeFailure(failure));
      setBusy(null);
    }
  }

  const codeButtonText = resend.secondsLeft > 0 ? `${resend.secondsLeft} 秒后重发` : '获取验证码';

  return (
    <View className='page'>
      <View className='login-header'>
        <Text className='login-title'>流量钱包</Text>
        <Text className='login-subtitle'>转存、转赠、抢红包，流量不再过期浪费</Text>
      </View>
      <View className='card'>
        <ErrorMessage message={error} />
        <TextField label='手机号' testId='phone-input' numeric maxLength={11} placeholder='请输入手机号' value={phone} onChange={(value) => {
          setPhone(value);
          setError(null);
        }} />
        <View className='field'>
          <Text className='field-label'>验证码</Text>
          <View className='field-row'>
            <Input
              className='input'
              data-testid='code-input'
              type='number'
              maxlength={6}
              placeholder='6 位数字'
              value={code}
              onInput={(event) => {
                setCode(event.detail.value);
                setError(null);
              }}
            />
            <Button
              className='btn-plain'
              data-testid='send-code-button'
              disabled={busy !== null || resend.secondsLeft > 0}
              onClick={sendCode}
            >
              {busy === 'sending-code' ? '发送中…' : codeButtonText}
            </Button>
          </View>
        </View>
        <View className='consent'>
          <Text
            className='consent-box'
            data-testid='consent-box'
            data-checked={agreed ? 'true' : 'false'}
            onClick={() => {
              setAgreed(!agreed);
              setError(null);
            }}
          >
            {agreed ? '✓' : ''}
          </Text>
          <Text>
            我已阅读并同意
            <Text className='link' data-testid='open-terms' onClick={() => Taro.navigateTo({ url: `${PAGES.terms}?doc=terms` })}>
              《用户协议》
            </Text>
            和
            <Text className='link' data-testid='open-privacy' onClick={() => Taro.navigateTo({ url: `${PAGES.terms}?doc=privacy` })}>
              《隐私政策》
            </Text>
          </Text>
        </View>
        <Button className='btn-primary' data-testid='login-button' disabled={busy !== null} onClick={signIn}>
          {busy === 'signing-in' ? '登录中…' : '登录'}
        </Button>
        {notice && (
          <View className='notice notice-success' data-testid='code-sent'>
            <Text>{notice}</Text>
          </View>
        )}
      </View>
      <Text className='muted'>未注册的手机号登录后自动注册，好友送你的流量会一并到账。</Text>
    </View>
  );
}
