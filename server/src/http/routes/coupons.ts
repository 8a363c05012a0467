import type { Context } from 'koa';
import { z } from 'zod';
import { CouponBatchCreateRequestSchema, CouponBatchSchema, CouponRedeemRequestSchema, CouponRedeemResultSchema, pageOf } from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, type Caller } from '../auth';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';
import type { Actor } from '../../modules/sponsors/service';
import type { CouponService } from '../../modules/coupons/service';

/** An id that cannot name a sponsor or a batch names none: 404 either way. */
const OpaqueId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');
const ids = (params: Record<string, string>) => ({ sid: OpaqueId.parse(params.sid), bid: OpaqueId.parse(params.bid) });

function actorOf(ctx: Context): Actor {
  return { user: callerUser(ctx), viaBot: (ctx.state.caller as Caller & { viaBot?: boolean }).viaBot === true };
}

/** Coupons (SPEC §3.8): a sponsor's batches and their one download, and redeeming a code. */
export function addCouponRoutes(api: Api, coupons: CouponService): void {
  api.add(
    {
      method: 'post',
      path: '/sponsors/:sid/coupon-batches',
      tag: 'sponsors',
      summary: "Issue a batch of coupon codes (owner, staff): its whole value moves from the sponsor's budget into the batch's escrow; 422 INSUFFICIENT_BUDGET",
      access: 'user',
      movesData: true,
      body: CouponBatchCreateRequestSchema,
      response: CouponBatchSchema,
      status: 201,
      resume: (ctx, ref) => coupons.batch(actorOf(ctx), ids(ctx.params).sid, ref.id),
    },
    async (ctx, { body, params, outcome }) => coupons.createBatch(actorOf(ctx), ids(params).sid, body, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/sponsors/:sid/coupon-batches',
      tag: 'sponsors',
      summary: "The sponsor's coupon batches, newest first, with how many were redeemed",
      access: 'user',
      response: pageOf(CouponBatchSchema),
    },
    async (ctx, { params }) => ({ items: await coupons.listBatches(actorOf(ctx), ids(params).sid), nextCursor: null }),
  );
  api.add(
    { method: 'get', path: '/sponsors/:sid/coupon-batches/:bid', tag: 'sponsors', summary: 'One coupon batch', access: 'user', response: CouponBatchSchema },
    async (ctx, { params }) => coupons.batch(actorOf(ctx), ids(params).sid, ids(params).bid),
  );
  api.add(
    {
      method: 'get',
      path: '/sponsors/:sid/coupon-batches/:bid/codes',
      tag: 'sponsors',
      summary: 'The batch’s codes as CSV, exactly once (owner, staff); then 410 GONE for good',
      access: 'user',
    },
    async (ctx, { params }) => {
      const { filename, csv } = await coupons.downloadCodes(actorOf(ctx), ids(params).sid, ids(params).bid);
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
      // Bearer value shown once: no cache anywhere may keep a copy.
      ctx.set('Cache-Control', 'no-store');
      return csv;
    },
  );
  api.add(
    {
      method: 'post',
      path: '/coupons/redeem',
      tag: 'coupons',
      summary:
        'Redeem a coupon code into the wallet → {amountMb, title, sponsor}; 404 COUPON_NOT_FOUND, 409 ALREADY_REDEEMED / NOT_YET_VALID / EXPIRED, 429 after too many wrong codes',
      access: 'user',
      movesData: true,
      body: CouponRedeemRequestSchema,
      response: CouponRedeemResultSchema,
      resume: (ctx, ref) => coupons.redemption(actorOf(ctx), ref.id),
    },
    async (ctx, { body, outcome }) => coupons.redeem(actorOf(ctx), body.code, outcome),
  );
}
