import { Button, Text, View } from '@tarojs/components';
import { useDidShow } from '@tarojs/taro';
import { formatMb, type ShareGroup, type ShareGroupMember } from '@liuliang/shared';
import { useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { checkPhone } from '../../forms/validation';
import { PAGES } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { CreateGroup } from './CreateGroup';
import { MemberList } from './MemberList';
import { CloseGroup } from './CloseGroup';
import { PoolMove } from './PoolMove';

/** Family share groups (SPEC §3.6): the owner runs the pool and the members; everyone draws within the monthly quota. */
export default function FamilyPage() {
  const { api, session } = useServices();
  const signedIn = useSignedIn(PAGES.family);
  // undefined while loading; null when the person is in no group.
  const [group, setGroup] = useState<ShareGroup | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [changingMembers, setChangingMembers] = useState(false);
  const viewerId = session.readUser()?.id ?? null;

  useDidShow(() => {
    if (!session.readToken()) return;
    api.listShareGroups().then(
      (page) => setGroup(page.items[0] ?? null),
      (failure: unknown) => setError(failureMessage(failure, PAGES.family)),
    );
  });

  if (!signedIn) return <View className='page' />;

  const showFailure = (failure: unknown) => {
    setNotice(null);
    setError(failureMessage(failure, PAGES.family));
  };
  const showError = (message: string) => {
    setNotice(null);
    setError(message);
  };
  const changed = (next: ShareGroup, message: string) => {
    setGroup(next);
    setError(null);
    setNotice(message);
  };

  async function changeMembers(change: () => Promise<ShareGroup>, message: string) {
    setChangingMembers(true);
    try {
      changed(await change(), message);
    } catch (failure) {
      showFailure(failure);
    } finally {
      setChangingMembers(false);
    }
  }

  async function addMember(current: ShareGroup) {
    const checked = checkPhone(phone);
    if (!checked.ok) return showError(checked.error);
    await changeMembers(() => api.addShareGroupMember(current.id, checked.value), '已添加；还没注册的号码用这个手机号登录后会自动加入。');
    setPhone('');
  }

  function removeMember(current: ShareGroup, member: ShareGroupMember) {
    // A pending number has no user id yet: it is named by its membership.
    void changeMembers(() => api.removeShareGroupMember(current.id, member.userId ?? member.memberId), `已把 ${member.nickname ?? member.phone} 移出家庭组。`);
  }

  if (group === undefined) {
    return (
      <View className='page'>
        <ErrorMessage message={error} />
        <Text className='muted'>加载中…</Text>
      </View>
    );
  }
  if (group === null || group.status === 'closed') {
    return (
      <View className='page'>
        <ErrorMessage message={error} />
        {notice && (
          <View className='notice notice-success' data-testid='family-notice'>
            <Text>{notice}</Text>
          </View>
        )}
        <CreateGroup onCreated={(created) => changed(created, '家庭组已创建，现在可以添加家人、往流量池存流量了。')} />
      </View>
    );
  }

  const isOwner = group.ownerId === viewerId;
  const me = group.members.find((member) => member.userId !== null && member.userId === viewerId);
  const quotaLeftMb = Math.max(0, group.monthlyQuotaMb - (me?.drawnThisMonthMb ?? 0));
  const drawableMb = Math.min(quotaLeftMb, group.poolMb);

  return (
    <View className='page'>
      <ErrorMessage message={error} />
      <View className='card hero'>
        <Text className='hero-label'>{`家庭共享「${group.name}」`}</Text>
        <Text className='hero-amount' data-testid='family-pool'>
          {formatMb(group.poolMb)}
        </Text>
        <Text className='hero-note' data-testid='family-quota'>{`每人每月可领 ${formatMb(group.monthlyQuotaMb)}，你本月还能领 ${formatMb(quotaLeftMb)}`}</Text>
      </View>
      {notice && (
        <View className='notice notice-success' data-testid='family-notice'>
          <Text>{notice}</Text>
        </View>
      )}

      <View className='card'>
        <PoolMove
          group={group}
          kind='draw'
          maxMb={drawableMb}
          hint={drawableMb > 0 ? `最多 ${formatMb(drawableMb)}` : '现在没有可以领的流量'}
          onMoved={(next) => changed(next, '已领取到你的钱包。')}
          onFailed={showFailure}
          onError={showError}
        />
      </View>

      <MemberList group={group} viewerId={viewerId} removing={changingMembers} {...(isOwner ? { onRemove: (member: ShareGroupMember) => removeMember(group, member) } : {})} />

      {isOwner && (
        <View className='card'>
          <Text className='card-title'>管理（户主）</Text>
          <TextField label='添加家人的手机号' testId='family-phone-input' numeric maxLength={11} placeholder='没注册也能加，TA 登录后自动加入' value={phone} onChange={setPhone} />
          <Button className='btn-plain' data-testid='family-add-button' disabled={changingMembers} onClick={() => void addMember(group)}>
            添加成员
          </Button>
          <PoolMove group={group} kind='fund' hint='从你的钱包存入' onMoved={(next) => changed(next, '已存入流量池。')} onFailed={showFailure} onError={showError} />
          <PoolMove
            group={group}
            kind='reclaim'
            maxMb={group.poolMb}
            hint={`流量池里有 ${formatMb(group.poolMb)}`}
            onMoved={(next) => changed(next, '已取回到你的钱包。')}
            onFailed={showFailure}
            onError={showError}
          />
          <CloseGroup group={group} onClosed={(closed) => changed(closed, `家庭组已解散，流量池里的 ${formatMb(group.poolMb)} 已退回你的钱包。`)} onFailed={showFailure} />
        </View>
      )}
    </View>
  );
}
