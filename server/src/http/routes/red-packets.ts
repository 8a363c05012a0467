import { z } from 'zod';
import { GrabRequestSchema, GrabResultSchema, RedPacketCreateSchema, RedPacketSchema, pageOf } from '@liuliang/shared';
import type { Api } from '../api';
import type { ClaimInWork } from '../../platform/claims-in-work';
import { callerUser, callerUserId, type Caller } from '../auth';
import type { RedPacketService } from '../../modules/red-packets/service';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';

/** An id that cannot name a packet becomes one that names none: the answer is 404 either way. */
const PacketId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');

export function addRedPacketRoutes(api: Api, packets: RedPacketService): void {
  api.add(
    {
      method: 'post',
      path: '/red-packets',
      tag: 'red-packets',
      summary: 'Send a red packet (random or equal split), shared by link or into a chat room',
      access: 'user',
      movesData: true,
      body: RedPacketCreateSchema,
      response: RedPacketSchema,
      status: 201,
      resume: (ctx, ref) => packets.view(callerUserId(ctx), ref.id),
    },
    async (ctx, { body, outcome }) => packets.create(callerUser(ctx), body, (ctx.state.caller as Caller & { viaBot?: boolean }).viaBot === true, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/red-packets/:id',
      tag: 'red-packets',
      summary: 'A red packet with its grabs and, once finished, the luckiest grabber',
      access: 'user-or-bot',
      response: RedPacketSchema,
    },
    async (ctx, { params }) => packets.view((ctx.state.caller as Caller).kind === 'bot' ? null : callerUserId(ctx), PacketId.parse(params.id)),
  );
  api.add(
    {
      method: 'get',
      path: '/red-packets',
      tag: 'red-packets',
      summary: "A chat room's packets, newest first: for members of the room (403 NOT_IN_ROOM) and the bot",
      access: 'user-or-bot',
      query: z.object({ roomId: z.string().min(1).max(128), status: z.enum(['open', 'finished', 'expired']).optional(), limit: z.coerce.number().int().min(1).max(50).optional() }),
      response: pageOf(RedPacketSchema),
    },
    async (ctx, { query }) => {
      const viewerUserId = (ctx.state.caller as Caller).kind === 'bot' ? null : callerUserId(ctx);
      return { items: await packets.listInRoom(viewerUserId, query.roomId, query.status, query.limit ?? 10), nextCursor: null };
    },
  );
  api.add(
    {
      method: 'post',
      path: '/red-packets/:id/grab',
      tag: 'red-packets',
      summary: 'Grab a share; a user who holds one gets it again (a retry is safe). 409 SOLD_OUT / EXPIRED, 403 WRONG_PASSPHRASE / NOT_IN_ROOM, 429 after 5 wrong passphrases',
      access: 'user-id',
      movesData: true,
      // The grab's script claims the key itself: a loser costs one Redis round trip.
      idempotencyStore: 'redisInWork',
      body: GrabRequestSchema,
      response: GrabResultSchema,
    },
    async (ctx, { body, params }) => packets.grab({ id: callerUserId(ctx) }, PacketId.parse(params.id), body.passphrase, ctx.state.claimInWork as ClaimInWork | undefined),
  );
}
