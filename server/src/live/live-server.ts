import type http from 'node:http';
import { Server, type Namespace } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { LIVE_NAMESPACE, type LiveClientToServer, type LiveServerToClient } from '@liuliang/shared';
import type { Deps } from '../deps';
import { isBotToken, verifyToken } from '../http/auth';
import type { RedPacketEvents } from '../modules/red-packets/live-events';
import { OPAQUE_ID_PATTERN } from '../platform/ids';

const roomOf = (packetId: string) => `packet:${packetId}`;
/** Bound on the packets one connection follows at once. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 50;

/**
 * Live events (SPEC §5): namespace /live, the token in the handshake, one socket.io room per
 * packet. The Redis adapter carries every emit to the clients of every server process.
 */
export function startLiveServer(httpServer: http.Server, deps: Deps): { events: RedPacketEvents; close(): Promise<void> } {
  const io = new Server(httpServer, { cors: { origin: true }, serveClient: false });
  const pub: Redis = deps.redis.duplicate({ enableAutoPipelining: false });
  const sub: Redis = deps.redis.duplicate({ enableAutoPipelining: false });
  io.adapter(createAdapter(pub, sub, { key: `${deps.config.REDIS_PREFIX}:socket.io` }));
  const live: Namespace<LiveClientToServer, LiveServerToClient> = io.of(LIVE_NAMESPACE);

  live.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown; botToken?: unknown };
    const userId = typeof auth.token === 'string' ? verifyToken(deps.config.JWT_SECRET, auth.token) : null;
    const isBot = typeof auth.botToken === 'string' && isBotToken(deps.config.BOT_TOKEN, auth.botToken);
    if (!userId && !isBot) return next(new Error('UNAUTHENTICATED'));
    socket.data.userId = userId;
    next();
  });

  live.on('connection', (socket) => {
    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const packetId = typeof request?.packetId === 'string' && OPAQUE_ID_PATTERN.test(request.packetId) ? request.packetId : null;
      if (!packetId) return reply({ ok: false, error: 'VALIDATION_FAILED' });
      if (socket.rooms.size > MAX_SUBSCRIPTIONS_PER_SOCKET) return reply({ ok: false, error: 'LIMIT_EXCEEDED' });
      try {
        const rows = await deps.dataSource.query('SELECT 1 FROM red_packets WHERE id = ?', [packetId]);
        if (rows.length === 0) return reply({ ok: false, error: 'NOT_FOUND' });
        await socket.join(roomOf(packetId));
        reply({ ok: true });
      } catch (error) {
        deps.logger.warn({ err: error }, 'subscribe failed');
        reply({ ok: false, error: 'INTERNAL' });
      }
    });
    socket.on('unsubscribe', async (request, ack) => {
      if (typeof request?.packetId === 'string') await socket.leave(roomOf(request.packetId));
      if (typeof ack === 'function') ack({ ok: true });
    });
  });

  // Once closing, late announcements (a grab committed as the process stops) are dropped
  // rather than published on a Redis connection that is going away.
  let closed = false;
  return {
    events: {
      grabbed: (event) => closed || live.to(roomOf(event.packetId)).emit('grabbed', event),
      finished: (event) => closed || live.to(roomOf(event.packetId)).emit('finished', event),
      expired: (event) => closed || live.to(roomOf(event.packetId)).emit('expired', event),
    },
    async close() {
      closed = true;
      await new Promise<void>((resolve) => io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}
