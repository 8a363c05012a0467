import type { Incident, OpsOrder, Supplier, SupplierCreateRequest, SupplierUpdateRequest, CashoutOrderStatus } from '@liuliang/shared';
import { inTransaction, isDuplicateKey } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, invalidInput, limitExceeded, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { requireAccess, type Actor } from '../sponsors/service';
import { cashoutTexts } from './messages';
import { attemptsOfOrders, countSuppliersForInsert, findSupplier, insertSupplier, MAX_SUPPLIERS, listSuppliers, pageOfIncidents, pageOfOrders, updateSupplier } from './repository';
import { sealSupplierSecret } from './secrets';
import { todayKey } from './settlement';
import { incidentView, opsOrderView, orderCursor, parseOrderCursor, supplierView } from './views';

export type CashoutOpsDeps = Pick<Deps, 'config' | 'clock' | 'dataSource'>;

const PAGE_DEFAULT = 20;

/**
 * The operators' side of cash-out (SPEC §3.7, §3.10): suppliers (admins change them, every
 * operator reads them), orders looked up by phone or status, and incidents. Access first, always.
 */
export class CashoutOpsService {
  constructor(private readonly deps: CashoutOpsDeps) {}

  async createSupplier(actor: Actor, request: SupplierCreateRequest): Promise<Supplier> {
    const { dataSource, clock, config } = this.deps;
    const id = opaqueId();
    await inTransaction(dataSource, async (tx) => {
      await requireAccess(tx, actor, 'supplier.manage');
      // Routing and reconciliation read this many: one more would be left out of both without a word.
      if ((await countSuppliersForInsert(tx)) >= MAX_SUPPLIERS) throw limitExceeded({ rule: 'supplier.count', limit: MAX_SUPPLIERS }, cashoutTexts.tooManySuppliers(MAX_SUPPLIERS));
      try {
        await insertSupplier(tx, { id, ...request, secretSealed: sealSupplierSecret(config, request.secret), now: clock.now() });
      } catch (error) {
        if (isDuplicateKey(error)) throw new DomainError('NAME_TAKEN', cashoutTexts.nameTaken(request.name));
        throw error;
      }
    });
    return this.supplier(id);
  }

  async updateSupplier(actor: Actor, supplierId: string, request: SupplierUpdateRequest): Promise<Supplier> {
    const { dataSource, clock, config } = this.deps;
    if (Object.keys(request).length === 0) throw invalidInput('Send at least one field to change.');
    await inTransaction(dataSource, async (tx) => {
      await requireAccess(tx, actor, 'supplier.manage');
      if (!(await findSupplier(tx, supplierId))) throw notFound(cashoutTexts.noSuchSupplier);
      const { secret, ...rest } = request;
      try {
        await updateSupplier(tx, supplierId, { ...rest, secretSealed: secret === undefined ? undefined : sealSupplierSecret(config, secret) }, clock.now());
      } catch (error) {
        if (isDuplicateKey(error)) throw new DomainError('NAME_TAKEN', cashoutTexts.nameTaken(request.name ?? ''));
        throw error;
      }
    });
    return this.supplier(supplierId);
  }

  async listSuppliers(actor: Actor): Promise<Supplier[]> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'supplier.read');
    return (await listSuppliers(sql, todayKey(this.deps))).map(supplierView);
  }

  async orders(actor: Actor, query: { phone?: string; status?: CashoutOrderStatus; limit?: number; cursor?: string }): Promise<{ items: OpsOrder[]; nextCursor: string | null }> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'cashout.orders.read');
    const limit = query.limit ?? PAGE_DEFAULT;
    const rows = await pageOfOrders(sql, { phone: query.phone, status: query.status, before: parseOrderCursor(query.cursor), limit });
    const attempts = await attemptsOfOrders(
      sql,
      rows.map((r) => r.id),
    );
    return { items: rows.map((r) => opsOrderView(r, attempts.get(r.id) ?? [])), nextCursor: rows.length === limit ? orderCursor(rows[rows.length - 1]) : null };
  }

  async incidents(actor: Actor, query: { limit?: number; cursor?: string }): Promise<{ items: Incident[]; nextCursor: string | null }> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'cashout.incidents.read');
    if (query.cursor !== undefined && !/^\d{1,20}$/.test(query.cursor)) throw invalidInput('This cursor did not come from this list.');
    const limit = query.limit ?? PAGE_DEFAULT;
    const rows = await pageOfIncidents(sql, query.cursor ?? null, limit);
    return { items: rows.map(incidentView), nextCursor: rows.length === limit ? String(rows[rows.length - 1].id) : null };
  }

  private async supplier(id: string): Promise<Supplier> {
    const row = await findSupplier(this.deps.dataSource.manager, id, todayKey(this.deps));
    if (!row) throw notFound(cashoutTexts.noSuchSupplier);
    return supplierView(row);
  }
}
