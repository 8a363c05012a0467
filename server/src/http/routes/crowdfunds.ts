import { z } from 'zod';
import { CrowdfundCreateSchema, CrowdfundListQuerySchema, CrowdfundPageSchema, CrowdfundSchema, PledgeRequestSchema, PledgeSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, callerUserId } from '../auth';
import type { CrowdfundService } from '../../modules/crowdfunds/service';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';

/** An id that cannot name a crowdfund becomes one that names none: the answer is 404 either way. */
const CrowdfundId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');

export function addCrowdfundRoutes(api: Api, crowdfunds: CrowdfundService): void {
  api.add(
    {
      method: 'post',
      path: '/crowdfunds',
      tag: 'crowdfunds',
      summary: 'Start a crowdfund (众筹): a title, a goal and a deadline; all or nothing',
      access: 'user',
      movesData: true,
      body: CrowdfundCreateSchema,
      response: CrowdfundSchema,
      status: 201,
      resume: (_ctx, ref) => crowdfunds.view(ref.id),
    },
    async (ctx, { body, outcome }) => crowdfunds.create(callerUser(ctx), body, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/crowdfunds',
      tag: 'crowdfunds',
      summary: "The caller's crowdfunds, newest first: those they created (mine=created, the default) or pledged to (mine=pledged)",
      access: 'user',
      query: CrowdfundListQuerySchema,
      response: CrowdfundPageSchema,
    },
    async (ctx, { query }) => crowdfunds.list(callerUser(ctx), query),
  );
  api.add(
    {
      method: 'get',
      path: '/crowdfunds/:id',
      tag: 'crowdfunds',
      summary: 'A crowdfund with its pledges: for anyone signed in who holds its id, and the bot',
      access: 'user-or-bot',
      response: CrowdfundSchema,
    },
    async (_ctx, { params }) => crowdfunds.view(CrowdfundId.parse(params.id)),
  );
  api.add(
    {
      method: 'post',
      path: '/crowdfunds/:id/pledges',
      tag: 'crowdfunds',
      summary: 'Pledge to an open crowdfund, capped at what is missing (amountMb says what was taken); 409 CLOSED',
      access: 'user',
      movesData: true,
      body: PledgeRequestSchema,
      response: PledgeSchema,
      status: 201,
      resume: (ctx, ref) => crowdfunds.pledgeView({ id: callerUserId(ctx) }, ref.id),
    },
    async (ctx, { body, params, outcome }) => crowdfunds.pledge(callerUser(ctx), CrowdfundId.parse(params.id), body.amountMb, outcome),
  );
  api.add(
    {
      method: 'post',
      path: '/crowdfunds/:id/cancel',
      tag: 'crowdfunds',
      summary: 'Cancel an open crowdfund (its creator only): every pledge is refunded; 409 CLOSED',
      access: 'user',
      movesData: true,
      response: CrowdfundSchema,
      resume: (_ctx, ref) => crowdfunds.view(ref.id),
    },
    async (ctx, { params, outcome }) => crowdfunds.cancel(callerUser(ctx), CrowdfundId.parse(params.id), outcome),
  );
}
