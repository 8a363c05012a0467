import type { CashoutOrder, Incident, OpsOrder, Supplier } from '@liuliang/shared';
import { toInt } from '../../db/sql';
import { invalidInput } from '../../platform/errors';
import type { AttemptRow, IncidentRow, OrderRow, SupplierRow } from './repository';

/** Rows as the API returns them, and the list cursors (opaque to clients). */

const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null);

export function orderView(row: OrderRow, attempts: readonly AttemptRow[]): CashoutOrder {
  return {
    id: row.id,
    productId: row.product_id,
    sizeMb: toInt(row.size_mb),
    priceMb: toInt(row.price_mb),
    status: row.status,
    createdAt: iso(row.created_at)!,
    finishedAt: iso(row.finished_at),
    attempts: attempts.map((a) => ({ id: a.id, supplier: a.supplier_name ?? a.supplier_id, status: a.status, at: iso(a.created_at)! })),
  };
}

export const opsOrderView = (row: OrderRow, attempts: readonly AttemptRow[]): OpsOrder => ({
  ...orderView(row, attempts),
  phone: row.phone,
  carrier: row.carrier,
  province: row.province,
});

/** Never the secret: operators set it and suppliers hold it; nobody reads it back. */
export const supplierView = (row: SupplierRow): Supplier => ({
  id: row.id,
  name: row.name,
  endpoint: row.endpoint,
  carriers: JSON.parse(row.carriers_json),
  provinces: JSON.parse(row.provinces_json),
  priority: row.priority,
  dailyCapMb: toInt(row.daily_cap_mb),
  enabled: row.enabled === 1,
  todayUsedMb: toInt(row.today_mb ?? 0),
  updatedAt: iso(row.updated_at)!,
});

export const incidentView = (row: IncidentRow): Incident => ({
  id: String(row.id),
  orderId: row.order_id,
  attemptId: row.attempt_id,
  kind: row.kind,
  amountMb: toInt(row.amount_mb),
  supplierRef: row.supplier_ref,
  at: iso(row.created_at)!,
});

/** `<ms>.<id>` of the last order on a page: the next page starts after it. */
export const orderCursor = (row: OrderRow) => `${new Date(row.created_at).getTime()}.${row.id}`;

export function parseOrderCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d{1,15})\.([0-9a-z]{1,32})$/.exec(cursor);
  if (!match) throw invalidInput('This cursor did not come from this list.');
  return { at: new Date(Number(match[1])), id: match[2] };
}
