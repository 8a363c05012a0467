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
  pledged: (event: PledgedEvent) => void;
  closed: (event: ClosedEvent) => void;
}
export interface LiveClientToServer {
  subscribe: (request: LiveSubscription, ack: (answer: SubscribeAck) => void) => void;
  unsubscribe: (request: LiveSubscription, ack?: (answer: SubscribeAck) => void) => void;
}
