import type { Context } from 'koa';
import {
  BotBindingRequestSchema,
  BotBindingSchema,
  BotOutboxClaimRequestSchema,
  BotOutboxClaimSchema,
  BotOutboxResultRequestSchema,
  BotOutboxResultSchema,
  ChatIdSchema,
  RoomGrabRequestSchema,
  RoomGrabResultSchema,
  RoomMemberAddSchema,
  RoomMembersReplaceSchema,
  RoomMembersSchema,
  type User,
} from '@liuliang/shared';
import type { Api } from '../api';
import { forbidden, invalidInput, notFound } from '../../platform/errors';
import type { Caller } from '../auth';
import type { BotService } from '../../modules/bot/service';

/** Room and contact ids arrive in the path; they obey the same rule as in a body. */
function chatIdParam(value: string | undefined, name: string): string {
  const parsed = ChatIdSchema.safeParse(value);
  if (!parsed.success) throw invalidInput(`Invalid params.${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

function messageIdParam(value: string | undefined): string {
  if (!value || !/^\d{1,20}$/.test(value)) throw notFound('No such wechat message.');
  return value;
}

/** The user the bot acts for in this request: the current binding of its X-Acting-Contact. */
function actingUser(ctx: Context): User {
  const caller = ctx.state.caller as Caller;
  if (caller.kind !== 'user') throw forbidden('Grabbing acts for a user: send X-Acting-Contact with the contact who spoke.');
  return caller.user;
}

/** The bot's own endpoints (SPEC §4): `Authorization: Bot <token>` only; a user's token is refused with 403. */
export function addBotRoutes(api: Api, bot: BotService): void {
  api.add(
    {
      method: 'post',
      path: '/bot/bindings',
      tag: 'bot',
      summary: "Bind a chat contact to the user of a phone, with the SMS code sent to it (registers a new number; replaces the contact's and the user's earlier binding)",
      access: 'bot',
      movesData: true,
      body: BotBindingRequestSchema,
      response: BotBindingSchema,
      resume: (_ctx, ref) => bot.binding(ref.id),
    },
    async (_ctx, { body, outcome }) => bot.bind(body, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/bot/bindings/:contactId',
      tag: 'bot',
      summary: 'The user a chat contact is bound to, or 403 CONTACT_NOT_BOUND',
      access: 'bot',
      response: BotBindingSchema,
    },
    async (_ctx, { params }) => bot.binding(chatIdParam(params.contactId, 'contactId')),
  );
  api.add(
    {
      method: 'put',
      path: '/bot/rooms/:roomId/members',
      tag: 'bot',
      summary: 'Replace the member list of a chat room (at most 5000 contacts)',
      access: 'bot',
      body: RoomMembersReplaceSchema,
      response: RoomMembersSchema,
    },
    async (_ctx, { body, params }) => bot.replaceRoomMembers(chatIdParam(params.roomId, 'roomId'), body.contactIds),
  );
  api.add(
    {
      method: 'post',
      path: '/bot/rooms/:roomId/members',
      tag: 'bot',
      summary: 'A contact joined a chat room',
      access: 'bot',
      body: RoomMemberAddSchema,
      response: RoomMembersSchema,
    },
    async (_ctx, { body, params }) => bot.addRoomMember(chatIdParam(params.roomId, 'roomId'), body.contactId),
  );
  api.add(
    { method: 'delete', path: '/bot/rooms/:roomId/members/:contactId', tag: 'bot', summary: 'A contact left a chat room', access: 'bot', response: RoomMembersSchema },
    async (_ctx, { params }) => bot.removeRoomMember(chatIdParam(params.roomId, 'roomId'), chatIdParam(params.contactId, 'contactId')),
  );
  api.add(
    {
      method: 'post',
      path: '/bot/rooms/:roomId/grab',
      tag: 'bot',
      summary: 'Grab, for the acting user, the newest open packet of the room without a passphrase, or with the one given; 404 when none matches, else as /red-packets/{id}/grab',
      access: 'bot',
      movesData: true,
      idempotencyStore: 'redis',
      body: RoomGrabRequestSchema,
      response: RoomGrabResultSchema,
    },
    async (ctx, { body, params }) => bot.grabInRoom(actingUser(ctx), chatIdParam(params.roomId, 'roomId'), body.passphrase),
  );
  api.add(
    {
      method: 'post',
      path: '/bot/outbox/claim',
      tag: 'bot',
      summary: 'Lease due wechat messages whose recipient has a bound contact, for the bot to deliver',
      access: 'bot',
      body: BotOutboxClaimRequestSchema,
      response: BotOutboxClaimSchema,
    },
    async (_ctx, { body }) => ({ items: await bot.claimOutbox(body.limit) }),
  );
  api.add(
    {
      method: 'post',
      path: '/bot/outbox/:id/result',
      tag: 'bot',
      summary: 'Report a claimed wechat message sent, or failed (retried with backoff, then failed for good)',
      access: 'bot',
      body: BotOutboxResultRequestSchema,
      response: BotOutboxResultSchema,
    },
    async (_ctx, { body, params }) => bot.reportOutboxResult(messageIdParam(params.id), body),
  );
}
