import type { CashoutOrderStatus, ReconciliationKind } from '@liuliang/shared';
import { type InsertResult, type Sql, type Tx } from '../../db/sql';

/** The cash-out tables as the database returns them; only this module runs SQL on them. */

export interface SupplierRow {
  id: string;
  name: string;
  endpoint: string;
  secret_sealed: string;
  carriers_json: string;
  provinces_json: string;
  priority: number;
  daily_cap_mb: string;
  enabled: number;
  updated_at: Date;
  /** What is reserved of today's cap (listings only). */
  today_mb?: string | null;
}

export interface OrderRow {
  id: string;
  user_id: string;
  phone: string;
  carrier: 'cmcc' | 'unicom' | 'telecom';
  province: string;
  product_id: string;
  size_mb: string;
  price_mb: string;
  status: CashoutOrderStatus;
  next_step_at: Date;
  lease_until: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

export type AttemptStatus = 'sending' | 'accepted' | 'unknown' | 'succeeded' | 'failed';

export interface AttemptRow {
  id: string;
  order_id: string;
  seq: number;
  supplier_id: string;
  size_mb: string;
  volume_day: string | Date;
  status: AttemptStatus;
  supplier_ref: string | null;
  created_at: Date;
  supplier_name?: string;
}

export interface IncidentRow {
  id: string;
  order_id: string;
  attempt_id: string;
  kind: 'late_success' | 'second_success';
  amount_mb: string;
  supplier_ref: string | null;
  created_at: Date;
}

/** DATE columns come back as 'YYYY-MM-DD' strings (dateStrings) or Dates; the key is the string. */
export const dayOf = (value: string | Date): string => (typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10));

// ---- suppliers

