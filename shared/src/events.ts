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
export interface LiveServerToClient {
  grabbed: (event: GrabbedEvent) => void;
  finished: (event: FinishedEvent) => void;
  expired: (event: ExpiredEvent) => void;
}
export interface LiveClientToServer {
  subscribe: (request: { packetId: string }, ack: (answer: SubscribeAck) => void) => void;
  unsubscribe: (request: { packetId: string }, ack?: (answer: SubscribeAck) => void) => void;
}
