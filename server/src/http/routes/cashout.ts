import { z } from 'zod';
import {
  CashoutOrderListSchema,
  CashoutOrderRequestSchema,
  CashoutOrderSchema,
  CashoutOrderStatusSchema,
  CashoutProductListSchema,
  IncidentListSchema,
  OpsOrderListSchema,
  OpsOrderQuerySchema,
  PageQuerySchema,
  ReconciliationQuerySchema,
  ReconciliationSchema,
  SupplierCallbackAnswerSchema,
  SupplierCreateRequestSchema,
  SupplierListSchema,
  SupplierSchema,
  SupplierUpdateRequestSchema,
} from '@liuliang/shared';
import type { Api } from '../api';
import { OPAQUE_ID_PATTERN } from '../../platform/ids';
import { reconciliationCsv, type CashoutOpsService, type CashoutService, type ReconciliationService } from '../../modules/cashout';
import { actorOf } from './sponsors';

/** An id that cannot name an order or a supplier names none: 404 either way. */
const OpaqueId = z.string().regex(OPAQUE_ID_PATTERN).catch('-');
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** Cash-out to the phone (SPEC §3.7, §4 second wave), the suppliers' callbacks, and the operators' pages. */
export function addCashoutRoutes(api: Api, cashout: CashoutService, ops: CashoutOpsService, reconciliation: ReconciliationService): void {
  api.add(
    {
      method: 'get',
      path: '/cashout/products',
      tag: 'cashout',
      summary: "Packages for the caller's carrier, priced in wallet MB",
      access: 'user',
      response: CashoutProductListSchema,
    },
    async (ctx) => ({
      items: await cashout.products(actorOf(ctx)),
    }),
  );
  api.add(
    {
      method: 'post',
      path: '/cashout/orders',
      tag: 'cashout',
      summary: 'Cash data out to your own number: the price goes into the order at once; the order runs in the background',
      access: 'user',
      movesData: true,
      body: CashoutOrderRequestSchema,
      response: CashoutOrderSchema,
      status: 201,
      resume: (ctx, ref) => cashout.getOrder(actorOf(ctx), ref.id),
    },
    async (ctx, { body, outcome }) => cashout.placeOrder(actorOf(ctx), body.productId, outcome),
  );
  api.add(
    {
      method: 'get',
      path: '/cashout/orders',
      tag: 'cashout',
      summary: 'Your cash-out orders, newest first',
      access: 'user',
      query: PageQuerySchema.extend({ status: CashoutOrderStatusSchema.optional() }),
      response: CashoutOrderListSchema,
    },
    async (ctx, { query }) => cashout.listOrders(actorOf(ctx), query),
  );
  api.add(
    { method: 'get', path: '/cashout/orders/:id', tag: 'cashout', summary: 'One of your cash-out orders with its attempts', access: 'user', response: CashoutOrderSchema },
    async (ctx, { params }) => cashout.getOrder(actorOf(ctx), OpaqueId.parse(params.id)),
  );

  api.add(
    {
      method: 'post',
      path: '/suppliers/:supplierId/callbacks',
      tag: 'cashout',
      summary: "A supplier's outcome of a recharge attempt, signed with its secret (X-Timestamp, X-Nonce, X-Signature)",
      // The body is read after the signature is checked (service), so a forged one learns nothing from a 400.
      access: 'none',
      response: SupplierCallbackAnswerSchema,
    },
    async (ctx, { params }) =>
      cashout.acceptCallback(OpaqueId.parse(params.supplierId), {
        pathWithQuery: ctx.originalUrl,
        timestamp: header(ctx.headers['x-timestamp']),
        nonce: header(ctx.headers['x-nonce']),
        signature: header(ctx.headers['x-signature']),
        rawBody: typeof ctx.request.rawBody === 'string' ? ctx.request.rawBody : '',
      }),
  );

  api.add(
    {
      method: 'post',
      path: '/ops/suppliers',
      tag: 'ops',
      summary: 'Add a recharge supplier (admin); its secret is stored sealed and never returned',
      access: 'user',
      body: SupplierCreateRequestSchema,
      response: SupplierSchema,
      status: 201,
    },
    async (ctx, { body }) => ops.createSupplier(actorOf(ctx), body),
  );
  // PUT as well, with the same body: weapp's wx.request cannot send PATCH.
  for (const method of ['patch', 'put'] as const) {
    api.add(
      { method, path: '/ops/suppliers/:id', tag: 'ops', summary: 'Change a supplier (admin)', access: 'user', body: SupplierUpdateRequestSchema, response: SupplierSchema },
      async (ctx, { body, params }) => ops.updateSupplier(actorOf(ctx), OpaqueId.parse(params.id), body),
    );
  }
  api.add(
    { method: 'get', path: '/ops/suppliers', tag: 'ops', summary: "Suppliers with today's volume used (operators)", access: 'user', response: SupplierListSchema },
    async (ctx) => ({
      items: await ops.listSuppliers(actorOf(ctx)),
    }),
  );
  api.add(
    {
      method: 'get',
      path: '/ops/orders',
      tag: 'ops',
      summary: 'Cash-out orders by phone and status (operators)',
      access: 'user',
      query: OpsOrderQuerySchema,
      response: OpsOrderListSchema,
    },
    async (ctx, { query }) => ops.orders(actorOf(ctx), query),
  );
  api.add(
    {
      method: 'get',
      path: '/ops/incidents',
      tag: 'ops',
      summary: 'Successes that came too late or twice (operators)',
      access: 'user',
      query: PageQuerySchema,
      response: IncidentListSchema,
    },
    async (ctx, { query }) => ops.incidents(actorOf(ctx), query),
  );
  api.add(
    {
      method: 'get',
      path: '/ops/reconciliation',
      tag: 'ops',
      summary: "A day's attempts against the suppliers' records, by kind; ?format=csv (admin, finance)",
      access: 'user',
      query: ReconciliationQuerySchema,
      response: ReconciliationSchema,
    },
    async (ctx, { query }) => {
      const view = await reconciliation.view(actorOf(ctx), query.date);
      if (query.format !== 'csv') return view;
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="reconciliation-${query.date}.csv"`);
      return reconciliationCsv(view);
    },
  );
}
