import { io, type Socket } from 'socket.io-client';
import { LRUCache } from 'lru-cache';
import {
  LIVE_NAMESPACE,
  type ExpiredEvent,
  type FinishedEvent,
  type GrabbedEvent,
  type LiveClientToServer,
  type LiveServerToClient,
  type RedPacket,
} from '@liuliang/shared';
import type { Lang } from '../commands/command';
import type { Logger } from '../logger';
import { grabSummaryText, packetExpiredText, packetFinishedText, type PacketFacts } from '../replies/live';
import { GrabSummaryPacer } from './pacer';

export type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

/** Bounds memory and subscriptions; far more open packets than a bot's rooms ever hold at once. */
export const MAX_TRACKED_PACKETS = 1000;
export const SUBSCRIBE_ACK_TIMEOUT_MS = 10_000;
/** How often packets are checked for a missed end (an event lost while the socket was down). */
export const SWEEP_INTERVAL_MS = 60_000;
/** Bounds the user-to-chat-name memory below. */
const DISPLAY_NAMES_MAX = 10_000;
/** After its expiry a packet gets this long to report its own end before the bot asks. */
const EXPIRY_GRACE_MS = 2 * 60_000;

export interface LiveReporterOptions {
  serviceUrl: string;
  botToken: string;
  summaryIntervalMs: number;
  now: () => number;
  /** Posts a line in a room; failures are logged by the reporter, never thrown back. */
  say: (roomId: string, text: string) => Promise<void>;
  fetchPacket: (packetId: string) => Promise<RedPacket>;
  logger: Logger;
  /** Tests may hand in their own socket; by default one is opened to `<serviceUrl>/live`. */
  createSocket?: () => LiveSocket;
}

interface TrackedPacket {
  packetId: string;
  roomId: string;
  lang: Lang;
  passphrase: string | undefined;
  facts: PacketFacts;
  expiresAtMs: number;
  pacer: GrabSummaryPacer;
  timer: NodeJS.Timeout | null;
}

/**
 * Follows the red packets sent in the bot's rooms over the live socket and tells each room how
 * its packet goes: paced summaries of grabs, then the end (all taken, with the luckiest
 * grabber, or expired, with the refund).
 */
export class LiveReporter {
  private readonly packets = new Map<string, TrackedPacket>();
  /** Packets whose end this bot posted (bounded like the tracked ones). */
  private readonly ended = new Set<string>();
  private socket: LiveSocket | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private connectedBefore = false;
  /** In a room people know each other by their chat names, not by the service's nicknames. */
  private readonly displayNames = new LRUCache<string, string>({ max: DISPLAY_NAMES_MAX });

  constructor(private readonly options: LiveReporterOptions) {}

  start(): void {
    if (this.socket !== null) return;
    const socket = this.options.createSocket?.() ?? this.openSocket();
    this.socket = socket;
    // socket.io keeps retrying on its own; one warning per outage is enough for the log.
    let warned = false;
    socket.on('connect', () => {
      if (warned) this.options.logger.info('live: connected again');
      warned = false;
      this.onConnect();
    });
    socket.on('connect_error', (error) => {
      if (!warned) this.options.logger.warn(`live: cannot connect (retrying quietly): ${error.message}`);
      warned = true;
    });
    socket.on('grabbed', (event) => this.onGrabbed(event));
    socket.on('finished', (event) => void this.onFinished(event));
    socket.on('expired', (event) => void this.onExpired(event));
    this.sweepTimer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
  }

  stop(): void {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    for (const packet of this.packets.values()) this.clearTimer(packet);
    this.packets.clear();
    this.socket?.disconnect();
    this.socket = null;
  }

  /** Starts reporting a packet sent in a room. */
  track(packet: RedPacket, roomId: string, lang: Lang, passphrase?: string): void {
    if (this.packets.has(packet.id)) return;
    if (this.packets.size >= MAX_TRACKED_PACKETS) {
      const oldest = this.packets.values().next();
      if (oldest.done !== true) this.untrack(oldest.value);
    }
    this.packets.set(packet.id, {
      packetId: packet.id,
      roomId,
      lang,
      passphrase,
      facts: { senderNickname: packet.senderNickname, count: packet.count, totalMb: packet.totalMb },
      expiresAtMs: Date.parse(packet.expiresAt),
      pacer: new GrabSummaryPacer({ intervalMs: this.options.summaryIntervalMs, now: this.options.now }),
      timer: null,
    });
    if (this.socket?.connected === true) void this.subscribe(packet.id);
  }

  /** Remembers what a user is called in the chat, for the lines about their grabs. */
  rememberName(userId: string, chatName: string): void {
    if (chatName === '') return;
    this.displayNames.set(userId, chatName);
  }

  isTracking(packetId: string): boolean {
    return this.packets.has(packetId);
  }

  /**
   * True once this bot has posted a packet's last message (all taken, or expired): its last
   * grabs were in that message, so a grab's own answer arriving after it must not repeat them.
   */
  hasEnded(packetId: string): boolean {
    return this.ended.has(packetId);
  }

  /** Notes a grab the bot itself made, for a packet whose events may have started before it listened. */
  recordGrab(packetId: string, grab: { userId: string; nickname: string; amountMb: number; remainingCount?: number }): void {
    const packet = this.packets.get(packetId);
    if (packet === undefined) return;
    packet.pacer.record(grab);
    this.schedule(packet);
  }

