import type http from 'node:http';
import { Server, type Namespace } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LIVE_NAMESPACE, type LiveClientToServer, type LiveServerToClient } from '@liuliang/shared';
import type { Deps } from '../deps';
import { isBotToken, verifyAccessToken } from '../modules/auth/tokens';
import { SessionRevocations } from '../modules/auth/revocations';
import type { RedPacketEvents } from '../modules/red-packets/live-events';
import { OPAQUE_ID_PATTERN } from '../platform/ids';
import { findPacket } from '../modules/red-packets/repository';
import { isUserInRoom } from '../modules/bot/bindings';
import { duplicateRedisClient } from '../platform/redis-clients';
import type { CrowdfundEvents } from '../modules/crowdfunds/live-events';
import { crowdfundExists } from '../modules/crowdfunds/service';

const roomOf = (packetId: string) => `packet:${packetId}`;
const crowdfundRoomOf = (crowdfundId: string) => `crowdfund:${crowdfundId}`;

/** The socket.io room a subscription names, or null when it names nothing valid. */
function subscriptionRoom(request: unknown): { room: string; packetId: string | null; crowdfundId: string | null } | null {
  const r = request as { packetId?: unknown; crowdfundId?: unknown } | null | undefined;
  if (typeof r?.packetId === 'string' && OPAQUE_ID_PATTERN.test(r.packetId)) return { room: roomOf(r.packetId), packetId: r.packetId, crowdfundId: null };
  if (typeof r?.crowdfundId === 'string' && OPAQUE_ID_PATTERN.test(r.crowdfundId)) return { room: crowdfundRoomOf(r.crowdfundId), packetId: null, crowdfundId: r.crowdfundId };
  return null;
}
/** Bound on the packets one connection follows at once. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 50;
/** Bound on one user's open sockets in one process: a few tabs and devices, not a flood. */
export const MAX_SOCKETS_PER_USER = 10;
/** Bound on one message from a client: subscribe and unsubscribe carry an id and nothing more. */
export const LIVE_MAX_MESSAGE_BYTES = 16 * 1024;
/**
 * Live events (SPEC §5): namespace /live, the token in the handshake, one socket.io room per
 * packet. The Redis adapter carries every emit to the clients of every server process. A
 * client follows a room packet only as a member of its room (the bot: any), a link packet as
 * anyone signed in who holds its id. A crowdfund (`subscribe {crowdfundId}`) is followed by anyone
 * signed in who holds its id, as its page is seen.
 */
