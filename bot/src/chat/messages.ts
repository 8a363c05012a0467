import { types, type Contact, type Message, type Room } from 'wechaty';
import { normalizeText, parseCommand, PASSPHRASE_MAX_CHARS } from '../commands/parse';
import type { Logger } from '../logger';
import type { GrabFlow } from './grab';
import { stripMentionsOf } from './mentions';
import type { CommandRunner } from './runner';
import type { ChatPerson, ChatTurn } from './turn';

/**
 * A message older than this is history the chat delivered late (a reconnect, a restart); acting
 * on it minutes later would surprise the sender more than ignoring it.
 */
export const MAX_MESSAGE_AGE_MS = 5 * 60_000;

export interface MessageAnswererDeps {
  runner: CommandRunner;
  grabs: GrabFlow;
  logger: Logger;
}

/** Turns one Wechaty message into a command, a passphrase attempt, or nothing, and answers it. */
export async function answerMessage(message: Message, deps: MessageAnswererDeps): Promise<void> {
  if (message.self() || message.type() !== types.Message.Text) return;
  if (message.age() * 1000 > MAX_MESSAGE_AGE_MS) return;
  const room = message.room() ?? null;
  const talker = message.talker();
  const self = message.wechaty.currentUser;

  const mentions = room === null ? [] : await message.mentionList();
  const mentionsSelf = mentions.some((contact) => contact.id === self.id);
  const others = mentions.filter((contact) => contact.id !== self.id);
  const selfNames = room === null ? [] : [self.name(), (await room.alias(self)) ?? ''];
  const text = mentionsSelf ? stripMentionsOf(message.text(), selfNames) : message.text();
  const mentionNames = (await Promise.all(others.map((contact) => namesOf(contact, room)))).flat();

  const turn = await turnFor(message, talker, room, others);
  const outcome = parseCommand(text, { addressed: room === null || mentionsSelf, direct: room === null, mentionNames });
  switch (outcome.kind) {
    case 'command':
      return deps.runner.run(outcome.command, turn, outcome.lang);
    case 'error':
      return deps.runner.replyToParseError(outcome.error, turn, outcome.lang);
    case 'none': {
      const candidate = normalizeText(text);
      if (room === null || mentionsSelf || candidate === '' || candidate.length > PASSPHRASE_MAX_CHARS) return;
      return deps.grabs.tryPassphrase(candidate, turn, /[\u3400-\u9fff]/.test(candidate) || !/[a-z]/i.test(candidate) ? 'zh' : 'en');
    }
  }
}

async function namesOf(contact: Contact, room: Room | null): Promise<string[]> {
  const alias = room === null ? undefined : await room.alias(contact);
  return [contact.name(), alias ?? ''].filter((name) => name !== '');
}

async function personOf(contact: Contact, room: Room | null): Promise<ChatPerson> {
  const alias = room === null ? undefined : await room.alias(contact);
  return { id: contact.id, name: alias || contact.name() };
}

async function turnFor(message: Message, talker: Contact, room: Room | null, mentioned: readonly Contact[]): Promise<ChatTurn> {
  return {
    messageId: message.id,
    talker: await personOf(talker, room),
    roomId: room?.id ?? null,
    reply: async (text) => {
      await (room === null ? talker.say(text) : room.say(text, talker));
    },
    whisper: async (text) => {
      await talker.say(text);
    },
    announce: async (text) => {
      await (room === null ? talker.say(text) : room.say(text));
    },
    findMentioned: async (name) => {
      if (room === null) return null;
      const wanted = normalizeText(name);
      for (const contact of mentioned) {
        if ((await namesOf(contact, room)).some((candidate) => normalizeText(candidate) === wanted)) return personOf(contact, room);
      }
      // One @mention whose display text differs from the contact's name (an edited alias): it is still the one meant.
      const [only] = mentioned;
      if (mentioned.length === 1 && only !== undefined) return personOf(only, room);
      const member = (await room.member({ name })) ?? (await room.member({ roomAlias: name }));
      return member === undefined ? null : personOf(member, room);
    },
  };
}
