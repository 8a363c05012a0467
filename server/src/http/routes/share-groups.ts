import { z } from 'zod';
import { ShareGroupAmountSchema, ShareGroupCreateSchema, ShareGroupMemberAddSchema, ShareGroupSchema, pageOf, type ShareGroup, type User } from '@liuliang/shared';
import type { Api } from '../api';
import type { Resume } from '../idempotency';
import type { OutcomeRecorder } from '../../platform/outcomes';
import { callerUser } from '../auth';
import type { ShareGroupService } from '../../modules/share-groups/service';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';

/** An id that cannot name a group becomes one that names none: the answer is 404 either way. */
const GroupId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');
/** A member is named by user id (digits) or, still pending, by membership id (opaque). */
const MemberRef = z
  .string()
  .regex(/^(\d{1,20}|[0-9a-hjkmnp-tv-z]{1,32})$/)
  .catch('-');

export function addShareGroupRoutes(api: Api, groups: ShareGroupService): void {
  const resume: Resume = (ctx, ref) => groups.view(callerUser(ctx), ref.id);
  api.add(
    {
      method: 'post',
      path: '/share-groups',
      tag: 'share-groups',
      summary: 'Create a family share group; the caller is its owner and first member. 409 ALREADY_IN_GROUP: one group per person',
      access: 'user',
      movesData: true,
      body: ShareGroupCreateSchema,
      response: ShareGroupSchema,
      status: 201,
      resume,
    },
    async (ctx, { body, outcome }) => groups.create(callerUser(ctx), body, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/share-groups',
      tag: 'share-groups',
      summary: 'The share group the caller belongs to (owner or member), in list shape: at most one',
      access: 'user',
      response: pageOf(ShareGroupSchema),
    },
    async (ctx) => ({ items: await groups.listMine(callerUser(ctx)), nextCursor: null }),
  );
  api.add(
    {
      method: 'get',
      path: '/share-groups/:id',
      tag: 'share-groups',
      summary: 'A share group, for its owner and members (404 for anyone else)',
      access: 'user',
      response: ShareGroupSchema,
    },
    async (ctx, { params }) => groups.view(callerUser(ctx), GroupId.parse(params.id)),
  );
  api.add(
    {
      method: 'post',
      path: '/share-groups/:id/members',
      tag: 'share-groups',
      summary:
        'Owner only: add a member by phone; a number not yet registered joins at its first sign-in. 409 ALREADY_IN_GROUP, 422 LIMIT_EXCEEDED, 429 RATE_LIMITED (adds text the number: 3 a day per number and group, 30 a day per owner)',
      access: 'user',
      body: ShareGroupMemberAddSchema,
      response: ShareGroupSchema,
      status: 201,
    },
    async (ctx, { body, params }) => groups.addMember(callerUser(ctx), GroupId.parse(params.id), body.phone),
  );
  api.add(
    {
      method: 'delete',
      path: '/share-groups/:id/members/:userId',
      tag: 'share-groups',
      summary: "Owner only: remove a member, by user id or (a number still pending) by the member's memberId. What they drew stays theirs",
      access: 'user',
      response: ShareGroupSchema,
    },
    async (ctx, { params }) => groups.removeMember(callerUser(ctx), GroupId.parse(params.id), MemberRef.parse(params.userId)),
  );
  const poolRoute = (action: 'fund' | 'reclaim' | 'draw', summary: string, run: (user: User, groupId: string, amountMb: number, outcome: OutcomeRecorder) => Promise<ShareGroup>) =>
    api.add(
      {
        method: 'post',
        path: `/share-groups/:id/${action}`,
        tag: 'share-groups',
        summary,
        access: 'user',
        movesData: true,
        body: ShareGroupAmountSchema,
        response: ShareGroupSchema,
        resume,
      },
      async (ctx, { body, params, outcome }) => run(callerUser(ctx), GroupId.parse(params.id), body.amountMb, outcome),
    );
  poolRoute('fund', 'Owner only: move data from the wallet into the pool → the group', (user, id, amountMb, outcome) => groups.fund(user, id, amountMb, outcome));
  poolRoute('reclaim', 'Owner only: take data back from the pool → the group. 422 INSUFFICIENT_POOL', (user, id, amountMb, outcome) => groups.reclaim(user, id, amountMb, outcome));
  poolRoute(
    'draw',
    'Member: draw from the pool into the wallet within the monthly quota (Asia/Shanghai months) → the group. 422 QUOTA_EXCEEDED / INSUFFICIENT_POOL',
    (user, id, amountMb, outcome) => groups.draw(user, id, amountMb, outcome),
  );
  api.add(
    {
      method: 'delete',
      path: '/share-groups/:id',
      tag: 'share-groups',
      summary: 'Owner only: close the group; the whole pool goes back to the owner and every member is released',
      access: 'user',
      movesData: true,
      response: ShareGroupSchema,
      resume,
    },
    async (ctx, { params, outcome }) => groups.close(callerUser(ctx), GroupId.parse(params.id), outcome),
  );
}
