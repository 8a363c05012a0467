import { TipLeaderboardQuerySchema, TipLeaderboardSchema, TipRequestSchema, TipSchema } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, callerUserId } from '../auth';
import type { TipService } from '../../modules/tips/service';

export function addTipRoutes(api: Api, tips: TipService): void {
  api.add(
    {
      method: 'post',
      path: '/tips',
      tag: 'tips',
      summary: "Tip (打赏) a red packet's sender, a crowdfund's creator, or a user (by the user id the API shows); 422 SELF_TIP",
      access: 'user',
      movesData: true,
      body: TipRequestSchema,
      response: TipSchema,
      status: 201,
      resume: (ctx, ref) => tips.get({ id: callerUserId(ctx) }, ref.id),
    },
    async (ctx, { body, outcome }) => tips.tip(callerUser(ctx), body, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/tips/leaderboard',
      tag: 'tips',
      summary: "A target's tippers by total, then by who tipped first: for those who may see the target; a user's only for that user",
      access: 'user',
      query: TipLeaderboardQuerySchema,
      response: TipLeaderboardSchema,
    },
    async (ctx, { query }) => tips.leaderboard({ id: callerUserId(ctx) }, query),
  );
}
