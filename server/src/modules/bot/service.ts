import { ROOM_MEMBERS_MAX, type BotBinding, type BotBindingRequest, type BotOutboxItem, type BotOutboxResult, type BotOutboxResultRequest, type RoomGrabResult, type RoomMembers, type User } from '@liuliang/shared';
import { DomainError, limitExceeded, notFound } from '../../platform/errors';
import { inTransaction } from '../../db/sql';
import type { Deps } from '../../deps';
import { botTexts } from './messages';
import type { AuthService } from '../auth/service';
import { lockUser } from '../auth';
import type { RedPacketService } from '../red-packets/service';
import { addMember, bindContact, countMembers, findBinding, removeMember, replaceMembers } from './bindings';
import { claimWechatMessages, recordWechatResult } from './wechat-outbox';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';

/** What the bot's service is made of: the database and the clock. */
export type BotDeps = Pick<Deps, 'dataSource' | 'clock'>;

/** Open packets of one room looked at for a grab; a room never has nearly this many open at once. */
export const ROOM_GRAB_CANDIDATES_MAX = 50;

/**
 * What the chat bot asks of the service beyond the ordinary API (SPEC §4, §3.3, §6): binding a
 * chat contact to a user by the SMS code of their phone, keeping room member lists, grabbing
 * "the packet in this room" by 抢 or by saying its passphrase, and delivering wechat messages.
 */
export class BotService {
  constructor(
    private readonly deps: BotDeps,
    private readonly auth: AuthService,
    private readonly redPackets: RedPacketService,
  ) {}

  /**
   * Binds a contact to the user of a phone, proven by the code sent to that phone; the first
   * binding registers the number, as a first sign-in does (waiting gifts are credited). A user
   * has one contact: binding from a new contact releases the old one, so a recycled or moved
   * phone number never leaves a stranger's account acting for its owner.
   */
  async bind(request: BotBindingRequest, outcome: OutcomeRecorder = untrackedOutcome): Promise<BotBinding> {
    const { dataSource, clock } = this.deps;
    // Guesses are counted per chat contact: every contact reaches us from the bot's one address.
    await this.auth.consumeCode(request.phone, request.code, `contact:${request.contactId}`);
    const user = await this.auth.findOrRegister(request.phone);
    await inTransaction(dataSource, async (sql) => {
      // The user's row serialises bindings of one user, so "one contact per user" holds under races.
      await lockUser(sql, user.id);
      await outcome.record(sql, { type: 'binding', id: request.contactId });
      await bindContact(sql, request.contactId, user.id, clock.now());
    });
    return { contactId: request.contactId, userId: user.id, phone: user.phone, nickname: user.nickname };
  }

  async binding(contactId: string): Promise<BotBinding> {
    const binding = await findBinding(this.deps.dataSource.manager, contactId);
    if (!binding) throw new DomainError('CONTACT_NOT_BOUND', botTexts.contactNotBound);
    return binding;
  }

  async replaceRoomMembers(roomId: string, contactIds: readonly string[]): Promise<RoomMembers> {
    const { dataSource, clock } = this.deps;
    const unique = [...new Set(contactIds)];
    return inTransaction(dataSource, async (sql) => {
      await replaceMembers(sql, roomId, unique, clock.now());
      return { roomId, memberCount: await countMembers(sql, roomId) };
    });
  }

  async addRoomMember(roomId: string, contactId: string): Promise<RoomMembers> {
    const { dataSource, clock } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      await addMember(sql, roomId, contactId, clock.now());
      const memberCount = await countMembers(sql, roomId);
      // Checked after the insert, inside the transaction: a refused join leaves nothing behind.
      if (memberCount > ROOM_MEMBERS_MAX) throw limitExceeded({ rule: 'room.members', limit: ROOM_MEMBERS_MAX }, botTexts.roomTooLarge(ROOM_MEMBERS_MAX));
      return { roomId, memberCount };
    });
  }

  async removeRoomMember(roomId: string, contactId: string): Promise<RoomMembers> {
    const { dataSource } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      await removeMember(sql, roomId, contactId);
      return { roomId, memberCount: await countMembers(sql, roomId) };
    });
  }

  /**
   * Grabs "the" packet of a room for a chat message: without a passphrase, the newest open
   * packet that has none; with one, the newest open packet whose passphrase is exactly it.
   * Packets the user already holds a share of are passed over, so after grabbing the newest
   * packet "抢" grabs the one before it; only when every match is already theirs is the answer
   * ALREADY_GRABBED. The grab itself is RedPacketService.grab, with all its answers.
   */
  async grabInRoom(user: User, roomId: string, passphrase: string | undefined): Promise<RoomGrabResult> {
    const wanted = passphrase?.trim();
    const matches = await this.redPackets.openPacketsInRoom(roomId, user.id, wanted, ROOM_GRAB_CANDIDATES_MAX);
    const packet = matches.find((row) => !row.grabbed);
    if (!packet) {
      if (matches.length > 0) throw new DomainError('ALREADY_GRABBED', botTexts.alreadyGrabbedInRoom);
      throw notFound(wanted === undefined ? botTexts.noOpenPacket : botTexts.noPacketWithPassphrase);
    }
    const packetId = packet.id;
    const result = await this.redPackets.grab(user, packetId, wanted);
    return { packetId, ...result };
  }

  claimOutbox(limit: number): Promise<BotOutboxItem[]> {
    return claimWechatMessages(this.deps, limit);
  }

  reportOutboxResult(messageId: string, result: BotOutboxResultRequest): Promise<BotOutboxResult> {
    return recordWechatResult(this.deps, messageId, result);
  }
}
