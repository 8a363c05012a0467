import { Switch, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PAGES } from '../../navigation';
import { failureMessage } from '../../session/guard';
import { useServices } from '../../services';

/**
 * Activity messages on or off (SPEC §3.9 opt-out), the same switch as replying TD to an SMS or
 * 退订 to the bot. Sign-in codes, gift notices and receipts are not activity messages: they always arrive.
 */
export function MessageSettings() {
  const { api } = useServices();
  const [on, setOn] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    api.getMessageSettings().then(
      (settings) => current && setOn(settings.activityMessages),
      (failure) => current && setError(failureMessage(failure, PAGES.me)),
    );
    return () => {
      current = false;
    };
  }, [api]);

  async function change(activityMessages: boolean) {
    setSaving(true);
    try {
      setOn((await api.setMessageSettings({ activityMessages })).activityMessages);
      setError(null);
    } catch (failure) {
      setError(failureMessage(failure, PAGES.me));
    } finally {
      setSaving(false);
    }
  }

  return (
    <View className='card' data-testid='message-settings'>
      <Text className='card-title'>消息设置</Text>
      <ErrorMessage message={error} />
      <View className='list-row'>
        <Text className='list-row-main'>接收活动消息（赞助商的中奖、提醒、群发）</Text>
        {on !== null && <Switch checked={on} disabled={saving} data-testid='activity-messages-switch' onChange={(event) => void change(event.detail.value)} />}
      </View>
      <Text className='muted'>验证码、转赠和到账通知不受影响。也可以回复短信 TD 或对机器人说「退订」。</Text>
    </View>
  );
}
