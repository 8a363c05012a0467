import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { maskPhone, type User } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { Avatar } from '../../frame/Avatar';
import { checkNickname, planLabel } from '../../frame/names';
import { Page, TabBadge } from '../../frame/Page';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { useNotices } from '../../wallet/useNotices';
import { AvatarPicker } from './AvatarPicker';
import { MessageSettings } from './MessageSettings';

function LinkRow({ label, testId, url, badge = 0 }: { label: string; testId: string; url: string; badge?: number }) {
  return (
    <View className='list-row' data-testid={testId} onClick={() => Taro.navigateTo({ url })}>
      <Text className='list-row-main'>{label}</Text>
      <TabBadge count={badge} testId={`${testId}-badge`} />
      <Text className='chevron'>›</Text>
    </View>
  );
}

/** 我的: name and face (editable), the plan's carrier and province, records, agreements, sign-out. */
export default function MePage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.me);
  const [user, setUser] = useState<User | null>(session.readUser());
  const [editing, setEditing] = useState(false);
  const [nickname, setNickname] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { unread } = useNotices(PAGES.me);

  useDidShow(() => {
    if (!session.readToken()) return;
    api.getMe().then(
      (me) => {
        setUser(me);
        session.save({ token: session.readToken() ?? '', user: me });
      },
      (failure: unknown) => setError(failureMessage(failure, PAGES.me)),
    );
  });

  if (!signedIn) return <View className='page' />;

  function remember(changed: User) {
    setUser(changed);
    session.save({ token: session.readToken() ?? '', user: changed });
  }

  async function saveNickname() {
    const checked = checkNickname(nickname);
    if (!checked.ok) return setError(checked.error);
    setSaving(true);
    try {
      remember(await api.rename(checked.value));
      setEditing(false);
      setError(null);
      void Taro.showToast({ title: '昵称已保存', icon: 'none' });
    } catch (failure) {
      setError(failureMessage(failure, PAGES.me));
    } finally {
      setSaving(false);
    }
  }

  async function signOut() {
    const answer = await Taro.showModal({ title: '退出登录', content: '确定退出登录吗？退出后需要重新用验证码登录。', confirmText: '退出', cancelText: '取消' });
    if (!answer.confirm) return;
    // The service forgets the session too (a copied token stops working); the device forgets it
    // whatever the answer, so signing out works offline.
    void api.logout().catch(() => undefined);
    session.clear();
    void Taro.reLaunch({ url: PAGES.login });
  }

  return (
    <Page title='我的' tab='me' badges={{ me: unread }}>
      <View className='card'>
        {user && (
          <View className='profile-head'>
            <Avatar nickname={user.nickname} url={user.avatarUrl} size='large' />
            <View>
              <Text className='profile-name' data-testid='profile-nickname'>
                {user.nickname}
              </Text>
              <Text className='muted'>{maskPhone(user.phone)}</Text>
            </View>
          </View>
        )}
        <ErrorMessage message={error} />
        {user && <AvatarPicker user={user} onChanged={remember} onError={setError} />}
        {editing ? (
          <View className='nickname-form'>
            <TextField
              label='昵称（朋友在红包和记录里看到的名字）'
              testId='nickname-input'
              maxLength={20}
              placeholder='1–20 个字'
              value={nickname}
              onChange={(value) => {
                setNickname(value);
                setError(null);
              }}
            />
            <View className='field-row'>
              <Button className='btn-plain' data-testid='nickname-cancel' onClick={() => setEditing(false)}>
                取消
              </Button>
              <Button className='btn-primary' data-testid='nickname-save' disabled={saving} onClick={saveNickname}>
                {saving ? '保存中…' : '保存'}
              </Button>
            </View>
          </View>
        ) : (
          <Button
            className='btn-link'
            data-testid='edit-nickname'
            onClick={() => {
              setNickname(user?.nickname ?? '');
              setEditing(true);
            }}
          >
            修改昵称
          </Button>
        )}
      </View>
      {user && (
        <View className='card' data-testid='plan-card'>
          <Text className='card-title'>我的套餐</Text>
          <Text data-testid='plan-label'>{planLabel(user)}</Text>
          <LinkRow label='转存套餐流量' testId='go-storage' url={PAGES.storage} />
          <LinkRow label='流量充值到手机' testId='go-cashout' url={PAGES.cashout} />
        </View>
      )}
      <MessageSettings />
      <View className='card'>
        <LinkRow label='消息' testId='go-messages' url={PAGES.messages} badge={unread} />
        <LinkRow label='流量明细（每一批的过期时间）' testId='go-lots' url={PAGES.lots} />
        <LinkRow label='红包记录' testId='go-packets' url={PAGES.packets} />
        <LinkRow label='兑换卡密' testId='go-redeem' url={PAGES.redeem} />
        <LinkRow label='《用户协议》' testId='go-terms' url={`${PAGES.terms}?doc=terms`} />
        <LinkRow label='《隐私政策》' testId='go-privacy' url={`${PAGES.terms}?doc=privacy`} />
      </View>
      <Button className='btn-link' data-testid='sign-out' onClick={signOut}>
        退出登录
      </Button>
    </Page>
  );
}
