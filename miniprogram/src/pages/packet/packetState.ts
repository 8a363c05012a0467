import type { ExpiredEvent, FinishedEvent, GrabbedEvent, RedPacket } from '@liuliang/shared';

/** The packet page's view of one packet: the last load, with live events applied on top. */
export interface PacketState {
  packet: RedPacket | null;
  /** Events that arrived before the first load; applied to it when it comes. */
  early: PacketAction[];
  /** What was refunded to the sender when the packet expired, once known. */
  refundedMb: number | null;
}

export type PacketAction =
  | { type: 'loaded'; packet: RedPacket }
  | { type: 'grabbed'; event: GrabbedEvent }
  | { type: 'finished'; event: FinishedEvent }
  | { type: 'expired'; event: ExpiredEvent };

/** Bounds the queue of events before the first load: a packet has at most 200 shares plus 2 endings. */
const MAX_EARLY_EVENTS = 256;

export const initialPacketState: PacketState = { packet: null, early: [], refundedMb: null };

function applyEvent(state: PacketState & { packet: RedPacket }, action: Exclude<PacketAction, { type: 'loaded' }>): PacketState {
  const { packet } = state;
  switch (action.type) {
    case 'grabbed': {
      const { event } = action;
      // The same grab can arrive twice: once in a reload and once live.
      if (packet.grabs.some((grab) => grab.userId === event.userId)) return state;
      // A live grab names no face (the event stays small in a storm): the generated one until the next load.
      const grab = { userId: event.userId, nickname: event.nickname, avatarUrl: null, amountMb: event.amountMb, at: event.at };
      return {
        ...state,
        packet: {
          ...packet,
          grabs: [...packet.grabs, grab],
          // Events can overtake each other; what is left only ever shrinks.
          remainingCount: Math.min(packet.remainingCount, event.remainingCount),
          remainingMb: Math.min(packet.remainingMb, event.remainingMb),
        },
      };
    }
    case 'finished':
      return { ...state, packet: { ...packet, status: 'finished', luckiest: action.event.luckiest, remainingCount: 0, remainingMb: 0 } };
    case 'expired':
      if (packet.status === 'finished') return state;
      return { ...state, packet: { ...packet, status: 'expired' }, refundedMb: action.event.refundedMb };
  }
}

function mergeReload(known: RedPacket | null, reloaded: RedPacket): RedPacket {
  if (known === null || known.id !== reloaded.id) return reloaded;
  const reloadedUsers = new Set(reloaded.grabs.map((grab) => grab.userId));
  const newerGrabs = known.grabs.filter((grab) => !reloadedUsers.has(grab.userId));
  const ended = known.status !== 'open' && reloaded.status === 'open';
  return {
    ...reloaded,
    grabs: [...reloaded.grabs, ...newerGrabs],
    remainingCount: Math.min(known.remainingCount, reloaded.remainingCount),
    remainingMb: Math.min(known.remainingMb, reloaded.remainingMb),
    status: ended ? known.status : reloaded.status,
    luckiest: reloaded.luckiest ?? known.luckiest,
  };
}

export function packetReducer(state: PacketState, action: PacketAction): PacketState {
  if (action.type === 'loaded') {
    // A reload is the truth at the moment it was read, and live events seen since may be newer:
    // a packet only ever gains grabs and ends once, so merge rather than replace.
    let next: PacketState = { ...state, packet: mergeReload(state.packet, action.packet), early: [] };
    for (const early of state.early) next = packetReducer(next, early);
    return next;
  }
  if (state.packet === null) {
    return state.early.length < MAX_EARLY_EVENTS ? { ...state, early: [...state.early, action] } : state;
  }
  return applyEvent({ ...state, packet: state.packet }, action);
}