  /** The passphrases of the open packets in the room, as far as this bot knows. */
  openPassphrases(roomId: string): string[] {
    const found: string[] = [];
    for (const packet of this.packets.values()) if (packet.roomId === roomId && packet.passphrase !== undefined) found.push(packet.passphrase);
    return found;
  }

  /** True when `text` is the passphrase of an open packet in the room, as far as this bot knows. */
  isKnownPassphrase(roomId: string, text: string): boolean {
    for (const packet of this.packets.values()) {
      if (packet.roomId === roomId && packet.passphrase === text) return true;
    }
    return false;
  }

  private openSocket(): LiveSocket {
    const url = `${this.options.serviceUrl.replace(/\/+$/, '')}${LIVE_NAMESPACE}`;
    // WebSocket only: long-polling needs sticky sessions across several server processes.
    return io(url, { auth: { botToken: this.options.botToken }, transports: ['websocket'] });
  }

  private onConnect(): void {
    const reconnect = this.connectedBefore;
    this.connectedBefore = true;
    for (const packetId of this.packets.keys()) {
      void this.subscribe(packetId);
      // Events sent while the socket was down are lost; ask how each packet stands.
      if (reconnect) void this.reconcile(packetId);
    }
  }

  private async subscribe(packetId: string): Promise<void> {
    const socket = this.socket;
    if (socket === null) return;
    try {
      const ack = await socket.timeout(SUBSCRIBE_ACK_TIMEOUT_MS).emitWithAck('subscribe', { packetId });
      if (!ack.ok) {
        this.options.logger.warn(`live: subscribe ${packetId} refused: ${ack.error ?? 'no reason'}`);
        await this.reconcile(packetId);
      }
    } catch (error) {
      this.options.logger.warn(`live: subscribe ${packetId} got no answer: ${String(error)}`);
    }
  }

  private onGrabbed(event: GrabbedEvent): void {
    const packet = this.packets.get(event.packetId);
    if (packet === undefined) return;
    packet.pacer.record({ ...event, nickname: this.displayNames.get(event.userId) ?? event.nickname });
    this.schedule(packet);
  }

  private schedule(packet: TrackedPacket): void {
    if (packet.timer !== null) return;
    const waitMs = packet.pacer.msUntilDue();
    if (waitMs === null) return;
    packet.timer = setTimeout(() => {
      packet.timer = null;
      const summary = packet.pacer.takeDue();
      if (summary !== null) void this.say(packet.roomId, grabSummaryText(summary, packet.lang));
      this.schedule(packet);
    }, waitMs);
  }

  private async onFinished(event: FinishedEvent): Promise<void> {
    const packet = this.packets.get(event.packetId);
    if (packet === undefined) return;
    this.untrack(packet);
    const luckiest = event.luckiest === null ? null : { ...event.luckiest, nickname: this.displayNames.get(event.luckiest.userId) ?? event.luckiest.nickname };
    await this.say(packet.roomId, this.withPendingGrabs(packet, packetFinishedText(packet.facts, luckiest, packet.lang)));
  }

  private async onExpired(event: ExpiredEvent): Promise<void> {
    const packet = this.packets.get(event.packetId);
    if (packet === undefined) return;
    this.untrack(packet);
    await this.say(packet.roomId, this.withPendingGrabs(packet, packetExpiredText(packet.facts, event.refundedMb, packet.lang)));
  }

  /** The last grabs and the end go out as one message: two lines a second apart read as noise. */
  private withPendingGrabs(packet: TrackedPacket, ending: string): string {
    const pending = packet.pacer.takeAll();
    return pending === null ? ending : `${grabSummaryText(pending, packet.lang)}\n${ending}`;
  }

  /** Asks the service how a packet stands and reports its end if the event was missed. */
  private async reconcile(packetId: string): Promise<void> {
    let packet: RedPacket;
    try {
      packet = await this.options.fetchPacket(packetId);
    } catch (error) {
      this.options.logger.warn(`live: cannot look up packet ${packetId}: ${String(error)}`);
      return;
    }
    if (packet.status === 'finished') await this.onFinished({ packetId, luckiest: packet.luckiest });
    if (packet.status === 'expired') await this.onExpired({ packetId, refundedMb: packet.remainingMb });
  }

  private async sweep(): Promise<void> {
    const overdueBeforeMs = this.options.now() - EXPIRY_GRACE_MS;
    const overdue = [...this.packets.values()].filter((packet) => packet.expiresAtMs < overdueBeforeMs);
    for (const packet of overdue) {
      await this.reconcile(packet.packetId);
      // Still open long past its expiry means the service cannot tell; stop following it.
      if (this.packets.get(packet.packetId) === packet) this.untrack(packet);
    }
  }

  private untrack(packet: TrackedPacket): void {
    this.clearTimer(packet);
    this.packets.delete(packet.packetId);
    this.ended.add(packet.packetId);
    if (this.ended.size > MAX_TRACKED_PACKETS) this.ended.delete(this.ended.values().next().value as string);
    if (this.socket?.connected === true) this.socket.emit('unsubscribe', { packetId: packet.packetId });
  }

  private clearTimer(packet: TrackedPacket): void {
    if (packet.timer !== null) clearTimeout(packet.timer);
    packet.timer = null;
  }

  private async say(roomId: string, text: string): Promise<void> {
    try {
      await this.options.say(roomId, text);
    } catch (error) {
      this.options.logger.warn(`live: cannot post in room ${roomId}: ${String(error)}`);
    }
  }
}