export async function insertSupplier(
  tx: Sql,
  s: {
    id: string;
    name: string;
    endpoint: string;
    secretSealed: string;
    carriers: string[];
    provinces: string[];
    priority: number;
    dailyCapMb: number;
    enabled: boolean;
    now: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO suppliers (id, name, endpoint, secret_sealed, carriers_json, provinces_json, priority, daily_cap_mb, enabled, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [s.id, s.name, s.endpoint, s.secretSealed, JSON.stringify(s.carriers), JSON.stringify(s.provinces), s.priority, s.dailyCapMb, s.enabled ? 1 : 0, s.now, s.now],
  );
}

const SUPPLIER_COLUMNS: Record<string, string> = {
  name: 'name',
  endpoint: 'endpoint',
  secretSealed: 'secret_sealed',
  carriers: 'carriers_json',
  provinces: 'provinces_json',
  priority: 'priority',
  dailyCapMb: 'daily_cap_mb',
  enabled: 'enabled',
};

export async function updateSupplier(tx: Sql, id: string, changes: Record<string, unknown>, now: Date): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [field, value] of Object.entries(changes)) {
    const column = SUPPLIER_COLUMNS[field];
    if (!column || value === undefined) continue;
    sets.push(`${column} = ?`);
    values.push(Array.isArray(value) ? JSON.stringify(value) : typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  await tx.query(`UPDATE suppliers SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`, [...values, now, id]);
}

export async function findSupplier(sql: Sql, id: string, day?: string): Promise<SupplierRow | null> {
  const [row]: SupplierRow[] = await sql.query(
    'SELECT s.*, v.reserved_mb AS today_mb FROM suppliers s LEFT JOIN supplier_daily_volumes v ON v.supplier_id = s.id AND v.day = ? WHERE s.id = ?',
    [day ?? '1970-01-01', id],
  );
  return row ?? null;
}

export async function findSupplierByName(sql: Sql, name: string): Promise<SupplierRow | null> {
  const [row]: SupplierRow[] = await sql.query('SELECT * FROM suppliers WHERE name = ? FOR UPDATE', [name]);
  return row ?? null;
}

/** Bound on the suppliers a platform configures; routing reads them all. */
export const MAX_SUPPLIERS = 200;

/** How many suppliers there are, with the table locked against another insert until the transaction ends. */
export async function countSuppliersForInsert(tx: Tx): Promise<number> {
  const [row] = await tx.query('SELECT COUNT(*) AS n FROM (SELECT id FROM suppliers FOR UPDATE) s');
  return Number(row.n);
}

export async function listSuppliers(sql: Sql, day: string): Promise<SupplierRow[]> {
  return sql.query(
    'SELECT s.*, v.reserved_mb AS today_mb FROM suppliers s LEFT JOIN supplier_daily_volumes v ON v.supplier_id = s.id AND v.day = ? ORDER BY s.priority DESC, s.name LIMIT ?',
    [day, MAX_SUPPLIERS],
  );
}

/**
 * Reserves `sizeMb` of the supplier's cap for `day`, or nothing when it would pass the cap or the
 * supplier was disabled meanwhile. One statement on the day's row: its lock is what makes two
 * orders racing for the last room take turns, so the cap is never passed.
 */
export async function reserveVolume(tx: Tx, supplierId: string, day: string, sizeMb: number): Promise<boolean> {
  await tx.query('INSERT IGNORE INTO supplier_daily_volumes (supplier_id, day, reserved_mb) VALUES (?, ?, 0)', [supplierId, day]);
  const result: InsertResult = await tx.query(
    `UPDATE supplier_daily_volumes v JOIN suppliers s ON s.id = v.supplier_id
        SET v.reserved_mb = v.reserved_mb + ?
      WHERE v.supplier_id = ? AND v.day = ? AND s.enabled = 1 AND v.reserved_mb + ? <= s.daily_cap_mb`,
    [sizeMb, supplierId, day, sizeMb],
  );
  return Number(result.affectedRows) === 1;
}

export async function releaseVolume(tx: Tx, supplierId: string, day: string, sizeMb: number): Promise<void> {
  await tx.query('UPDATE supplier_daily_volumes SET reserved_mb = reserved_mb - ? WHERE supplier_id = ? AND day = ? AND reserved_mb >= ?', [sizeMb, supplierId, day, sizeMb]);
}

// ---- orders

export async function insertOrder(
  tx: Tx,
  o: { id: string; userId: string; phone: string; carrier: string; province: string; productId: string; sizeMb: number; priceMb: number; now: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO cashout_orders (id, user_id, phone, carrier, province, product_id, size_mb, price_mb, status, next_step_at, lease_until, created_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'processing', ?, NULL, ?, NULL)`,
    [o.id, o.userId, o.phone, o.carrier, o.province, o.productId, o.sizeMb, o.priceMb, o.now, o.now],
  );
}

/** The order's row, locked until the transaction ends: every step of an order runs under it. */
export async function lockOrder(tx: Tx, id: string): Promise<OrderRow | null> {
  const [row]: OrderRow[] = await tx.query('SELECT * FROM cashout_orders WHERE id = ? FOR UPDATE', [id]);
  return row ?? null;
}

export async function findOrder(sql: Sql, id: string, userId?: string): Promise<OrderRow | null> {
  const [row]: OrderRow[] =
    userId === undefined
      ? await sql.query('SELECT * FROM cashout_orders WHERE id = ?', [id])
      : await sql.query('SELECT * FROM cashout_orders WHERE id = ? AND user_id = ?', [id, userId]);
  return row ?? null;
}

export async function scheduleOrder(tx: Tx, id: string, nextStepAt: Date, leaseUntil: Date | null): Promise<void> {
  await tx.query('UPDATE cashout_orders SET next_step_at = ?, lease_until = ? WHERE id = ?', [nextStepAt, leaseUntil, id]);
}

export async function finishOrder(tx: Tx, id: string, status: 'succeeded' | 'failed', now: Date): Promise<void> {
  await tx.query('UPDATE cashout_orders SET status = ?, finished_at = ?, lease_until = NULL WHERE id = ?', [status, now, id]);
}

/** Orders whose next step is due and that no process holds; earliest first. */
export async function dueOrderIds(sql: Sql, now: Date, limit: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await sql.query(
    `SELECT id FROM cashout_orders WHERE status = 'processing' AND next_step_at <= ? AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_step_at LIMIT ?`,
    [now, now, limit],
  );
  return rows.map((r) => r.id);
}

export interface OrderPageFilter {
  userId?: string;
  phone?: string;
  status?: CashoutOrderStatus;
  before?: { at: Date; id: string };
  limit: number;
}

/** Newest first, keyed by (created_at, id) so that a page boundary never skips or repeats an order. */
export async function pageOfOrders(sql: Sql, filter: OrderPageFilter): Promise<OrderRow[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: string, ...args: unknown[]) => {
    where.push(clause);
    values.push(...args);
  };
  if (filter.userId !== undefined) add('user_id = ?', filter.userId);
  if (filter.phone !== undefined) add('phone = ?', filter.phone);
  if (filter.status !== undefined) add('status = ?', filter.status);
  if (filter.before) add('(created_at < ? OR (created_at = ? AND id < ?))', filter.before.at, filter.before.at, filter.before.id);
  return sql.query(`SELECT * FROM cashout_orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`, [...values, filter.limit]);
}

// ---- attempts

export async function insertAttempt(tx: Tx, a: { id: string; orderId: string; seq: number; supplierId: string; sizeMb: number; day: string; now: Date }): Promise<void> {
  await tx.query(
    `INSERT INTO cashout_attempts (id, order_id, seq, supplier_id, size_mb, volume_day, status, supplier_ref, checks, created_at, settled_at)
     VALUES (?, ?, ?, ?, ?, ?, 'sending', NULL, 0, ?, NULL)`,
    [a.id, a.orderId, a.seq, a.supplierId, a.sizeMb, a.day, a.now],
  );
}

export async function attemptsOfOrder(tx: Sql, orderId: string): Promise<AttemptRow[]> {
  return tx.query('SELECT * FROM cashout_attempts WHERE order_id = ? ORDER BY seq', [orderId]);
}

export async function lockAttempt(tx: Tx, id: string): Promise<AttemptRow | null> {
  const [row]: AttemptRow[] = await tx.query('SELECT * FROM cashout_attempts WHERE id = ? FOR UPDATE', [id]);
  return row ?? null;
}

export async function findAttemptOfSupplier(sql: Sql, id: string, supplierId: string): Promise<AttemptRow | null> {
  const [row]: AttemptRow[] = await sql.query('SELECT * FROM cashout_attempts WHERE id = ? AND supplier_id = ?', [id, supplierId]);
  return row ?? null;
}

export async function markAttempt(tx: Tx, id: string, status: AttemptStatus, supplierRef: string | null, now: Date): Promise<void> {
  const final = status === 'succeeded' || status === 'failed';
  await tx.query('UPDATE cashout_attempts SET status = ?, supplier_ref = COALESCE(?, supplier_ref), settled_at = ?, checks = checks + 1 WHERE id = ?', [
    status,
    supplierRef,
    final ? now : null,
    id,
  ]);
}

/** The attempts of many orders at once, with their supplier's name, for order views. */
export async function attemptsOfOrders(sql: Sql, orderIds: readonly string[]): Promise<Map<string, AttemptRow[]>> {
  const byOrder = new Map<string, AttemptRow[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return byOrder;
  const rows: AttemptRow[] = await sql.query(
    `SELECT a.*, s.name AS supplier_name FROM cashout_attempts a JOIN suppliers s ON s.id = a.supplier_id WHERE a.order_id IN (${orderIds.map(() => '?').join(', ')}) ORDER BY a.order_id, a.seq`,
    [...orderIds],
  );
  for (const row of rows) byOrder.get(row.order_id)?.push(row);
  return byOrder;
}

// ---- incidents

/** Records the incident once per attempt; false when it was already recorded. */
export async function insertIncident(
  tx: Tx,
  i: { orderId: string; attemptId: string; kind: IncidentRow['kind']; amountMb: number; supplierRef: string | null; now: Date },
): Promise<string | null> {
  const result: InsertResult = await tx.query('INSERT IGNORE INTO cashout_incidents (order_id, attempt_id, kind, amount_mb, supplier_ref, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    i.orderId,
    i.attemptId,
    i.kind,
    i.amountMb,
    i.supplierRef,
    i.now,
  ]);
  return Number(result.affectedRows) === 1 ? String(result.insertId) : null;
}

export async function pageOfIncidents(sql: Sql, beforeId: string | null, limit: number): Promise<IncidentRow[]> {
  return beforeId === null
    ? sql.query('SELECT * FROM cashout_incidents ORDER BY id DESC LIMIT ?', [limit])
    : sql.query('SELECT * FROM cashout_incidents WHERE id < ? ORDER BY id DESC LIMIT ?', [beforeId, limit]);
}

// ---- reconciliation

/** Bound on the attempts one supplier's day holds for one reconciliation. */
const MAX_RECONCILED_PER_DAY = 100_000;

export async function attemptsOfDay(sql: Sql, supplierId: string, day: string): Promise<AttemptRow[]> {
  return sql.query('SELECT * FROM cashout_attempts WHERE supplier_id = ? AND volume_day = ? LIMIT ?', [supplierId, day, MAX_RECONCILED_PER_DAY]);
}

export interface ReconciliationItemRow {
  supplier_id: string;
  attempt_id: string;
  kind: ReconciliationKind;
  our_status: string | null;
  their_status: string | null;
  our_size_mb: string | null;
  their_size_mb: string | null;
}

/** A day's comparison with one supplier replaces the previous one for that day: run again, it says the same once. */
export async function replaceReconciliation(
  tx: Tx,
  day: string,
  supplierId: string,
  outcome: 'compared' | 'unreachable',
  items: ReadonlyArray<Omit<ReconciliationItemRow, 'supplier_id'>>,
  now: Date,
): Promise<void> {
  await tx.query('DELETE FROM reconciliation_items WHERE day = ? AND supplier_id = ?', [day, supplierId]);
  await tx.query(
    'INSERT INTO reconciliation_runs (day, supplier_id, outcome, ran_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE outcome = VALUES(outcome), ran_at = VALUES(ran_at)',
    [day, supplierId, outcome, now],
  );
  const BATCH = 500;
  for (let i = 0; i < items.length; i += BATCH) {
    const batch = items.slice(i, i + BATCH);
    // IGNORE: two of the supplier's ids that the column's collation holds equal (beyond the case
    // and trailing spaces compareDay folds) keep the first row rather than end the day's run.
    await tx.query(
      `INSERT IGNORE INTO reconciliation_items (day, supplier_id, attempt_id, kind, our_status, their_status, our_size_mb, their_size_mb) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      batch.flatMap((it) => [day, supplierId, it.attempt_id, it.kind, it.our_status, it.their_status, it.our_size_mb, it.their_size_mb]),
    );
  }
}

export async function reconciliationOfDay(
  sql: Sql,
  day: string,
): Promise<{ runs: Array<{ supplier_id: string; outcome: 'compared' | 'unreachable' }>; items: ReconciliationItemRow[] }> {
  const runs = await sql.query('SELECT supplier_id, outcome FROM reconciliation_runs WHERE day = ?', [day]);
  const items = await sql.query('SELECT * FROM reconciliation_items WHERE day = ? ORDER BY supplier_id, kind, attempt_id LIMIT ?', [day, MAX_RECONCILED_PER_DAY]);
  return { runs, items };
}

/** The suppliers whose comparison of `day` is stored. */
export async function reconciledSupplierIds(sql: Sql, day: string): Promise<Set<string>> {
  const rows: Array<{ supplier_id: string }> = await sql.query('SELECT supplier_id FROM reconciliation_runs WHERE day = ?', [day]);
  return new Set(rows.map((r) => r.supplier_id));
}
