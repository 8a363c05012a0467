import { EventEmitter } from 'node:events';
import type { RedPacket } from '@liuliang/shared';
import { silentLogger } from '../logger';
import { LiveReporter, type LiveSocket } from './reporter';

/** Just enough of a socket.io client socket: events in, subscriptions out. */
class FakeSocket extends EventEmitter {
  connected = true;
  readonly subscribed: string[] = [];
  timeout(): { emitWithAck: (event: string, request: { packetId: string }) => Promise<{ ok: boolean }> } {
    return {
      emitWithAck: async (_event, request) => {
        this.subscribed.push(request.packetId);
        return { ok: true };
      },
    };
  }
  disconnect(): void {
    this.connected = false;
  }
}

const packet: RedPacket = {
  id: 'p1',
  mode: 'random',
  status: 'open',
  senderId: 'u0',
  senderNickname: '小明',
  greeting: null,
  hasPassphrase: false,
  roomId: 'r@chatroom',
  count: 3,
  totalMb: 30,
  remainingCount: 3,
  remainingMb: 30,
  expiresAt: '2099-01-01T00:00:00.000Z',
  grabs: [],
  luckiest: null,
};

const grabbed = (userId: string, nickname: string, amountMb: number, remainingCount: number) => ({
  packetId: 'p1',
  userId,
  nickname,
  amountMb,
  remainingCount,
  remainingMb: 0,
  at: '2025-01-01T00:00:00.000Z',
});

describe('LiveReporter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports grabs at a steady pace, then the luckiest grabber in one last message', async () => {
    const said: string[] = [];
    const socket = new FakeSocket();
    const reporter = new LiveReporter({
      serviceUrl: 'http://service.test',
      botToken: 't',
      summaryIntervalMs: 5000,
      now: () => Date.now(),
      say: async (_roomId, text) => void said.push(text),
      fetchPacket: async () => packet,
      logger: silentLogger,
      createSocket: () => socket as unknown as LiveSocket,
    });
    reporter.start();
    reporter.track(packet, 'r@chatroom', 'zh');
    await jest.advanceTimersByTimeAsync(0);
    expect(socket.subscribed).toEqual(['p1']);

    reporter.rememberName('u2', '小红（群名片）');
    socket.emit('grabbed', grabbed('u1', '小刚', 10, 2));
    await jest.advanceTimersByTimeAsync(0);
    expect(said).toEqual(['小刚 抢到 10 MB，还剩 2 个']);

    socket.emit('grabbed', grabbed('u2', 'nick-2', 15, 1));
    await jest.advanceTimersByTimeAsync(4999);
    expect(said).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(said[1]).toBe('小红（群名片） 抢到 15 MB，还剩 1 个');

    socket.emit('grabbed', grabbed('u3', '小明', 5, 0));
    socket.emit('finished', { packetId: 'p1', luckiest: { userId: 'u2', nickname: 'nick-2', amountMb: 15 } });
    await jest.advanceTimersByTimeAsync(0);
    expect(said[2]).toBe('小明 抢到 5 MB，已抢完\n🧧 小明 的红包已被抢完（3 个，共 30 MB）\n手气最佳：小红（群名片），15 MB');
    expect(reporter.isTracking('p1')).toBe(false);
    // The last grab was in the ending: the grab's own answer, arriving later, must not repeat it.
    expect(reporter.hasEnded('p1')).toBe(true);
    reporter.recordGrab('p1', { userId: 'u3', nickname: '小明', amountMb: 5, remainingCount: 0 });

    await jest.advanceTimersByTimeAsync(60_000);
    expect(said).toHaveLength(3);
    reporter.stop();
  });

  it('knows the passphrases of the open packets in each room', () => {
    const reporter = new LiveReporter({
      serviceUrl: 'http://service.test',
      botToken: 't',
      summaryIntervalMs: 5000,
      now: () => Date.now(),
      say: async () => undefined,
      fetchPacket: async () => packet,
      logger: silentLogger,
      createSocket: () => new FakeSocket() as unknown as LiveSocket,
    });
    reporter.track(packet, 'r@chatroom', 'zh', '芝麻开门');
    expect(reporter.isKnownPassphrase('r@chatroom', '芝麻开门')).toBe(true);
    expect(reporter.isKnownPassphrase('other@chatroom', '芝麻开门')).toBe(false);
    expect(reporter.isKnownPassphrase('r@chatroom', '恭喜发财')).toBe(false);
  });
});
