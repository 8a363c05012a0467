import type { Context } from 'koa';
import { z } from 'zod';
import {
  ActivityCreateRequestSchema,
  ActivityUpdateRequestSchema,
  AudienceQuerySchema,
  AudienceSchema,
  BroadcastRequestSchema,
  BroadcastSchema,
  ActivityReportQuerySchema,
  ActivityReportSchema,
  ActivityRewardLineSchema,
  ActivitySchema,
  CheckinResultSchema,
  HelpResultSchema,
  InviteCodeSchema,
  ShareSchema,
  MySponsorsSchema,
  OpsSponsorSchema,
  PageQuerySchema,
  OperatorGrantRequestSchema,
  OperatorGrantSchema,
  PhoneSchema,
  SponsorCreateRequestSchema,
  SponsorMemberAddRequestSchema,
  SponsorSchema,
  SponsorUpdateRequestSchema,
  TopupRequestSchema,
  TopupSchema,
  pageOf,
} from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, type Caller } from '../auth';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';
import type { Deps } from '../../deps';
import type { Actor, SponsorService } from '../../modules/sponsors/service';
import type { ActivityService } from '../../modules/sponsors/activities';
import type { ParticipationService } from '../../modules/sponsors/participation';
import { activityRewards, activityRewardsCsv } from '../../modules/sponsors/report';

/** An id that cannot name a sponsor or an activity names none: 404 either way. */
const OpaqueId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');
const PhoneParam = PhoneSchema.catch('00000000000');

export function actorOf(ctx: Context): Actor {
  return { user: callerUser(ctx), viaBot: (ctx.state.caller as Caller & { viaBot?: boolean }).viaBot === true };
}

const ids = (params: Record<string, string>) => ({ sid: OpaqueId.parse(params.sid), aid: OpaqueId.parse(params.aid) });

/** Operators' endpoints (SPEC §4 second wave, `/ops`): operators, sponsors, top-ups. */
export function addOpsRoutes(api: Api, sponsors: SponsorService): void {
  api.add(
    {
      method: 'post',
      path: '/ops/operators',
      tag: 'ops',
      summary: 'Make a phone number an operator (admin only); applies from its first sign-in if it has none yet',
      access: 'user',
      body: OperatorGrantRequestSchema,
      response: OperatorGrantSchema,
    },
    async (ctx, { body }) => sponsors.grantOperator(actorOf(ctx), body.phone, body.role),
  );
  api.add(
    {
      method: 'post',
      path: '/ops/sponsors',
      tag: 'ops',
      summary: 'Create a sponsor with its first owner (admin, finance); an Idempotency-Key makes a retry the same sponsor',
      access: 'user',
      movesData: true,
      body: SponsorCreateRequestSchema,
      response: SponsorSchema,
      status: 201,
      resume: (ctx, ref) => sponsors.get(actorOf(ctx), ref.id),
    },
    async (ctx, { body, outcome }) => sponsors.create(actorOf(ctx), body.name, body.ownerPhone, outcome),
  );
  api.add(
    {
      method: 'post',
      path: '/ops/sponsors/:sid/topups',
      tag: 'ops',
      summary: "Record a paid top-up: data from sponsor_purchases into the sponsor's budget (admin, finance); one per reference",
      access: 'user',
      movesData: true,
      body: TopupRequestSchema,
      response: TopupSchema,
      status: 201,
      resume: (ctx, ref) => sponsors.topupById(actorOf(ctx), OpaqueId.parse(ctx.params.sid), ref.id),
    },
    async (ctx, { body, params, outcome }) => sponsors.topup(actorOf(ctx), OpaqueId.parse(params.sid), body.amountMb, body.reference, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/ops/sponsors',
      tag: 'ops',
      summary: 'Every sponsor, newest first, with its available budget, warning levels and where the budget stands (operators)',
      access: 'user',
      query: PageQuerySchema,
      response: pageOf(OpsSponsorSchema),
    },
    async (ctx, { query }) => sponsors.list(actorOf(ctx), query),
  );
}