export function startLiveServer(httpServer: http.Server, deps: Deps): { events: RedPacketEvents; crowdfundEvents: CrowdfundEvents; close(): Promise<void> } {
  const io = new Server(httpServer, { cors: { origin: true }, serveClient: false, maxHttpBufferSize: LIVE_MAX_MESSAGE_BYTES });
  // The adapter calls publish and subscribe without awaiting them; with Redis down their
  // rejections would float up and kill the process. The subscriber's commands wait for the
  // reconnection instead of failing (ioredis resubscribes by itself); the publisher refuses at
  // once while Redis is away, and a live event it could not send is dropped (SPEC §5: best effort).
  const pub = dropFailedPublishes(duplicateRedisClient(deps.redis, deps.logger, 'live-pub', { enableAutoPipelining: false, enableOfflineQueue: false }), deps.logger);
  const sub = duplicateRedisClient(deps.redis, deps.logger, 'live-sub', { enableAutoPipelining: false, maxRetriesPerRequest: null });
  io.adapter(createAdapter(pub, sub, { key: `${deps.config.REDIS_PREFIX}:socket.io` }));
  const live: Namespace<LiveClientToServer, LiveServerToClient> = io.of(LIVE_NAMESPACE);
  const socketsByUser = new Map<string, Set<string>>();
  const socketCount = (userId: string) => socketsByUser.get(userId)?.size ?? 0;

  const sessions = new SessionRevocations(deps.redis, deps.config.REDIS_PREFIX, deps.dataSource, deps.config.ACCESS_TOKEN_SECONDS);
  live.use(async (socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown; botToken?: unknown };
    const token = typeof auth.token === 'string' ? verifyAccessToken(deps.config.JWT_SECRET, auth.token) : null;
    // A signed-out session's token opens no socket, as it opens no request.
    const userId = token && !(await sessions.isRevoked(token.sessionId).catch(() => true)) ? token.userId : null;
    const isBot = typeof auth.botToken === 'string' && isBotToken(deps.config.BOT_TOKEN, auth.botToken);
    if (!userId && !isBot) return next(new Error('UNAUTHENTICATED'));
    // Refused here, so the client gets a clear connect_error rather than a silent drop.
    if (userId && socketCount(userId) >= MAX_SOCKETS_PER_USER) return next(new Error('TOO_MANY_SOCKETS'));
    socket.data.userId = userId;
    socket.data.isBot = isBot && !userId;
    next();
  });

  /** Null when the caller may follow the packet, else the error code of the ack. */
  async function refusalToFollow(packetId: string, userId: string | null, isBot: boolean): Promise<string | null> {
    const packet = await findPacket(deps.dataSource.manager, packetId);
    if (!packet) return 'NOT_FOUND';
    if (packet.room_id === null || isBot) return null;
    if (userId && (await isUserInRoom(deps.dataSource.manager, packet.room_id, userId))) return null;
    return 'NOT_IN_ROOM';
  }

  live.on('connection', (socket) => {
    const userId: string | null = socket.data.userId ?? null;
    if (userId) {
      // Checked again: handshakes of one user may have passed the middleware together.
      if (socketCount(userId) >= MAX_SOCKETS_PER_USER) {
        socket.disconnect(true);
        return;
      }
      const sockets = socketsByUser.get(userId) ?? new Set<string>();
      sockets.add(socket.id);
      socketsByUser.set(userId, sockets);
      socket.on('disconnect', () => {
        sockets.delete(socket.id);
        if (sockets.size === 0 && socketsByUser.get(userId) === sockets) socketsByUser.delete(userId);
      });
    }
    socket.on('subscribe', async (request, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const wanted = subscriptionRoom(request);
      if (!wanted) return reply({ ok: false, error: 'VALIDATION_FAILED' });
      // socket.rooms holds the socket's own room besides the packets and crowdfunds it follows.
      if (!socket.rooms.has(wanted.room) && socket.rooms.size > MAX_SUBSCRIPTIONS_PER_SOCKET) return reply({ ok: false, error: 'LIMIT_EXCEEDED' });
      try {
        const refusal = wanted.packetId
          ? await refusalToFollow(wanted.packetId, userId, socket.data.isBot === true)
          : (await crowdfundExists(deps.dataSource.manager, wanted.crowdfundId!))
            ? null
            : 'NOT_FOUND';
        if (refusal) return reply({ ok: false, error: refusal });
        await socket.join(wanted.room);
        reply({ ok: true });
      } catch (error) {
        deps.logger.warn({ err: error }, 'subscribe failed');
        reply({ ok: false, error: 'INTERNAL' });
      }
    });
    socket.on('unsubscribe', async (request, ack) => {
      const wanted = subscriptionRoom(request);
      if (wanted) await socket.leave(wanted.room);
      if (typeof ack === 'function') ack({ ok: true });
    });
  });

  // Once closing, late announcements (a grab committed as the process stops) are dropped
  // rather than published on a Redis connection that is going away.
  let closed = false;
  /** Announcing is off the money path: the grab has committed, whatever happens here. */
  const announceTo = (room: string, name: keyof LiveServerToClient, send: (room: ReturnType<typeof live.to>) => void) => {
    if (closed) return;
    try {
      send(live.to(room));
    } catch (error) {
      deps.logger.warn({ err: error, room, event: name }, 'could not announce a live event');
    }
  };
  const announce = (packetId: string, name: keyof LiveServerToClient, send: (room: ReturnType<typeof live.to>) => void) => announceTo(roomOf(packetId), name, send);
  return {
    events: {
      grabbed: (event) => announce(event.packetId, 'grabbed', (room) => room.emit('grabbed', event)),
      finished: (event) => announce(event.packetId, 'finished', (room) => room.emit('finished', event)),
      expired: (event) => announce(event.packetId, 'expired', (room) => room.emit('expired', event)),
    },
    crowdfundEvents: {
      pledged: (event) => announceTo(crowdfundRoomOf(event.crowdfundId), 'pledged', (room) => room.emit('pledged', event)),
      closed: (event) => announceTo(crowdfundRoomOf(event.crowdfundId), 'closed', (room) => room.emit('closed', event)),
    },
    async close() {
      closed = true;
      await new Promise<void>((resolve) => io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * Catches what the adapter's unawaited publishes reject with (a handled promise no longer
 * counts as unhandled, whoever ignores it), and says so once per outage rather than per event.
 */
function dropFailedPublishes(pub: Redis, logger: Logger): Redis {
  const publish = pub.publish.bind(pub) as (channel: string | Buffer, message: string | Buffer) => Promise<number>;
  let dropping = false;
  pub.on('ready', () => (dropping = false));
  const publishOrDrop = (channel: string | Buffer, message: string | Buffer): Promise<number> => {
    const sent = publish(channel, message);
    sent.catch((error: unknown) => {
      if (dropping) return;
      dropping = true;
      logger.warn({ err: error }, 'live events are being dropped while Redis is unavailable');
    });
    return sent;
  };
  Object.assign(pub, { publish: publishOrDrop });
  return pub;
}
