import { WechatyBuilder, log as wechatyLog, type Contact, type Message, type Room, type Wechaty } from 'wechaty';
import type { PuppetInterface } from 'wechaty-puppet/impls';
import { GrabFlow } from './chat/grab';
import { PendingBinds, RepeatSuppressor, REPEAT_WINDOW_MS, TaskLimiter } from './chat/limits';
import { answerMessage } from './chat/messages';
import { CommandRunner } from './chat/runner';
import { LiveReporter, type LiveSocket } from './live/reporter';
import { consoleLogger, type Logger } from './logger';
import { DEFAULT_OUTBOX_BATCH_SIZE, DEFAULT_OUTBOX_POLL_INTERVAL_MS, OutboxPoller } from './outbox/poller';
import { RoomMembership } from './rooms/membership';
import { ServiceClient } from './service/client';

export const DEFAULT_SUMMARY_INTERVAL_MS = 5000;
/** Messages answered at once; more wait in the queue below. */
export const MAX_CONCURRENT_MESSAGES = 32;
/** Messages waiting beyond this are dropped (and logged) rather than queued without bound. */
export const MAX_QUEUED_MESSAGES = 2000;

export interface CreateBotOptions {
  /** Any Wechaty puppet: a real one in production, `PuppetMock` in tests and the console demo. */
  puppet: PuppetInterface;
  /** The service's base URL, e.g. http://localhost:3000 (the API is under /api/v1, live events under /live). */
  serviceUrl: string;
  botToken: string;
  /** How often the `wechat` outbox is polled. */
  outboxPollIntervalMs?: number;
  outboxBatchSize?: number;
  /** At most one grab summary line per packet per this many ms. */
  summaryIntervalMs?: number;
  requestTimeoutMs?: number;
  /** Injected time, for expiry of pending binds and the pacing of summaries. */
  now?: () => number;
  logger?: Logger;
  fetch?: typeof fetch;
  createLiveSocket?: () => LiveSocket;
}

export interface LiuliangBot {
  /** The Wechaty instance, for callers that watch it (the console demo, tests). */
  readonly wechaty: Wechaty;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds the chat bot: Wechaty on the given puppet, answering commands in rooms and direct
 * messages, keeping room members in step with the service, reporting red packets live and
 * delivering the `wechat` outbox. Nothing runs until `start()`.
 */
export function createBot(options: CreateBotOptions): LiuliangBot {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? consoleLogger();
  const service = new ServiceClient({
    serviceUrl: options.serviceUrl,
    botToken: options.botToken,
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const wechaty = WechatyBuilder.build({ puppet: options.puppet });
  const selfId = (): string | null => (wechaty.isLoggedIn ? wechaty.currentUser.id : null);

  const say = async (conversationId: string, isRoom: boolean, text: string): Promise<void> => {
    const target = isRoom ? await wechaty.Room.find({ id: conversationId }) : await wechaty.Contact.find({ id: conversationId });
    if (target === undefined) throw new Error(`${isRoom ? 'room' : 'contact'} ${conversationId} not found`);
    await target.say(text);
  };
  const summaryIntervalMs = options.summaryIntervalMs ?? DEFAULT_SUMMARY_INTERVAL_MS;
  const reporter = new LiveReporter({
    serviceUrl: options.serviceUrl,
    botToken: options.botToken,
    summaryIntervalMs,
    now,
    say: (roomId, text) => say(roomId, true, text),
    fetchPacket: (packetId) => service.getRedPacket(packetId),
    logger,
    ...(options.createLiveSocket === undefined ? {} : { createSocket: options.createLiveSocket }),
  });
  const membership = new RoomMembership(service, logger, selfId);
  const grabs = new GrabFlow({
    service,
    reporter,
    resyncRoom: async (roomId) => {
      const room = await wechaty.Room.find({ id: roomId });
      if (room !== undefined) await membership.syncRoom(room);
    },
    suppressor: new RepeatSuppressor(Math.max(REPEAT_WINDOW_MS, summaryIntervalMs), now),
    logger,
  });
  const runner = new CommandRunner({ service, pendingBinds: new PendingBinds(now), reporter, grabs, logger, now });
  const outbox = new OutboxPoller({
    claim: (limit) => service.claimOutbox(limit),
    report: (itemId, result) => service.reportOutboxResult(itemId, result),
    send: (conversationId, isRoom, text) => say(conversationId, isRoom, text),
    intervalMs: options.outboxPollIntervalMs ?? DEFAULT_OUTBOX_POLL_INTERVAL_MS,
    batchSize: options.outboxBatchSize ?? DEFAULT_OUTBOX_BATCH_SIZE,
    logger,
  });
  const limiter = new TaskLimiter(MAX_CONCURRENT_MESSAGES, MAX_QUEUED_MESSAGES);

  wechaty.on('message', (message: Message) => {
    const accepted = limiter.run(async () => {
      try {
        await answerMessage(message, { runner, grabs, logger });
      } catch (error) {
        logger.error(`message ${message.id}: ${describe(error)}`);
      }
    });
    if (!accepted) logger.warn(`message ${message.id} dropped: ${limiter.pending} messages waiting`);
  });
  wechaty.on('login', (user: Contact) => {
    logger.info(`logged in as ${user.name()}`);
    // Rooms first: a grab right after start must find the members in place.
    void wechaty.Room.findAll().then(
      (rooms) => membership.syncAll(rooms),
      (error: unknown) => logger.warn(`rooms: cannot list rooms: ${describe(error)}`),
    );
    outbox.start();
  });
  wechaty.on('logout', (user: Contact) => {
    logger.warn(`logged out: ${user.name()}`);
    void outbox.stop();
  });
  wechaty.on('room-join', (room: Room, invitees: Contact[]) => void membership.onJoin(room, invitees));
  wechaty.on('room-leave', (room: Room, leavers: Contact[]) => void membership.onLeave(room, leavers));
  wechaty.on('scan', (qrcode: string, status: number) => logger.info(`scan (status ${status}): ${qrcode}`));
  // Wechaty re-emits puppet errors here; without a listener an 'error' event would end the process.
  wechaty.on('error', (error: Error) => logger.warn(`wechaty: ${describe(error)}`));

  return {
    wechaty,
    async start() {
      reporter.start();
      await wechaty.start();
    },
    async stop() {
      await outbox.stop();
      reporter.stop();
      await wechaty.stop();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Wechaty's own log is chatty at "info"; the bot's log says what matters. */
export function quietWechatyLog(level: 'silent' | 'error' | 'warn' | 'info' | 'verbose' | 'silly' = 'warn'): void {
  wechatyLog.level(level);
}
