import type { Contact, Room } from 'wechaty';
import type { Logger } from '../logger';
import type { ServiceClient } from '../service/client';
import { newMembersWelcomeText } from '../replies/commands';

/** Bounds the start-up sync; an account in more rooms than this is not a product account. */
export const MAX_ROOMS_SYNCED = 1000;

/**
 * Keeps the service's view of each room's members current (SPEC §3.3: only members grab a room
 * packet): the whole list on start, then each join and leave as it happens.
 */
export class RoomMembership {
  constructor(
    private readonly service: ServiceClient,
    private readonly logger: Logger,
    /** The bot's own contact id; the bot is not a member who grabs. */
    private readonly selfId: () => string | null,
  ) {}

  async syncAll(rooms: readonly Room[]): Promise<void> {
    if (rooms.length > MAX_ROOMS_SYNCED) this.logger.warn(`rooms: ${rooms.length} rooms, syncing the first ${MAX_ROOMS_SYNCED}`);
    for (const room of rooms.slice(0, MAX_ROOMS_SYNCED)) {
      await this.syncRoom(room);
    }
  }

  async syncRoom(room: Room): Promise<void> {
    try {
      const members = await room.memberAll();
      const contactIds = members.map((member) => member.id).filter((id) => id !== this.selfId());
      await this.service.replaceRoomMembers(room.id, contactIds);
    } catch (error) {
      this.logger.warn(`rooms: cannot sync members of ${room.id}: ${String(error)}`);
    }
  }

  async onJoin(room: Room, invitees: readonly Contact[]): Promise<void> {
    // The bot itself joining a room: the whole member list is new to the service.
    if (invitees.some((contact) => contact.id === this.selfId())) return this.syncRoom(room);
    for (const contact of invitees) {
      try {
        await this.service.addRoomMember(room.id, contact.id);
      } catch (error) {
        this.logger.warn(`rooms: cannot add ${contact.id} to ${room.id}: ${String(error)}`);
      }
    }
    // One welcome for everyone who joined together, after they can grab.
    try {
      await room.say(newMembersWelcomeText(invitees.map((contact) => contact.name())));
    } catch (error) {
      this.logger.warn(`rooms: cannot welcome new members of ${room.id}: ${String(error)}`);
    }
  }

  async onLeave(room: Room, leavers: readonly Contact[]): Promise<void> {
    if (leavers.some((contact) => contact.id === this.selfId())) {
      // The bot was removed: it can no longer see the room, so nobody there can grab through it.
      try {
        await this.service.replaceRoomMembers(room.id, []);
      } catch (error) {
        this.logger.warn(`rooms: cannot clear ${room.id}: ${String(error)}`);
      }
      return;
    }
    for (const contact of leavers) {
      try {
        await this.service.removeRoomMember(room.id, contact.id);
      } catch (error) {
        this.logger.warn(`rooms: cannot remove ${contact.id} from ${room.id}: ${String(error)}`);
      }
    }
  }
}
