import { Button, Input, Text, View } from '@tarojs/components';
import { formatMb, type GrabResult, type RedPacket } from '@liuliang/shared';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { RedPacketCover } from '@liuliang/shared';
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
import { CoverFace, RoomOnlyNotice } from './PacketCover';
import { setLinkPreview } from './share';
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

/**
 * One packet: what is left, who grabbed what, live; the envelope's 开; the link to share.
 * `autoGrab`: the person tapped 登录领取 on the cover and has just signed in: open it for them.
 */
export function PacketView({ packetId, autoGrab = false }: { packetId: string; autoGrab?: boolean }) {
  const { api, session, connectLive } = useServices();
  const returnPath = packetPagePath(packetId);
  const signedIn = useSignedIn(returnPath);
  const [state, dispatch] = useReducer(packetReducer, initialPacketState);
  const [error, setError] = useState<string | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [myGrab, setMyGrab] = useState<GrabResult | null>(null);
  const { submitting, submit } = useSubmission();
  // A room packet this person is not a member of: its cover, and why there is nothing to tap.
  const [outsider, setOutsider] = useState<RedPacketCover | null>(null);
  const autoGrabbed = useRef(false);

  const reload = useCallback(() => {
    api.getRedPacket(packetId).then(
      (packet) => {
        dispatch({ type: 'loaded', packet });
        setLinkPreview(packet);
      },
      (failure: unknown) => {
        if (failure instanceof ApiError && failure.code === 'NOT_IN_ROOM') {
          api.getRedPacketCover(packetId).then(setOutsider, () => setError(failureMessage(failure, returnPath)));
          return;
        }
        setError(failureMessage(failure, returnPath));
      },
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
  const me = session.readUser();
  const myShare = packet?.grabs.find((grab) => grab.userId === me?.id);
  const myAmountMb = myGrab?.amountMb ?? myShare?.amountMb ?? null;
  const canOpen = packet !== null && myAmountMb === null && packet.status === 'open' && packet.remainingCount > 0;

  useEffect(() => {
    // Once: straight from 登录领取 to the grab, unless a passphrase has to be said first.
    if (!autoGrab || autoGrabbed.current || !packet || !canOpen || packet.hasPassphrase) return;
    autoGrabbed.current = true;
    void grab();
  });

  if (!signedIn) return <View />;
  if (outsider) {
    return (
      <View className='packet-card'>
        <CoverFace cover={outsider} />
        <RoomOnlyNotice member='no' />
      </View>
    );
  }
  if (!packet) {
    return (
      <View className='packet-body'>
        <ErrorMessage message={error} />
        {!error && <Text className='muted'>红包加载中…</Text>}
      </View>
    );
  }

  async function grab() {
    if (!packet) return;
    const checked = checkPassphrase(passphrase);
    if (!checked.ok) return setError(checked.error);
    if (packet.hasPassphrase && checked.value === undefined) return setError('这是口令红包，请先输入口令');
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
    <View className='packet-body'>
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
        {canOpen && (
          <View className='grab-panel'>
            {packet.passphrase && (
              <Text className='packet-tags' data-testid='passphrase-shown' onClick={() => setPassphrase(packet.passphrase ?? '')}>
                {`口令：「${packet.passphrase}」 点这里填入`}
              </Text>
            )}
            {packet.hasPassphrase && (
              <Input
                className='input packet-passphrase'
                data-testid='passphrase-input'
                placeholder='输入口令抢红包'
                value={passphrase}
                onInput={(event) => setPassphrase(event.detail.value)}
              />
            )}
            {/* The envelope's 开: it turns while the share is drawn, then the amount appears. */}
            <Button className={`open-button${submitting ? ' opening' : ''}`} data-testid='grab-button' disabled={submitting} onClick={grab}>
              开
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
      {/* A sponsor's rain packet has nobody behind it to tip. */}
      {packet.senderId !== null && <TipPanel target={{ type: 'red_packet', id: packetId }} ownerId={packet.senderId} ownerNickname={packet.senderNickname} returnPath={returnPath} />}
      {packet.roomId === null && <SharePanel packet={packet} />}
    </View>
  );
}
