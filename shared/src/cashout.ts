import { z } from 'zod';
import { CarrierSchema, PhoneSchema } from './schemas';
import { safeText } from './text';

/**
 * Cash-out to the phone (SPEC §3.7, §4 second wave): the catalogue, orders and their attempts,
 * and the operators' view of suppliers, orders, incidents and reconciliation.
 */

export const CashoutProductSchema = z.object({ id: z.string(), carrier: CarrierSchema, sizeMb: z.number().int(), priceMb: z.number().int() });
export const CashoutProductListSchema = z.object({ items: z.array(CashoutProductSchema) });

export const CASHOUT_ORDER_STATUSES = ['processing', 'succeeded', 'failed'] as const;
export const CashoutOrderStatusSchema = z.enum(CASHOUT_ORDER_STATUSES);
export const CASHOUT_ATTEMPT_STATUSES = ['sending', 'accepted', 'unknown', 'succeeded', 'failed'] as const;
export const CashoutAttemptSchema = z.object({ id: z.string(), supplier: z.string(), status: z.enum(CASHOUT_ATTEMPT_STATUSES), at: z.string() });
export const CashoutOrderSchema = z.object({
  id: z.string(),
  productId: z.string(),
  sizeMb: z.number().int(),
  priceMb: z.number().int(),
  status: CashoutOrderStatusSchema,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  attempts: z.array(CashoutAttemptSchema),
});
export const CashoutOrderListSchema = z.object({ items: z.array(CashoutOrderSchema), nextCursor: z.string().nullable() });
export const CashoutOrderRequestSchema = z.strictObject({ productId: z.string().min(1).max(32) });

/** An order as operators look it up: whose it is, as well. */
export const OpsOrderSchema = CashoutOrderSchema.extend({ phone: PhoneSchema, carrier: CarrierSchema, province: z.string() });
export const OpsOrderListSchema = z.object({ items: z.array(OpsOrderSchema), nextCursor: z.string().nullable() });
export const OpsOrderQuerySchema = z.object({
  phone: PhoneSchema.optional(),
  status: CashoutOrderStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
});

export const SUPPLIER_NAME_MAX_CHARS = 64;
export const SUPPLIER_PROVINCES_MAX = 40;
/** Bound on a supplier's daily cap: 1 PB a day, far above any real one, far below 2^53. */
export const SUPPLIER_DAILY_CAP_MAX_MB = 1024 ** 3;
export const SUPPLIER_SECRET_MIN_CHARS = 16;

const SupplierEndpointSchema = z
  .string()
  .max(255)
  // No user:password@ either: every operator who reads suppliers would see it, and failures log the address.
  .refine((value) => /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/.test(value), 'an http(s) URL without credentials, query or fragment');
/** A list that names each thing once: the same carrier or province twice is a slip, not a wish. */
const distinct = <T extends z.ZodType>(list: z.ZodArray<T>) => list.refine((items) => new Set(items).size === items.length, 'each value at most once');
const SupplierFields = {
  name: safeText(SUPPLIER_NAME_MAX_CHARS).min(1),
  endpoint: SupplierEndpointSchema,
  secret: z.string().min(SUPPLIER_SECRET_MIN_CHARS).max(256),
  carriers: distinct(z.array(CarrierSchema).min(1).max(3)),
  /** The provinces served; empty serves every province. */
  provinces: distinct(z.array(safeText(32).min(1)).max(SUPPLIER_PROVINCES_MAX)),
  priority: z.number().int().min(0).max(1000),
  dailyCapMb: z.number().int().min(0).max(SUPPLIER_DAILY_CAP_MAX_MB),
  enabled: z.boolean(),
};
export const SupplierCreateRequestSchema = z.strictObject(SupplierFields);
export const SupplierUpdateRequestSchema = z.strictObject(SupplierFields).partial();
/** A supplier as operators see it: never its secret. */
export const SupplierSchema = z.object({
  id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  carriers: z.array(CarrierSchema),
  provinces: z.array(z.string()),
  priority: z.number().int(),
  dailyCapMb: z.number().int(),
  enabled: z.boolean(),
  todayUsedMb: z.number().int(),
  updatedAt: z.string(),
});
export const SupplierListSchema = z.object({ items: z.array(SupplierSchema) });

/** What a supplier posts to `POST /suppliers/:supplierId/callbacks`. */
export const SupplierCallbackSchema = z.object({
  attemptId: z.string().min(1).max(64),
  status: z.enum(['succeeded', 'failed']),
  supplierRef: z.string().max(128).optional(),
});
export const SupplierCallbackAnswerSchema = z.object({ attemptId: z.string(), applied: z.boolean() });

export const IncidentSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  attemptId: z.string(),
  kind: z.enum(['late_success', 'second_success']),
  amountMb: z.number().int(),
  supplierRef: z.string().nullable(),
  at: z.string(),
});
export const IncidentListSchema = z.object({ items: z.array(IncidentSchema), nextCursor: z.string().nullable() });

export const RECONCILIATION_KINDS = ['matched', 'missing_at_supplier', 'missing_here', 'status_mismatch', 'size_mismatch'] as const;
export const ReconciliationKindSchema = z.enum(RECONCILIATION_KINDS);
export const ReconciliationItemSchema = z.object({
  supplierId: z.string(),
  supplier: z.string(),
  attemptId: z.string(),
  kind: ReconciliationKindSchema,
  ourStatus: z.string().nullable(),
  theirStatus: z.string().nullable(),
  ourSizeMb: z.number().int().nullable(),
  theirSizeMb: z.number().int().nullable(),
});
export const ReconciliationSchema = z.object({
  date: z.string(),
  suppliers: z.array(z.object({ supplierId: z.string(), supplier: z.string(), outcome: z.enum(['compared', 'unreachable', 'not_run']) })),
  counts: z.record(ReconciliationKindSchema, z.number().int()),
  items: z.array(ReconciliationItemSchema),
});
export const ReconciliationQuerySchema = z.object({
  date: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date YYYY-MM-DD')
    // A day the calendar has: 2026-02-31 is no day to reconcile.
    .refine((day) => {
      const at = new Date(`${day}T00:00:00Z`);
      return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day);
    }, 'a date the calendar has'),
  format: z.enum(['json', 'csv']).optional(),
});

export type CashoutProduct = z.infer<typeof CashoutProductSchema>;
export type CashoutOrder = z.infer<typeof CashoutOrderSchema>;
export type CashoutOrderStatus = z.infer<typeof CashoutOrderStatusSchema>;
export type OpsOrder = z.infer<typeof OpsOrderSchema>;
export type Supplier = z.infer<typeof SupplierSchema>;
export type SupplierCreateRequest = z.infer<typeof SupplierCreateRequestSchema>;
export type SupplierUpdateRequest = z.infer<typeof SupplierUpdateRequestSchema>;
export type SupplierCallback = z.infer<typeof SupplierCallbackSchema>;
export type Incident = z.infer<typeof IncidentSchema>;
export type Reconciliation = z.infer<typeof ReconciliationSchema>;
export type ReconciliationKind = z.infer<typeof ReconciliationKindSchema>;
