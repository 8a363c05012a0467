import { Button, Text, View } from '@tarojs/components';
import { formatMb, type ShareGroup, type ShareGroupMember } from '@liuliang/shared';

interface MemberListProps {
  group: ShareGroup;
  viewerId: string | null;
  /** Present for the owner: removes a member (by user id, or by memberId while pending). */
  onRemove?: (member: ShareGroupMember) => void;
  removing: boolean;
}

function memberName(member: ShareGroupMember, viewerId: string | null): string {
  const name = member.nickname ?? member.phone;
  const tags = [member.isOwner ? '户主' : null, member.userId !== null && member.userId === viewerId ? '我' : null].filter((tag) => tag !== null);
  return tags.length === 0 ? name : `${name}（${tags.join('，')}）`;
}

/** Who is in the family and what each drew this month, against the quota. */
export function MemberList({ group, viewerId, onRemove, removing }: MemberListProps) {
  return (
    <View className='card'>
      <Text className='card-title'>{`成员（${group.members.length}/${group.maxMembers}）`}</Text>
      {group.members.map((member) => (
        <View className='row' key={member.memberId} data-testid='family-member'>
          <View>
            <Text className='history-story'>{memberName(member, viewerId)}</Text>
            <Text className='muted'>
              {member.status === 'pending' ? `${member.phone} 还没注册，登录后自动加入` : `本月已领 ${formatMb(member.drawnThisMonthMb)} / ${formatMb(group.monthlyQuotaMb)}`}
            </Text>
          </View>
          {onRemove && !member.isOwner && (
            <Button className='btn-plain' data-testid='family-remove' disabled={removing} onClick={() => onRemove(member)}>
              移出
            </Button>
          )}
        </View>
      ))}
    </View>
  );
}
