import { Button, Text, View } from '@tarojs/components';
import type { RedPacketCover } from '@liuliang/shared';
import { useEffect, useState } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { describeFailure } from '../../api/errors';
import { Avatar } from '../../frame/Avatar';
import { goToSignIn, packetPagePath } from '../../navigation';
import { useServices } from '../../services';
import { setLinkPreview } from './share';

const CLOSED_WORDS: Record<Exclude<RedPacketCover['status'], 'open'>, { text: string; testId: string }> = {
  finished: { text: '红包已被抢完', testId: 'packet-finished' },
  expired: { text: '红包已过期', testId: 'packet-expired' },
};

/** The envelope's face: who sent it, the greeting, the kind; what a link shows before anything else. */
export function CoverFace({ cover }: { cover: RedPacketCover }) {
  return (
    <View className='packet-header' data-testid='packet-cover'>
      <Avatar nickname={cover.senderNickname} url={cover.senderAvatarUrl} size='large' />
      <Text className='packet-sender' data-testid='packet-sender'>{`${cover.senderNickname} 的红包`}</Text>
      <Text className='packet-greeting' data-testid='packet-greeting'>
        {cover.greeting || '恭喜发财，大吉大利'}
      </Text>
      <Text className='packet-tags' data-testid='packet-kind'>
        {cover.mode === 'random' ? '拼手气红包' : '普通红包'}
        {cover.hasPassphrase ? ' · 口令红包' : ''}
      </Text>
    </View>
  );
}

/** Words for a room packet: before sign-in, who may grab it; signed in outside the room, that this person may not. Said before any tap. */
export function RoomOnlyNotice({ member }: { member: 'unknown' | 'no' }) {
  return (
    <View className='notice' data-testid='room-only'>
      <Text>
        {member === 'no' ? '这是群红包，只有群里的成员能抢。你不在这个群里，可以请发红包的朋友单独给你发一个。' : '这是群红包，只有群里的成员能抢：群成员登录后即可领取。'}
      </Text>
    </View>
  );
}

/**
 * A signed-out friend who opens a link: the cover, then 登录领取; after signing in they come
 * back to this packet with `grab=1`, and the grab starts at once.
 */
export function PacketCover({ packetId }: { packetId: string }) {
  const { api } = useServices();
  const [cover, setCover] = useState<RedPacketCover | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.getRedPacketCover(packetId).then(
      (loaded) => {
        setCover(loaded);
        setLinkPreview(loaded);
      },
      (failure: unknown) => setError(describeFailure(failure, { NOT_FOUND: '找不到这个红包，链接可能不完整' })),
    );
  }, [api, packetId]);

  const closed = cover && cover.status !== 'open' ? CLOSED_WORDS[cover.status] : null;
  return (
    <View className='packet-card'>
      <ErrorMessage message={error} />
      {!cover && !error && <Text>红包加载中…</Text>}
      {cover && <CoverFace cover={cover} />}
      {cover?.roomPacket && <RoomOnlyNotice member='unknown' />}
      {closed && (
        <Text className='packet-state' data-testid={closed.testId}>
          {closed.text}
        </Text>
      )}
      {cover && (
        <Button className='btn-primary' data-testid='sign-in-to-grab' onClick={() => goToSignIn(`${packetPagePath(packetId)}${closed ? '' : '&grab=1'}`)}>
          {closed ? '登录查看领取详情' : '登录领取'}
        </Button>
      )}
    </View>
  );
}
