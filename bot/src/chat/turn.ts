/** A person in the chat, as the bot needs to know them. */
export interface ChatPerson {
  id: string;
  name: string;
}

/**
 * One message the bot answers, seen without Wechaty: who said it, where, and how to answer.
 * The command logic works on this, so it does not depend on any puppet.
 */
export interface ChatTurn {
  messageId: string;
  talker: ChatPerson;
  /** The room the message was said in; null for a direct message. */
  roomId: string | null;
  /** Answers the talker: in a room, with an @mention of them; in a direct message, plainly. */
  reply(text: string): Promise<void>;
  /** Says something to the talker alone, in the direct chat, even when they spoke in a room. */
  whisper(text: string): Promise<void>;
  /** Says something to the whole room (or the direct chat), without an @mention. */
  announce(text: string): Promise<void>;
  /** The contact a "@name" in the message stands for, or null when nobody here has that name. */
  findMentioned(name: string): Promise<ChatPerson | null>;
}