/** A sponsor's own endpoints: the sponsor, its members, its activities and their reports. */
export function addSponsorRoutes(api: Api, deps: Deps, sponsors: SponsorService, activities: ActivityService): void {
  api.add(
    {
      method: 'get',
      path: '/sponsors/mine',
      tag: 'sponsors',
      summary: 'The sponsors the caller belongs to, with role, budget and thresholds',
      access: 'user',
      response: MySponsorsSchema,
    },
    async (ctx) => ({ items: await sponsors.mine(actorOf(ctx)) }),
  );
  api.add(
    { method: 'get', path: '/sponsors/:sid', tag: 'sponsors', summary: 'A sponsor, for its members and operators', access: 'user', response: SponsorSchema },
    async (ctx, { params }) => sponsors.get(actorOf(ctx), ids(params).sid),
  );
  // PUT as well as PATCH: the mini-program's wx.request cannot send PATCH.
  for (const method of ['patch', 'put'] as const) {
    api.add(
      {
        method,
        path: '/sponsors/:sid',
        tag: 'sponsors',
        summary: 'Warning levels (warnMb > alertMb, 0 = off) and their contacts (owner only); a level moved is judged against the budget at once',
        access: 'user',
        body: SponsorUpdateRequestSchema,
        response: SponsorSchema,
      },
      async (ctx, { body, params }) => sponsors.update(actorOf(ctx), ids(params).sid, body),
    );
  }
  api.add(
    {
      method: 'post',
      path: '/sponsors/:sid/members',
      tag: 'sponsors',
      summary: 'Add a member or change their role (owner only)',
      access: 'user',
      body: SponsorMemberAddRequestSchema,
      response: SponsorSchema,
    },
    async (ctx, { body, params }) => sponsors.addMember(actorOf(ctx), ids(params).sid, body.phone, body.role),
  );
  api.add(
    {
      method: 'delete',
      path: '/sponsors/:sid/members/:phone',
      tag: 'sponsors',
      summary: 'Remove a member (owner only); the last owner stays',
      access: 'user',
      response: SponsorSchema,
    },
    async (ctx, { params }) => sponsors.removeMember(actorOf(ctx), ids(params).sid, PhoneParam.parse(params.phone)),
  );
  api.add(
    {
      method: 'post',
      path: '/sponsors/:sid/activities',
      tag: 'sponsors',
      summary: 'Create an activity as a draft; 400 UNKNOWN_TEMPLATE_VARIABLE',
      access: 'user',
      body: ActivityCreateRequestSchema,
      response: ActivitySchema,
      status: 201,
    },
    async (ctx, { body, params }) => activities.create(actorOf(ctx), ids(params).sid, body),
  );
  api.add(
    {
      method: 'get',
      path: '/sponsors/:sid/activities',
      tag: 'sponsors',
      summary: "The sponsor's activities, newest first, a page at a time",
      access: 'user',
      query: PageQuerySchema,
      response: pageOf(ActivitySchema),
    },
    async (ctx, { params, query }) => activities.listForSponsor(actorOf(ctx), ids(params).sid, query),
  );
  api.add(
    { method: 'get', path: '/sponsors/:sid/activities/:aid', tag: 'sponsors', summary: 'One of the sponsor’s activities', access: 'user', response: ActivitySchema },
    async (ctx, { params }) => activities.sponsorView(actorOf(ctx), ids(params).sid, ids(params).aid),
  );
  // PATCH as the issue names it, and PUT with the same body: weapp's wx.request cannot send PATCH.
  for (const method of ['patch', 'put'] as const) {
    api.add(
      {
        method,
        path: '/sponsors/:sid/activities/:aid',
        tag: 'sponsors',
        summary:
          'Change an activity: a draft in any field; a published or paused one in its templates and reminder time only (409 WRONG_STATE otherwise); 400 UNKNOWN_TEMPLATE_VARIABLE / UNBALANCED_TEMPLATE_BRACE / TEMPLATE_TOO_LONG with the position',
        access: 'user',
        body: ActivityUpdateRequestSchema,
        response: ActivitySchema,
      },
      async (ctx, { body, params }) => activities.update(actorOf(ctx), ids(params).sid, ids(params).aid, body),
    );
  }
  api.add(
    {
      method: 'get',
      path: '/sponsors/:sid/activities/:aid/broadcasts/audience',
      tag: 'sponsors',
      summary: 'How many people a broadcast to this audience would reach now, for the form',
      access: 'user',
      query: AudienceQuerySchema,
      response: AudienceSchema,
    },
    async (ctx, { params, query }) => activities.messages.audienceSize(actorOf(ctx), ids(params).sid, ids(params).aid, query.audience),
  );
  api.add(
    {
      method: 'post',
      path: '/sponsors/:sid/activities/:aid/broadcasts',
      tag: 'sponsors',
      summary:
        'Broadcast a template to participants or eligible_not_joined, now or at sendAt; rendered per person and sent in batches under the daily cap, quiet hours and opt-outs',
      access: 'user',
      movesData: true,
      body: BroadcastRequestSchema,
      response: BroadcastSchema,
      status: 201,
      resume: (ctx, ref) => activities.messages.broadcastById(actorOf(ctx), ids(ctx.params).sid, ids(ctx.params).aid, ref.id),
    },
    async (ctx, { body, params, outcome }) => activities.messages.broadcast(actorOf(ctx), ids(params).sid, ids(params).aid, body, outcome),
  );
  const resumeView = (ctx: Context) => activities.sponsorView(actorOf(ctx), ids(ctx.params).sid, ids(ctx.params).aid);
  api.add(
    {
      method: 'post',
      path: '/sponsors/:sid/activities/:aid/publish',
      tag: 'sponsors',
      summary: "Publish a draft: its budget moves from the sponsor's budget into its escrow; 422 INSUFFICIENT_BUDGET",
      access: 'user',
      movesData: true,
      response: ActivitySchema,
      resume: resumeView,
    },
    async (ctx, { params, outcome }) => activities.publish(actorOf(ctx), ids(params).sid, ids(params).aid, outcome),
  );
  api.add(
    { method: 'post', path: '/sponsors/:sid/activities/:aid/pause', tag: 'sponsors', summary: 'Pause a published activity', access: 'user', response: ActivitySchema },
    async (ctx, { params }) => activities.pause(actorOf(ctx), ids(params).sid, ids(params).aid),
  );
  api.add(
    { method: 'post', path: '/sponsors/:sid/activities/:aid/resume', tag: 'sponsors', summary: 'Resume a paused activity', access: 'user', response: ActivitySchema },
    async (ctx, { params }) => activities.resume(actorOf(ctx), ids(params).sid, ids(params).aid),
  );
  api.add(
    {
      method: 'post',
      path: '/sponsors/:sid/activities/:aid/end',
      tag: 'sponsors',
      summary: 'End an activity now; what its escrow holds returns to the budget, exactly once',
      access: 'user',
      movesData: true,
      response: ActivitySchema,
      resume: resumeView,
    },
    async (ctx, { params, outcome }) => activities.end(actorOf(ctx), ids(params).sid, ids(params).aid, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/sponsors/:sid/activities/:aid/report',
      tag: 'sponsors',
      summary: 'Spent, remaining, participants, rewards, messages and per-day numbers; ?format=csv for the rewards',
      access: 'user',
      query: ActivityReportQuerySchema,
      response: ActivityReportSchema,
    },
    async (ctx, { params, query }) => {
      const { sid, aid } = ids(params);
      if (query.format !== 'csv') return activities.report(actorOf(ctx), sid, aid);
      const csv = await activityRewardsCsv(deps, actorOf(ctx), sid, aid);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="activity-${aid}-rewards.csv"`);
      return csv;
    },
  );
  api.add(
    {
      method: 'get',
      path: '/sponsors/:sid/activities/:aid/rewards',
      tag: 'sponsors',
      summary: "The activity's rewards, newest first, a page at a time (the report's rows; the CSV has them all)",
      access: 'user',
      query: PageQuerySchema,
      response: pageOf(ActivityRewardLineSchema),
    },
    async (ctx, { params, query }) => activityRewards(deps, actorOf(ctx), ids(params).sid, ids(params).aid, query),
  );
}

/** A participant's endpoints: running activities and taking part in them. */
export function addActivityRoutes(api: Api, activities: ActivityService, participation: ParticipationService): void {
  api.add(
    {
      method: 'post',
      path: '/activities/:id/invite',
      tag: 'activities',
      summary: 'The caller’s invite code for an invite activity (the same one every time)',
      access: 'user',
      response: InviteCodeSchema,
    },
    async (ctx, { params }) => participation.inviteCode(actorOf(ctx), OpaqueId.parse(params.id)),
  );
  api.add(
    {
      method: 'post',
      path: '/activities/:id/share',
      tag: 'activities',
      summary: 'The caller’s share of a friend-help activity, with the link friends open',
      access: 'user',
      response: ShareSchema,
    },
    async (ctx, { params }) => participation.share(actorOf(ctx), OpaqueId.parse(params.id)),
  );
  api.add(
    {
      method: 'post',
      path: '/activities/shares/:code/help',
      tag: 'activities',
      summary: 'Help a friend’s share: each signed-in friend counts once, the sharer never; at helpersNeeded the sharer is rewarded once',
      access: 'user',
      movesData: true,
      response: HelpResultSchema,
      resume: (ctx, ref) => participation.helpResult(actorOf(ctx), ref.id),
    },
    async (ctx, { params, outcome }) => participation.help(actorOf(ctx), OpaqueId.parse(params.code), outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/activities',
      tag: 'activities',
      summary: 'Activities running now that the caller is eligible for, with the caller’s progress, soonest to end first, a page at a time',
      access: 'user',
      query: PageQuerySchema,
      response: pageOf(ActivitySchema),
    },
    async (ctx, { query }) => activities.listForUser(actorOf(ctx), query),
  );
  api.add(
    { method: 'get', path: '/activities/:id', tag: 'activities', summary: 'One activity with the caller’s progress', access: 'user', response: ActivitySchema },
    async (ctx, { params }) => activities.viewForUser(actorOf(ctx), OpaqueId.parse(params.id)),
  );
  api.add(
    {
      method: 'post',
      path: '/activities/:id/checkin',
      tag: 'activities',
      summary: 'Check in to a signin activity, once per Asia/Shanghai day → {amountMb, streak}; 409 ALREADY_CHECKED_IN / BUDGET_EXHAUSTED',
      access: 'user',
      movesData: true,
      response: CheckinResultSchema,
      resume: (ctx, ref) => activities.checkinResult(actorOf(ctx), ref.id),
    },
    async (ctx, { params, outcome }) => activities.checkIn(actorOf(ctx), OpaqueId.parse(params.id), outcome),
  );
}
