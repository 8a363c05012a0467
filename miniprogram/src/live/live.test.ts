import { FakeLiveSocket, aPacket } from '../../test/fakes';
import { followPacket } from './live';
import { eventsBetween } from './pollingLive';

describe('followPacket', () => {
  function follower() {
    return { grabbed: jest.fn(), finished: jest.fn(), expired: jest.fn(), subscribed: jest.fn() };
  }

  it('subscribes, passes on only this packet’s events, and stops cleanly', () => {
    const socket = new FakeLiveSocket();
    const handlers = follower();
    const stop = followPacket(socket, 'p-1', handlers);
    expect(handlers.subscribed).toHaveBeenCalledWith({ ok: true });

    socket.serverSends('expired', { packetId: 'p-2', refundedMb: 5 });
    socket.serverSends('expired', { packetId: 'p-1', refundedMb: 7 });
    expect(handlers.expired).toHaveBeenCalledTimes(1);
    expect(handlers.expired).toHaveBeenCalledWith({ packetId: 'p-1', refundedMb: 7 });

    stop();
    socket.serverSends('expired', { packetId: 'p-1', refundedMb: 7 });
    expect(handlers.expired).toHaveBeenCalledTimes(1);
    expect(socket.emitted.at(-1)).toEqual({ event: 'unsubscribe', args: [{ packetId: 'p-1' }] });
  });

  it('subscribes again after a reconnect, since the new connection has joined no room', () => {
    const socket = new FakeLiveSocket();
    socket.connected = false;
    const handlers = follower();
    followPacket(socket, 'p-1', handlers);
    expect(socket.emitted).toHaveLength(0);
    socket.connected = true;
    socket.serverSends('connect');
    socket.serverSends('connect');
    expect(socket.emitted.filter((sent) => sent.event === 'subscribe')).toHaveLength(2);
    expect(handlers.subscribed).toHaveBeenCalledTimes(2);
  });
});

describe('eventsBetween (weapp polling)', () => {
  it('derives grabbed and finished events from two snapshots', () => {
    const before = aPacket({ count: 1, totalMb: 100, remainingCount: 1, remainingMb: 100 });
    const after = aPacket({
      count: 1,
      totalMb: 100,
      remainingCount: 0,
      remainingMb: 0,
      status: 'finished',
      grabs: [{ userId: 'u-1', nickname: '王五', avatarUrl: null, amountMb: 100, at: '2025-11-26T04:00:00.000Z' }],
      luckiest: { userId: 'u-1', nickname: '王五', amountMb: 100 },
    });
    expect(eventsBetween(before, after)).toEqual([
      { name: 'grabbed', payload: { packetId: 'p-1', userId: 'u-1', nickname: '王五', amountMb: 100, at: '2025-11-26T04:00:00.000Z', remainingCount: 0, remainingMb: 0 } },
      { name: 'finished', payload: { packetId: 'p-1', luckiest: { userId: 'u-1', nickname: '王五', amountMb: 100 } } },
    ]);
  });

  it('derives the expiry with what was left', () => {
    expect(eventsBetween(aPacket(), aPacket({ status: 'expired' }))).toEqual([{ name: 'expired', payload: { packetId: 'p-1', refundedMb: 300 } }]);
  });
});
