import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { formatMb } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AmountPresets, insufficientSentence } from '../../frame/AmountPresets';
import { Page } from '../../frame/Page';
import { TextField } from '../../components/TextField';
import { useLimits } from '../../hooks/useLimits';
import { useSubmission } from '../../hooks/useSubmission';
import { PAGES, packetPagePath } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { packetRequestFrom, packetTotalMb, type PacketMode } from './packetForm';

const MODE_LABELS: Record<PacketMode, string> = { random: '拼手气红包', equal: '普通红包' };
const DEFAULT_GREETING = '恭喜发财，大吉大利';

/** Send a red packet shared by link (SPEC §3.3); the packet's own page follows. */
export default function SendPacketPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.sendPacket);
  const { redPacket: packetLimits } = useLimits();
  const [mode, setMode] = useState<PacketMode>('random');
  const [amountText, setAmountText] = useState('');
  const [countText, setCountText] = useState('');
  const [greeting, setGreeting] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { submitting, submit } = useSubmission();
  const [availableMb, setAvailableMb] = useState<number | null>(null);

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

  const form = { mode, amountText, countText, greeting: greeting || DEFAULT_GREETING, passphrase };
  const totalMb = packetTotalMb(form);

  async function send() {
    const checked = packetRequestFrom(form, packetLimits);
    if (!checked.ok) return setError(checked.error);
    if (availableMb !== null && totalMb !== null && totalMb > availableMb) return setError(insufficientSentence(availableMb));
    setError(null);
    try {
      const packet = await submit(checked.value, (key) => api.sendRedPacket(checked.value, key));
      void Taro.redirectTo({ url: packetPagePath(packet.id) });
    } catch (failure) {
      setError(failureMessage(failure, PAGES.sendPacket, { INSUFFICIENT_BALANCE: insufficientSentence(availableMb) }));
    }
  }

  if (!signedIn) return <View className='page' />;

  return (
    <Page title='发红包'>
      <View className='segmented'>
        {(Object.keys(MODE_LABELS) as PacketMode[]).map((option) => (
          <View
            key={option}
            className={option === mode ? 'segment segment-active' : 'segment'}
            data-testid={`mode-${option}`}
            onClick={() => {
              setMode(option);
              setError(null);
            }}
          >
            <Text>{MODE_LABELS[option]}</Text>
          </View>
        ))}
      </View>
      <View className='card'>
        <Text className='muted' data-testid='available-balance'>
          {availableMb === null ? '可用余额加载中…' : `可用余额 ${formatMb(availableMb)}`}
        </Text>
        <ErrorMessage message={error} />
        <TextField
          label={mode === 'random' ? '总流量（MB）' : '每个红包（MB）'}
          testId='packet-amount-input'
          numeric
          placeholder={mode === 'random' ? '大家拼手气分这么多' : '每人都拿这么多'}
          value={amountText}
          onChange={edit(setAmountText)}
        >
          <AmountPresets testIdPrefix='packet-preset' onPick={(amountMb) => edit(setAmountText)(String(amountMb))} />
        </TextField>
        <TextField label='红包个数' testId='packet-count-input' numeric placeholder='1 – 200 个' value={countText} onChange={edit(setCountText)} />
        <TextField
          label='祝福语（选填）'
          testId='packet-greeting-input'
          placeholder={DEFAULT_GREETING}
          maxLength={packetLimits.greetingMaxChars}
          value={greeting}
          onChange={edit(setGreeting)}
        />
        <TextField
          label='口令（选填）'
          testId='packet-passphrase-input'
          placeholder='设置后，朋友要输入口令才能抢'
          maxLength={packetLimits.passphraseMaxChars}
          value={passphrase}
          onChange={edit(setPassphrase)}
        />
        <Text className='packet-total' data-testid='packet-total'>
          {totalMb === null ? '共 0 MB' : `共 ${formatMb(totalMb)}`}
        </Text>
        <Button className='btn-primary' data-testid='send-packet-button' disabled={submitting} onClick={send}>
          {submitting ? '正在塞进红包…' : '塞进红包'}
        </Button>
      </View>
      <Text className='muted'>红包 24 小时内有效，没抢完的流量会自动退回你的钱包。</Text>
    </Page>
  );
}
