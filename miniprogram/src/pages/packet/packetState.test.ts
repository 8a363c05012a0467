import { aPacket } from '../../../test/fakes';
import { initialPacketState, packetReducer, type PacketAction } from './packetState';

const grabbed = (userId: string, amountMb: number, remainingCount: number, remainingMb: number): PacketAction => ({
  type: 'grabbed',
  event: { packetId: 'p-1', userId, nickname: userId, amountMb, remainingCount, remainingMb, at: '2025-11-26T04:00:00.000Z' },
});

function play(actions: PacketAction[]) {
  return actions.reduce(packetReducer, initialPacketState);
}

describe('packetReducer', () => {
  it('keeps events that arrive before the first load and applies them to it', () => {
    const state = play([grabbed('u-1', 100, 2, 200), { type: 'loaded', packet: aPacket() }]);
    expect(state.packet?.grabs.map((grab) => grab.userId)).toEqual(['u-1']);
    expect(state.packet?.remainingCount).toBe(2);
  });

  it('counts a grab once when it arrives both live and in a reload', () => {
    const reloaded = aPacket({ remainingCount: 2, remainingMb: 200, grabs: [{ userId: 'u-1', nickname: 'u-1', avatarUrl: null, amountMb: 100, at: '2025-11-26T04:00:00.000Z' }] });
    const state = play([{ type: 'loaded', packet: aPacket() }, grabbed('u-1', 100, 2, 200), { type: 'loaded', packet: reloaded }, grabbed('u-1', 100, 2, 200)]);
    expect(state.packet?.grabs).toHaveLength(1);
  });

  it('keeps a live grab that a slower, older reload does not know yet', () => {
    const state = play([{ type: 'loaded', packet: aPacket() }, grabbed('u-1', 100, 2, 200), { type: 'loaded', packet: aPacket() }]);
    expect(state.packet?.grabs.map((grab) => grab.userId)).toEqual(['u-1']);
    expect(state.packet?.remainingMb).toBe(200);
  });

  it('never reopens a finished packet on an older reload', () => {
    const state = play([
      { type: 'loaded', packet: aPacket() },
      { type: 'finished', event: { packetId: 'p-1', luckiest: { userId: 'u-1', nickname: 'u-1', amountMb: 100 } } },
      { type: 'loaded', packet: aPacket() },
      { type: 'expired', event: { packetId: 'p-1', refundedMb: 0 } },
    ]);
    expect(state.packet?.status).toBe('finished');
    expect(state.packet?.luckiest?.userId).toBe('u-1');
  });
});
