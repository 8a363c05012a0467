import { z } from 'zod';
import { RedPacketCoverSchema, RedPacketRecordsQuerySchema, RedPacketRecordsSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUserId } from '../auth';
import type { RedPacketService } from '../../modules/red-packets/service';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';

const PacketId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');

/** The app's views of red packets: a link's public cover, and 红包记录 (issue 16). */
export function addRedPacketRecordRoutes(api: Api, packets: RedPacketService): void {
  api.add(
    {
      method: 'get',
      path: '/red-packets/:id/cover',
      tag: 'red-packets',
      summary: "A packet's cover for whoever holds its link, signed in or not: sender, greeting, kind, status; never the grabs or amounts",
      access: 'none',
      response: RedPacketCoverSchema,
    },
    async (_ctx, { params }) => packets.cover(PacketId.parse(params.id)),
  );
  api.add(
    {
      method: 'get',
      path: '/me/red-packets',
      tag: 'red-packets',
      summary: '红包记录: the packets you sent (role=sent) or grabbed from (role=received), newest first, with totals and times 手气最佳',
      access: 'user-id',
      query: RedPacketRecordsQuerySchema,
      response: RedPacketRecordsSchema,
    },
    async (ctx, { query }) => packets.records(callerUserId(ctx), query.role, query.limit ?? 20, query.cursor),
  );
}
