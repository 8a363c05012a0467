import { RECONCILIATION_KINDS, shanghaiDayKey, type Reconciliation, type ReconciliationKind } from '@liuliang/shared';
import { inTransaction, toInt } from '../../db/sql';
import type { Deps } from '../../deps';
import { requireAccess, type Actor } from '../sponsors/service';
import { attemptsOfDay, hasReconciled, listSuppliers, reconciliationOfDay, replaceReconciliation, type AttemptRow, type ReconciliationItemRow } from './repository';
import { openSupplierSecret } from './secrets';
import { SupplierClient, type SupplierRecord } from './supplier-client';

export type ReconciliationDeps = Pick<Deps, 'config' | 'clock' | 'dataSource'>;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Reconciliation (SPEC §3.7): a day's attempts against each supplier's own records of that day.
 * Pure comparison here; what it finds is stored per day and supplier, replacing an earlier run.
 */
function compareDay(ours: readonly AttemptRow[], theirs: readonly SupplierRecord[]): Array<Omit<ReconciliationItemRow, 'supplier_id'>> {
  const theirsById = new Map(theirs.map((r) => [r.attemptId, r]));
  const items: Array<Omit<ReconciliationItemRow, 'supplier_id'>> = [];
  for (const attempt of ours) {
    const record = theirsById.get(attempt.id);
    theirsById.delete(attempt.id);
    const base = {
      attempt_id: attempt.id,
      our_status: attempt.status,
      our_size_mb: String(attempt.size_mb),
      their_status: record?.status ?? null,
      their_size_mb: record ? String(record.sizeMb) : null,
    };
    items.push({ ...base, kind: kindOf(attempt, record) });
  }
  for (const record of theirsById.values()) {
    items.push({ attempt_id: record.attemptId, kind: 'missing_here', our_status: null, their_status: record.status, our_size_mb: null, their_size_mb: String(record.sizeMb) });
  }
  return items;
}

function kindOf(attempt: AttemptRow, record: SupplierRecord | undefined): ReconciliationKind {
  // An attempt that failed and that the supplier never recorded is the refusal or the lost request it was.
  if (!record) return attempt.status === 'failed' ? 'matched' : 'missing_at_supplier';
  const ourFinal = attempt.status === 'succeeded' || attempt.status === 'failed';
  const sameStatus = ourFinal ? attempt.status === record.status : record.status === 'processing';
  if (!sameStatus) return 'status_mismatch';
  if (toInt(attempt.size_mb) !== record.sizeMb) return 'size_mismatch';
  return 'matched';
}

export class ReconciliationService {
  constructor(
    private readonly deps: ReconciliationDeps,
    /** Records a success found only here as the runner records a late callback's (an incident, once). */
    private readonly lateSuccess: (attemptId: string, orderId: string) => Promise<unknown>,
    private readonly client: SupplierClient = new SupplierClient(deps.config.SUPPLIER_TIMEOUT_MS),
  ) {}

  /** Compares `day` with every supplier; returns how many mismatches it stored. */
  async reconcile(day: string): Promise<number> {
    const { dataSource, config, clock } = this.deps;
    let mismatches = 0;
    for (const supplier of await listSuppliers(dataSource.manager, day)) {
      const records = await this.client.records({ endpoint: supplier.endpoint, secret: openSupplierSecret(config, supplier.secret_sealed) }, day);
      const attempts = await attemptsOfDay(dataSource.manager, supplier.id, day);
      const items = records === null ? [] : compareDay(attempts, records);
      mismatches += items.filter((i) => i.kind !== 'matched').length;
      // A success the supplier did for an attempt we gave up, whose callback never reached us:
      // the late success SPEC §3.7 says is an incident, found here instead of dropped.
      for (const item of items) {
        if (item.kind !== 'status_mismatch' || item.our_status !== 'failed' || item.their_status !== 'succeeded') continue;
        const attempt = attempts.find((a) => a.id === item.attempt_id)!;
        await this.lateSuccess(attempt.id, attempt.order_id);
      }
      await inTransaction(dataSource, (tx) => replaceReconciliation(tx, day, supplier.id, records === null ? 'unreachable' : 'compared', items, clock.now()));
    }
    return mismatches;
  }

  /** The daily job: yesterday (Asia/Shanghai), once it has not been compared yet. */
  async reconcileYesterdayIfDue(): Promise<number> {
    const day = shanghaiDayKey(new Date(this.deps.clock.now().getTime() - DAY_MS));
    if (await hasReconciled(this.deps.dataSource.manager, day)) return 0;
    return this.reconcile(day);
  }

  async view(actor: Actor, day: string): Promise<Reconciliation> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'cashout.reconciliation.read');
    const suppliers = await listSuppliers(sql, day);
    const names = new Map(suppliers.map((s) => [s.id, s.name]));
    const { runs, items } = await reconciliationOfDay(sql, day);
    const outcomes = new Map(runs.map((r) => [r.supplier_id, r.outcome]));
    const counts = Object.fromEntries(RECONCILIATION_KINDS.map((k) => [k, 0])) as Record<ReconciliationKind, number>;
    for (const item of items) counts[item.kind]++;
    return {
      date: day,
      suppliers: suppliers.map((s) => ({ supplierId: s.id, supplier: s.name, outcome: outcomes.get(s.id) ?? 'not_run' })),
      counts,
      items: items.map((i) => ({
        supplierId: i.supplier_id,
        supplier: names.get(i.supplier_id) ?? i.supplier_id,
        attemptId: i.attempt_id,
        kind: i.kind,
        ourStatus: i.our_status,
        theirStatus: i.their_status,
        ourSizeMb: i.our_size_mb === null ? null : toInt(i.our_size_mb),
        theirSizeMb: i.their_size_mb === null ? null : toInt(i.their_size_mb),
      })),
    };
  }
}

/** The same as CSV, one line per attempt; every field is an id, a name an operator typed, a status or a number. */
export function reconciliationCsv(view: Reconciliation): string {
  const quote = (value: string | number | null) => (value === null ? '' : /[",\n\r]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));
  const lines = [['date', 'supplier', 'attempt_id', 'kind', 'our_status', 'their_status', 'our_size_mb', 'their_size_mb'].join(',')];
  for (const i of view.items) lines.push([view.date, i.supplier, i.attemptId, i.kind, i.ourStatus, i.theirStatus, i.ourSizeMb, i.theirSizeMb].map(quote).join(','));
  return `${lines.join('\n')}\n`;
}
