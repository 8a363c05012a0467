import type { Crowdfund, RedPacket } from '@liuliang/shared';
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
  | { name: 'expired'; payload: Parameters<LiveListeners['expired']>[0] }
  | { name: 'pledged'; payload: Parameters<LiveListeners['pledged']>[0] }
  | { name: 'closed'; payload: Parameters<LiveListeners['closed']>[0] };

/** What happened to a packet between two snapshots, as the live events the service would send. */
export function eventsBetween(before: RedPacket, after: RedPacket): LiveEvent[] {
  const seen = new Set(before.grabs.map((grab) => grab.userId));
  const events: LiveEvent[] = after.grabs
    .filter((grab) => !seen.has(grab.userId))
    .map((grab) => ({
      name: 'grabbed' as const,
      // The same shape as socket.io's event: no face.
      payload: {
        packetId: after.id,
        userId: grab.userId,
        nickname: grab.nickname,
        amountMb: grab.amountMb,
        at: grab.at,
        remainingCount: after.remainingCount,
        remainingMb: after.remainingMb,
      },
    }));
  if (before.status === 'open' && after.status === 'finished') {
    events.push({ name: 'finished', payload: { packetId: after.id, luckiest: after.luckiest } });
  }
  if (before.status === 'open' && after.status === 'expired') {
    events.push({ name: 'expired', payload: { packetId: after.id, refundedMb: after.remainingMb } });
  }
  return events;
}

/** What happened to a crowdfund between two snapshots: the pledges added (oldest first), then its closing. */
export function crowdfundEventsBetween(before: Crowdfund, after: Crowdfund): LiveEvent[] {
  let raisedMb = before.pledges.reduce((sum, pledge) => sum + pledge.amountMb, 0);
  const events: LiveEvent[] = after.pledges.slice(before.pledges.length).map((pledge) => {
    raisedMb += pledge.amountMb;
    return { name: 'pledged' as const, payload: { crowdfundId: after.id, userId: pledge.userId, nickname: pledge.nickname, amountMb: pledge.amountMb, raisedMb } };
  });
  if (before.status === 'open' && after.status !== 'open') events.push({ name: 'closed', payload: { crowdfundId: after.id, status: after.status } });
  return events;
}

interface PolledApi {
  getRedPacket(packetId: string): Promise<RedPacket>;
  getCrowdfund?(crowdfundId: string): Promise<Crowdfund>;
}

export function createPollingLive(api: PolledApi, intervalMs = PACKET_POLL_INTERVAL_MS): ConnectLive {
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

    /** A crowdfund is polled like a packet, under its own key in the same timers. */
    async function startCrowdfund(crowdfundId: string): Promise<void> {
      const key = `crowdfund:${crowdfundId}`;
      if (!api.getCrowdfund) throw new Error('this live connection cannot follow crowdfunds');
      const load = api.getCrowdfund.bind(api);
      let last = await load(crowdfundId);
      let ticks = 0;
      if (last.status !== 'open' || timers.has(key)) return;
      const timer = setInterval(() => {
        ticks += 1;
        if (ticks > PACKET_POLL_MAX_TICKS) return stop(key);
        load(crowdfundId).then(
          (next) => {
            crowdfundEventsBetween(last, next).forEach(deliver);
            last = next;
            if (next.status !== 'open') stop(key);
          },
          () => undefined, // a missed reload is retried on the next tick
        );
      }, intervalMs);
      timers.set(key, timer);
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
        const [request, ack] = args as [{ packetId?: string; crowdfundId?: string }, ((answer: { ok: boolean; error?: string }) => void) | undefined];
        if (request.crowdfundId !== undefined) {
          if (event === 'unsubscribe') return stop(`crowdfund:${request.crowdfundId}`);
          startCrowdfund(request.crowdfundId).then(
            () => ack?.({ ok: true }),
            () => ack?.({ ok: false, error: 'NETWORK_FAILURE' }),
          );
          return;
        }
        const packetId = request.packetId ?? '';
        if (event === 'unsubscribe') return stop(packetId);
        start(packetId).then(
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
