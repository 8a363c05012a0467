import { Button, Input, Text, View } from '@tarojs/components';
import { formatMb, type GrabResult, type RedPacket } from '@liuliang/shared';
import { useCallback, useEffect, useReducer, useState } from 'react';
import { ApiError } from '../../api/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { checkPassphrase } from '../../forms/validation';
import { useSubmission } from '../../hooks/useSubmission';
import { followPacket } from '../../live/live';
import { packetPagePath } from '../../navigation';
import { failureMessage, useSignedIn } from '../../session/guard';
import { useServices } from '../../services';
import { GrabList } from './GrabList';
import { SharePanel } from './SharePanel';
import { TipPanel } from '../../components/TipPanel';
import { initialPacketState, packetReducer } from './packetState';

/** Answers after which the packet on screen is stale: reload it to show why. */
const STALE_PACKET_CODES = new Set(['SOLD_OUT', 'EXPIRED', 'ALREADY_GRABBED']);

function PacketHeader({ packet }: { packet: RedPacket }) {
  const grabbedCount = packet.count - packet.remainingCount;
  const grabbedMb = packet.totalMb - packet.remainingMb;
  return (
    <View className='packet-header'>
      <Text className='packet-sender' data-testid='packet-sender'>{`${packet.senderNickname} 的红包`}</Text>
      <Text className='packet-greeting' data-testid='packet-greeting'>
        {packet.greeting || '恭喜发财，大吉大利'}
      </Text>
      <Text className='packet-tags'>
        {packet.mode === 'random' ? '拼手气红包' : '普通红包'}
        {packet.hasPassphrase ? ' · 口令红包' : ''}
      </Text>
      <Text className='packet-progress' data-testid='packet-progress'>
        {`已领取 ${grabbedCount}/${packet.count} 个，共 ${formatMb(grabbedMb)}/${formatMb(packet.totalMb)}`}
      </Text>
    </View>
  );
}

/** One packet: what is left, who grabbed what, live; the grab button; the link to share. */
export function PacketView({ packetId }: { packetId: string }) {
  const { api, session, connectLive } = useServices();
  const returnPath = packetPagePath(packetId);
  const signedIn = useSignedIn(returnPath);
  const [state, dispatch] = useReducer(packetReducer, initialPacketState);
  const [error, setError] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [myGrab, setMyGrab] = useState<GrabResult | null>(null);
  const { submitting, submit } = useSubmission();

  const reload = useCallback(() => {
    api.getRedPacket(packetId).then(
      (packet) => dispatch({ type: 'loaded', packet }),
      (failure: unknown) => setError(failureMessage(failure, returnPath)),
    );
  }, [api, packetId, returnPath]);

  useEffect(() => {
    const token = session.readToken();
    if (!signedIn || !token) return undefined;
    reload();
    const socket = connectLive(token);
    const stopFollowing = followPacket(socket, packetId, {
      grabbed: (event) => dispatch({ type: 'grabbed', event }),
      finished: (event) => dispatch({ type: 'finished', event }),
      expired: (event) => dispatch({ type: 'expired', event }),
      subscribed: (ack) => {
        if (ack.ok) reload();
      },
    });
    return () => {
      stopFollowing();
      socket.disconnect();
    };
  }, [signedIn, packetId, session, connectLive, reload]);

  const { packet } = state;
  if (!signedIn) return <View className='page' />;
  if (!packet) {
    return (
      <View className='page packet-page'>
        <ErrorMessage message={error} />
        {!error && <Text className='muted'>红包加载中…</Text>}
      </View>
    );
  }

  const me = session.readUser();
  const myShare = packet.grabs.find((grab) => grab.userId === me?.id);
  const myAmountMb = myGrab?.amountMb ?? myShare?.amountMb ?? null;

  async function grab() {
    const checked = checkPassphrase(passphrase);
    if (!checked.ok) return setError(checked.error);
    if (packet?.hasPassphrase && checked.value === undefined) return setError('这是口令红包，请先输入口令');
    setError(null);
    const request = checked.value === undefined ? {} : { passphrase: checked.value };
    try {
      setMyGrab(await submit({ packetId, ...request }, (key) => api.grabRedPacket(packetId, request, key)));
      reload();
    } catch (failure) {
      setError(failureMessage(failure, returnPath));
      if (failure instanceof ApiError && STALE_PACKET_CODES.has(failure.code)) reload();
    }
  }

  return (
    <View className='page packet-page'>
      <View className='packet-card'>
        <PacketHeader packet={packet} />
        {myAmountMb !== null && (
          <View className='packet-mine' data-testid='grab-result'>
            <Text className='packet-mine-label'>你抢到了</Text>
            <Text className='packet-mine-amount'>{formatMb(myAmountMb)}</Text>
            <Text className='packet-mine-label'>已存入你的流量钱包</Text>
          </View>
        )}
        <ErrorMessage message={error} />
        {myAmountMb === null && packet.status === 'open' && packet.remainingCount > 0 && (
          <View className='grab-panel'>
            {packet.hasPassphrase && (
              <Input
                className='input packet-passphrase'
                data-testid='passphrase-input'
                placeholder='输入口令抢红包'
                value={passphrase}
                onInput={(event) => setPassphrase(event.detail.value)}
              />
            )}
            <Button className='grab-button' data-testid='grab-button' disabled={submitting} onClick={grab}>
              {submitting ? '…' : '抢'}
            </Button>
          </View>
        )}
        {packet.status === 'finished' && (
          <Text className='packet-state' data-testid='packet-finished'>
            红包已被抢完
          </Text>
        )}
        {packet.status === 'open' && packet.remainingCount === 0 && (
          <Text className='packet-state'>红包已被抢完</Text>
        )}
        {packet.status === 'expired' && (
          <Text className='packet-state' data-testid='packet-expired'>
            {`红包已过期，未领取的 ${formatMb(state.refundedMb ?? packet.remainingMb)} 已退回给发红包的人`}
          </Text>
        )}
        {packet.status === 'finished' && packet.luckiest && (
          <View className='luckiest' data-testid='luckiest'>
            <Text>{`手气最佳：${packet.luckiest.nickname} ${formatMb(packet.luckiest.amountMb)}`}</Text>
          </View>
        )}
      </View>
      <GrabList packet={packet} />
      <TipPanel target={{ type: 'red_packet', id: packetId }} ownerId={packet.senderId} ownerNickname={packet.senderNickname} returnPath={returnPath} />
      <SharePanel packetId={packetId} />
    </View>
  );
}
