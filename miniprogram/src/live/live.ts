import type { LiveClientToServer, LiveServerToClient, SubscribeAck } from '@liuliang/shared';

/** Server events the page listens to, plus the socket's own `connect` (fired again on every reconnect). */
export interface LiveListeners extends LiveServerToClient {
  connect: () => void;
}

/**
 * The part of a socket.io client the pages need (SPEC §5). Pages receive it through
 * `ConnectLive`, so a test can hand them a fake emitter instead of a network socket.
 */
export interface LiveSocket {
  readonly connected: boolean;
  on<E extends keyof LiveListeners>(event: E, listener: LiveListeners[E]): void;
  off<E extends keyof LiveListeners>(event: E, listener: LiveListeners[E]): void;
  emit<E extends keyof LiveClientToServer>(event: E, ...args: Parameters<LiveClientToServer[E]>): void;
  disconnect(): void;
}

/** Opens the live connection for a signed-in person. */
export type ConnectLive = (token: string) => LiveSocket;

export interface PacketFollower extends Pick<LiveServerToClient, 'grabbed' | 'finished' | 'expired'> {
  /**
   * The service acknowledged a (re)subscription. Events sent while we were not subscribed are
   * lost, so the page reloads the packet here.
   */
  subscribed: (ack: SubscribeAck) => void;
}

/** Follows one packet's events until the returned function is called. */
export function followPacket(socket: LiveSocket, packetId: string, follower: PacketFollower): () => void {
  const grabbed: LiveListeners['grabbed'] = (event) => {
    if (event.packetId === packetId) follower.grabbed(event);
  };
  const finished: LiveListeners['finished'] = (event) => {
    if (event.packetId === packetId) follower.finished(event);
  };
  const expired: LiveListeners['expired'] = (event) => {
    if (event.packetId === packetId) follower.expired(event);
  };
  // A reconnect is a new server-side socket that has joined no room: subscribe again each time.
  const subscribe = () => socket.emit('subscribe', { packetId }, (ack) => follower.subscribed(ack));

  socket.on('grabbed', grabbed);
  socket.on('finished', finished);
  socket.on('expired', expired);
  socket.on('connect', subscribe);
  if (socket.connected) subscribe();

  return () => {
    socket.off('grabbed', grabbed);
    socket.off('finished', finished);
    socket.off('expired', expired);
    socket.off('connect', subscribe);
    if (socket.connected) socket.emit('unsubscribe', { packetId });
  };
}

export interface CrowdfundFollower extends Pick<LiveServerToClient, 'pledged' | 'closed'> {
  /** As for a packet: a (re)subscription was acknowledged; reload what may have been missed. */
  subscribed: (ack: SubscribeAck) => void;
}

/** Follows one crowdfund's events (`pledged`, `closed`) until the returned function is called. */
export function followCrowdfund(socket: LiveSocket, crowdfundId: string, follower: CrowdfundFollower): () => void {
  const pledged: LiveListeners['pledged'] = (event) => {
    if (event.crowdfundId === crowdfundId) follower.pledged(event);
  };
  const closed: LiveListeners['closed'] = (event) => {
    if (event.crowdfundId === crowdfundId) follower.closed(event);
  };
  const subscribe = () => socket.emit('subscribe', { crowdfundId }, (ack) => follower.subscribed(ack));

  socket.on('pledged', pledged);
  socket.on('closed', closed);
  socket.on('connect', subscribe);
  if (socket.connected) subscribe();

  return () => {
    socket.off('pledged', pledged);
    socket.off('closed', closed);
    socket.off('connect', subscribe);
    if (socket.connected) socket.emit('unsubscribe', { crowdfundId });
  };
}
