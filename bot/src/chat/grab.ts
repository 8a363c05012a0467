import type { Lang } from '../commands/command';
import type { LiveReporter } from '../live/reporter';
import type { Logger } from '../logger';
import { bindFirstText, grabbedText, grabOnlyInRoomsText, passphraseNeededText } from '../replies/commands';
import { serviceErrorText } from '../replies/service-errors';
import { idempotencyKeyFor, type ServiceClient } from '../service/client';
import { trimPunctuation } from '@liuliang/shared';
import { hasCode, ServiceError } from '../service/errors';
import type { Binding, RoomGrabResult } from '../service/schemas';
import type { RepeatSuppressor } from './limits';
import type { ChatTurn } from './turn';

export interface GrabFlowDeps {
  service: ServiceClient;
  reporter: LiveReporter;
  /** Puts the room's current members on the service's list again. */
  resyncRoom: (roomId: string) => Promise<void>;
  suppressor: RepeatSuppressor;
  logger: Logger;
}

/** Errors that say the same thing to everyone in the room, so the room hears them once per window. */
const ROOM_WIDE_CODES = new Set(['SOLD_OUT', 'EXPIRED', 'NOT_FOUND']);

/**
 * Grabbing in a room: "抢" grabs the newest plain packet; saying a passphrase grabs the packet it
 * opens. Successful grabs are not answered one by one; the live report sums them up at a steady
 * pace, so a packet with two hundred shares does not become two hundred messages.
 *
 * Every grab names the contact who spoke, never a user: the service resolves the contact's
 * binding as it stands at that moment, so nothing here can grab for a stale binding.
 */
export class GrabFlow {
  constructor(private readonly deps: GrabFlowDeps) {}

  async grabPlain(turn: ChatTurn, lang: Lang): Promise<void> {
    if (turn.roomId === null) return turn.reply(grabOnlyInRoomsText(lang));
    try {
      const binding = await this.nameTalker(turn);
      const result = await this.grabWithResync(turn.talker.id, turn.roomId, undefined, turn.messageId);
      await this.reportGrab(result, binding, turn, lang);
    } catch (error) {
      // No plain packet open, but a passphrase packet is: say how to grab that one instead.
      const passphrases = this.deps.reporter.openPassphrases(turn.roomId);
      if (hasCode(error, 'NOT_FOUND') && passphrases.length > 0) return turn.reply(passphraseNeededText(passphrases, lang));
      await this.replyToFailure(error, turn, lang);
    }
  }

  /**
   * Ordinary room chat that may be a passphrase. Silence unless it opened a packet: chat that is
   * just chat must never get an answer.
   */
  async tryPassphrase(said: string, turn: ChatTurn, lang: Lang): Promise<void> {
    if (turn.roomId === null) return;
    // Punctuation around a passphrase ("芝麻开门！") is how people type, not part of it; a packet
    // whose passphrase really ends so (set on the web long ago) is still matched as said.
    const text = this.deps.reporter.isKnownPassphrase(turn.roomId, said) ? said : trimPunctuation(said);
    try {
      // Only a passphrase the bot knows is worth a look-up for naming; other chat goes straight to the grab.
      const binding = this.deps.reporter.isKnownPassphrase(turn.roomId, text) ? await this.nameTalker(turn) : null;
      const result = await this.grabWithResync(turn.talker.id, turn.roomId, text, turn.messageId);
      await this.reportGrab(result, binding ?? (await this.nameTalker(turn)), turn, lang);
    } catch (error) {
      if (hasCode(error, 'NOT_FOUND', 'WRONG_PASSPHRASE')) return;
      if (hasCode(error, 'CONTACT_NOT_BOUND')) {
        // Only a passphrase the bot knows is worth a hint; anything else is ordinary chat.
        const known = this.deps.reporter.isKnownPassphrase(turn.roomId, text);
        if (known && this.deps.suppressor.allow(`bind-hint:${turn.talker.id}`)) await turn.reply(bindFirstText(lang));
        return;
      }
      await this.replyToFailure(error, turn, lang);
    }
  }

  private async grabWithResync(contactId: string, roomId: string, passphrase: string | undefined, messageId: string): Promise<RoomGrabResult> {
    try {
      return await this.deps.service.grabInRoom(contactId, roomId, passphrase, idempotencyKeyFor(messageId));
    } catch (error) {
      if (!hasCode(error, 'NOT_IN_ROOM')) throw error;
      // The service's member list may lag the room (a join the bot missed while offline):
      // refresh it and try once more, under a new key since the first attempt was refused.
      await this.deps.resyncRoom(roomId);
      return this.deps.service.grabInRoom(contactId, roomId, passphrase, idempotencyKeyFor(messageId, 'after-resync'));
    }
  }

  /**
   * Which user the talker is, asked only to word the live summary (it decides nothing: the grab
   * names the contact). Asked before the grab, because the packet's live events (the luckiest
   * grabber's name) can arrive before the grab's own answer.
   */
  private async nameTalker(turn: ChatTurn): Promise<Binding | null> {
    const binding = await this.bindingForNaming(turn.talker.id);
    if (binding !== null) this.deps.reporter.rememberName(binding.userId, turn.talker.name);
    return binding;
  }

  private async reportGrab(result: RoomGrabResult, binding: Binding | null, turn: ChatTurn, lang: Lang): Promise<void> {
    // The last grab's answer can arrive after the packet's ending was posted with it in: once is enough.
    if (this.deps.reporter.hasEnded(result.packetId)) return;
    if (binding === null) return turn.reply(grabbedText(result.amountMb, lang));
    const grab: { userId: string; nickname: string; amountMb: number; remainingCount?: number } = {
      userId: binding.userId,
      nickname: turn.talker.name || binding.nickname,
      amountMb: result.amountMb,
    };
    if (!this.deps.reporter.isTracking(result.packetId) && turn.roomId !== null) {
      // A packet sent before this bot started: follow it from now on.
      try {
        const packet = await this.deps.service.getRedPacket(result.packetId);
        grab.remainingCount = packet.remainingCount;
        if (packet.status === 'open') this.deps.reporter.track(packet, turn.roomId, lang);
      } catch (error) {
        this.deps.logger.warn(`grab: cannot look up packet ${result.packetId}: ${String(error)}`);
      }
    }
    if (this.deps.reporter.isTracking(result.packetId)) {
      this.deps.reporter.recordGrab(result.packetId, grab);
    } else {
      await turn.reply(grabbedText(result.amountMb, lang));
    }
  }

  private async bindingForNaming(contactId: string): Promise<Binding | null> {
    try {
      return await this.deps.service.findBinding(contactId);
    } catch (error) {
      this.deps.logger.warn(`grab: cannot look up the binding of ${contactId}: ${String(error)}`);
      return null;
    }
  }

  private async replyToFailure(error: unknown, turn: ChatTurn, lang: Lang): Promise<void> {
    if (!(error instanceof ServiceError)) throw error;
    const key = ROOM_WIDE_CODES.has(error.code) ? `${turn.roomId}:${error.code}` : `${turn.roomId}:${turn.talker.id}:${error.code}`;
    if (!this.deps.suppressor.allow(key)) return;
    if (error.status === 0 || error.status >= 500) this.deps.logger.error(`grab for ${turn.talker.id} failed: ${error.code} ${error.message}`);
    await turn.reply(serviceErrorText(error, 'grab', lang));
  }
}
