import type { RedPacket } from '@liuliang/shared';
import type { LiveListeners, LiveSocket, ConnectLive } from './live';

/**
 * The weapp runtime has no WebSocket that socket.io-client can use, so on weapp the same events
 * are derived by reloading the packet at this pace while it is open.
 */
export const PACKET_POLL_INTERVAL_MS = 3_000;
/** Stops polling a packet after this many reloads (an hour at the pace above); the page can reload by hand. */
export const PACKET_POLL_MAX_TICKS = 1_200;

type LiveEvent =
  | { name: 'grabbed'; payload: Parameters<LiveListeners['grabbed']>[0] }
  | { name: 'finished'; payload: Parameters<LiveListeners['finished']>[0] }
  | { name: 'expired'; payload: Parameters<LiveListeners['expired']>[0] };

/** What happened to a packet between two snapshots, as the live events the service would send. */
export function eventsBetween(before: RedPacket, after: RedPacket): LiveEvent[] {
  const seen = new Set(before.grabs.map((grab) => grab.userId));
  const events: LiveEvent[] = after.grabs
    .filter((grab) => !seen.has(grab.userId))
    .map((grab) => ({
      name: 'grabbed' as const,
      payload: { packetId: after.id, ...grab, remainingCount: after.remainingCount, remainingMb: after.remainingMb },
    }));
  if (before.status === 'open' && after.status === 'finished') {
    events.push({ name: 'finished', payload: { packetId: after.id, luckiest: after.luckiest } });
  }
  if (before.status === 'open' && after.status === 'expired') {
    events.push({ name: 'expired', payload: { packetId: after.id, refundedMb: after.remainingMb } });
  }
  return events;
}

export function createPollingLive(api: { getRedPacket(packetId: string): Promise<RedPacket> }, intervalMs = PACKET_POLL_INTERVAL_MS): ConnectLive {
  return (): LiveSocket => {
    const listeners = new Map<keyof LiveListeners, Set<(payload: never) => void>>();
    const timers = new Map<string, ReturnType<typeof setInterval>>();

    function deliver(event: LiveEvent): void {
      listeners.get(event.name)?.forEach((listener) => (listener as (payload: LiveEvent['payload']) => void)(event.payload));
    }

    function stop(packetId: string): void {
      clearInterval(timers.get(packetId));
      timers.delete(packetId);
    }

    async function start(packetId: string): Promise<void> {
      let last = await api.getRedPacket(packetId);
      let ticks = 0;
      if (last.status !== 'open' || timers.has(packetId)) return;
      const timer = setInterval(() => {
        ticks += 1;
        if (ticks > PACKET_POLL_MAX_TICKS) return stop(packetId);
        api.getRedPacket(packetId).then(
          (next) => {
            eventsBetween(last, next).forEach(deliver);
            last = next;
            if (next.status !== 'open') stop(packetId);
          },
          () => undefined, // a missed reload is retried on the next tick
        );
      }, intervalMs);
      timers.set(packetId, timer);
    }

    return {
      connected: true,
      on(event, listener) {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)?.add(listener as (payload: never) => void);
      },
      off(event, listener) {
        listeners.get(event)?.delete(listener as (payload: never) => void);
      },
      emit(event, ...args) {
        const [request, ack] = args as [{ packetId: string }, ((answer: { ok: boolean; error?: string }) => void) | undefined];
        if (event === 'unsubscribe') return stop(request.packetId);
        start(request.packetId).then(
          () => ack?.({ ok: true }),
          () => ack?.({ ok: false, error: 'NETWORK_FAILURE' }),
        );
      },
      disconnect() {
        Array.from(timers.keys()).forEach(stop);
      },
    };
  };
}
