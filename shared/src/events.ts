/** Live events on socket.io namespace `/live` (SPEC §5). */
export const LIVE_NAMESPACE = '/live';

export interface GrabbedEvent {
  packetId: string;
  userId: string;
  nickname: string;
  amountMb: number;
  remainingCount: number;
  remainingMb: number;
  at: string;
}
export interface FinishedEvent {
  packetId: string;
  luckiest: { userId: string; nickname: string; amountMb: number } | null;
}
export interface ExpiredEvent {
  packetId: string;
  refundedMb: number;
}
/**
 * Sent to every open socket of a user whose wallet just changed because of someone else or a
 * sweep (a gift arrived or was refunded, a packet's refund, a grab in another tab): reload it.
 */
export interface WalletChangedEvent {
  /** The ledger kind of the transfer: gift, gift_refund, red_packet_grab, red_packet_refund, … */
  kind: string;
}
export interface SubscribeAck {
  ok: boolean;
  error?: string;
}
/** A pledge committed to a crowdfund (`amountMb`: what was taken; `raisedMb`: the total after it). */
export interface PledgedEvent {
  crowdfundId: string;
  userId: string;
  nickname: string;
  amountMb: number;
  raisedMb: number;
}
/** A crowdfund left `open`: `succeeded`, `failed` (deadline) or `cancelled`. */
export interface ClosedEvent {
  crowdfundId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
}
/** What a client follows: a red packet or a crowdfund. */
export type LiveSubscription = { packetId: string } | { crowdfundId: string };
export interface LiveServerToClient {
  grabbed: (event: GrabbedEvent) => void;
  finished: (event: FinishedEvent) => void;
  expired: (event: ExpiredEvent) => void;
  walletChanged: (event: WalletChangedEvent) => void;
  pledged: (event: PledgedEvent) => void;
  closed: (event: ClosedEvent) => void;
}
export interface LiveClientToServer {
  subscribe: (request: LiveSubscription, ack: (answer: SubscribeAck) => void) => void;
  unsubscribe: (request: LiveSubscription, ack?: (answer: SubscribeAck) => void) => void;
}
