import type { MySponsor, OperatorRole, OpsSponsor, Page, Sponsor, SponsorRole, SponsorUpdateRequest, Topup } from '@liuliang/shared';
import { inTransaction, toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import { EXTERNAL_ACCOUNTS, type TransferKind } from '../ledger';
import { requireAccess, type Actor } from './access';
import { judgeFundLevels, moveBudget, sponsorBudgetCode } from './budget';
import { fundLevelOf, type FundLevel } from './fund-levels';
import { keysetPage, type PageRequest } from './pages';

export { rolesOf, requireAccess, type Actor } from './access';
export { sponsorBudgetCode } from './budget';

/** Bound on the sponsors one person belongs to that `GET /sponsors/mine` lists. */
const MY_SPONSORS_MAX = 50;
/** Bound on the budgets one run of the expiry sweep settles; the job runs again soon after. */
const BUDGET_SWEEP_BATCH = 100;

interface SponsorRow {
  id: string;
  name: string;
  warn_mb: string;
  alert_mb: string;
  contacts_json: string;
  created_at: Date;
}

/** `months` calendar months after `at`, the same instant of the day (a budget lot's life). */
function monthsAfter(at: Date, months: number): Date {
  const later = new Date(at.getTime());
  later.setUTCMonth(later.getUTCMonth() + months);
  return later;
}

/**
 * Sponsors (SPEC §3.9): companies with members, warning contacts and a budget account that
 * operators top up from the external `sponsor_purchases`. Every method checks access first.
 */
export class SponsorService {
  constructor(private readonly deps: Deps) {}

  /** `POST /ops/operators`: an admin makes (or changes) another operator. */
  async grantOperator(actor: Actor, phone: string, role: OperatorRole): Promise<{ phone: string; role: OperatorRole }> {
    return inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'operator.grant');
      await grantOperatorRole(sql, phone, role, `user:${actor.user.id}`, this.deps.clock.now());
      return { phone, role };
    });
  }

  /** A new sponsor; the Idempotency-Key's outcome makes a double tap one sponsor, not two. */
  async create(actor: Actor, name: string, ownerPhone: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<Sponsor> {
    const { dataSource } = this.deps;
    const id = await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'sponsor.create');
      const sponsorId = await insertSponsor(sql, this.deps, name, ownerPhone);
      await outcome.record(sql, { type: 'sponsor', id: sponsorId });
      return sponsorId;
    });
    return this.view(dataSource.manager, id);
  }

  /**
   * Records a paid purchase: data enters the sponsor's budget from `sponsor_purchases`, in a lot
   * that lives SPONSOR_BUDGET_MONTHS. The reference is the purchase's own (an invoice number):
   * recorded twice it is one top-up; the same reference with another amount is refused.
   */
  async topup(actor: Actor, sponsorId: string, amountMb: number, reference: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<Topup> {
    return inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'sponsor.topup', { sponsorId });
      // The sponsor's row serialises its top-ups: two requests with one reference cannot both insert.
      await sql.query('SELECT id FROM sponsors WHERE id = ? FOR UPDATE', [sponsorId]);
      const [existing] = await sql.query('SELECT * FROM sponsor_topups WHERE sponsor_id = ? AND reference = ?', [sponsorId, reference]);
      if (existing) {
        if (toInt(existing.amount_mb) !== amountMb) throw new DomainError('REFERENCE_REUSED', `Reference ${reference} was recorded with ${toInt(existing.amount_mb)} MB.`);
        return this.topupView(sql, existing);
      }
      const topupId = await recordTopup(sql, this.deps, sponsorId, amountMb, reference, `user:${actor.user.id}`, outcome);
      const [row] = await sql.query('SELECT * FROM sponsor_topups WHERE id = ?', [topupId]);
      return this.topupView(sql, row);
    });
  }

  /** A recorded top-up, for a retry whose first attempt committed. */
  async topupById(actor: Actor, sponsorId: string, topupId: string): Promise<Topup> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'sponsor.topup', { sponsorId });
    const [row] = await sql.query('SELECT * FROM sponsor_topups WHERE id = ? AND sponsor_id = ?', [topupId, sponsorId]);
    if (!row) throw notFound('No such top-up.');
    return this.topupView(sql, row);
  }

  async update(actor: Actor, sponsorId: string, request: SponsorUpdateRequest): Promise<Sponsor> {
    const { dataSource } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'sponsor.update', { sponsorId });
      const [row]: SponsorRow[] = await sql.query('SELECT * FROM sponsors WHERE id = ? FOR UPDATE', [sponsorId]);
      const warnMb = request.warnMb ?? toInt(row.warn_mb);
      const alertMb = request.alertMb ?? toInt(row.alert_mb);
      // Two levels (SPEC §3.9): the warning comes before the alert, so warnMb sits above alertMb.
      if (warnMb <= alertMb && !(warnMb === 0 && alertMb === 0)) throw new DomainError('VALIDATION_FAILED', 'warnMb must be above alertMb.');
      const contacts = request.contacts ?? JSON.parse(row.contacts_json);
      await sql.query('UPDATE sponsors SET warn_mb = ?, alert_mb = ?, contacts_json = ? WHERE id = ?', [warnMb, alertMb, JSON.stringify(contacts), sponsorId]);
      // A level moved is a new level: judged at once against today's budget, so a level set at or
      // above what the budget holds warns now. A level left as it was keeps its state, so that
      // editing the contacts does not warn anyone again.
      const moved: FundLevel[] = [];
      if (warnMb !== toInt(row.warn_mb)) moved.push('warn');
      if (alertMb !== toInt(row.alert_mb)) moved.push('alert');
      await judgeFundLevels(sql, this.deps, sponsorId, moved);
    });
    return this.view(dataSource.manager, sponsorId);
  }

  async addMember(actor: Actor, sponsorId: string, phone: string, role: SponsorRole): Promise<Sponsor> {
    const { dataSource, clock } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'sponsor.members', { sponsorId });
      await sql.query('SELECT id FROM sponsors WHERE id = ? FOR UPDATE', [sponsorId]);
      const [current] = await sql.query('SELECT role FROM sponsor_members WHERE sponsor_id = ? AND phone = ?', [sponsorId, phone]);
      if (current?.role === 'owner' && role !== 'owner') await this.keepAnOwner(sql, sponsorId);
      await sql.query('INSERT INTO sponsor_members (sponsor_id, phone, role, created_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE role = VALUES(role)', [
        sponsorId,
        phone,
        role,
        clock.now(),
      ]);
    });
    return this.view(dataSource.manager, sponsorId);
  }

  async removeMember(actor: Actor, sponsorId: string, phone: string): Promise<Sponsor> {
    const { dataSource } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'sponsor.members', { sponsorId });
      await sql.query('SELECT id FROM sponsors WHERE id = ? FOR UPDATE', [sponsorId]);
      const [current] = await sql.query('SELECT role FROM sponsor_members WHERE sponsor_id = ? AND phone = ?', [sponsorId, phone]);
      if (!current) throw notFound('No such member.');
      if (current.role === 'owner') await this.keepAnOwner(sql, sponsorId);
      await sql.query('DELETE FROM sponsor_members WHERE sponsor_id = ? AND phone = ?', [sponsorId, phone]);
    });
    return this.view(dataSource.manager, sponsorId);
  }

  async get(actor: Actor, sponsorId: string): Promise<Sponsor> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'sponsor.read', { sponsorId });
    return this.view(sql, sponsorId);
  }

  /** `GET /sponsors/mine`: every sponsor the caller is a member of, with the role held. */
  async mine(actor: Actor): Promise<MySponsor[]> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'sponsor.mine');
    const rows: Array<{ sponsor_id: string; role: SponsorRole }> = await sql.query(
      'SELECT m.sponsor_id, m.role FROM sponsor_members m JOIN sponsors s ON s.id = m.sponsor_id WHERE m.phone = ? ORDER BY s.created_at, s.id LIMIT ?',
      [actor.user.phone, MY_SPONSORS_MAX],
    );
    const mine: MySponsor[] = [];
    for (const row of rows) mine.push({ ...(await this.view(sql, row.sponsor_id)), role: row.role });
    return mine;
  }

  /**
   * The job: moves the expired lots of sponsors' budgets to `expired` (SPEC §2), each budget in
   * a transaction of its own that records the expiry and judges the fund levels (an expiry can
   * take the budget below one). Safe from several processes: the sponsor's row and the lots are
   * locked, so a budget's expired data leaves once. Returns the MB moved.
   */
  async sweepExpiredBudgets(): Promise<number> {
    const { dataSource, ledger, clock } = this.deps;
    const prefix = sponsorBudgetCode('');
    const holders = await ledger.holdersOfExpiredLots(dataSource.manager, prefix, BUDGET_SWEEP_BATCH);
    let movedMb = 0;
    for (const code of holders) {
      const sponsorId = code.slice(prefix.length);
      movedMb += await inTransaction(dataSource, (sql) =>
        moveBudget(sql, this.deps, sponsorId, async () => {
          const amountMb = await ledger.sweepExpiredAccount(sql, code, { type: 'sponsor', id: sponsorId });
          if (amountMb > 0) await sql.query('INSERT INTO sponsor_budget_expiries (sponsor_id, amount_mb, created_at) VALUES (?, ?, ?)', [sponsorId, amountMb, clock.now()]);
          return amountMb;
        }),
      );
    }
    return movedMb;
  }

  /** `GET /ops/sponsors`: every sponsor, newest first, with its budget and where it stands against its levels. */
  async list(actor: Actor, page: PageRequest): Promise<Page<OpsSponsor>> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'sponsor.list');
    const { rows, nextCursor } = await keysetPage<SponsorRow>(sql, { select: 'SELECT s.* FROM sponsors s', alias: 's', where: 'TRUE', params: [] }, page);
    const items: OpsSponsor[] = [];
    for (const row of rows) {
      const budgetMb = await this.deps.ledger.availableMb(sql, sponsorBudgetCode(row.id));
      const levelsMb = { warn: toInt(row.warn_mb), alert: toInt(row.alert_mb) };
      const fundLevel = fundLevelOf(levelsMb, budgetMb);
      items.push({ id: row.id, name: row.name, budgetMb, warnMb: levelsMb.warn, alertMb: levelsMb.alert, fundLevel, createdAt: new Date(row.created_at).toISOString() });
    }
    return { items, nextCursor };
  }

  private async keepAnOwner(sql: Sql, sponsorId: string): Promise<void> {
    const [owners] = await sql.query(`SELECT COUNT(*) AS n FROM sponsor_members WHERE sponsor_id = ? AND role = 'owner'`, [sponsorId]);
    if (toInt(owners.n) <= 1) throw new DomainError('LAST_OWNER', 'A sponsor keeps at least one owner.');
  }

  private async view(sql: Sql, sponsorId: string): Promise<Sponsor> {
    const [row]: SponsorRow[] = await sql.query('SELECT * FROM sponsors WHERE id = ?', [sponsorId]);
    if (!row) throw notFound('No such sponsor.');
    const members: Array<{ phone: string; role: SponsorRole }> = await sql.query('SELECT phone, role FROM sponsor_members WHERE sponsor_id = ? ORDER BY created_at, phone', [
      sponsorId,
    ]);
    return {
      id: row.id,
      name: row.name,
      budgetMb: await this.deps.ledger.availableMb(sql, sponsorBudgetCode(sponsorId)),
      warnMb: toInt(row.warn_mb),
      alertMb: toInt(row.alert_mb),
      contacts: JSON.parse(row.contacts_json),
      members: members.map((m) => ({ phone: m.phone, role: m.role })),
      createdAt: new Date(row.created_at).toISOString(),
    };
  }

  private async topupView(sql: Sql, row: { id: string; sponsor_id: string; amount_mb: string; reference: string; expires_at: Date }): Promise<Topup> {
    return {
      id: String(row.id),
      sponsorId: row.sponsor_id,
      amountMb: toInt(row.amount_mb),
      reference: row.reference,
      expiresAt: new Date(row.expires_at).toISOString(),
      budgetMb: await this.deps.ledger.availableMb(sql, sponsorBudgetCode(row.sponsor_id)),
    };
  }
}

/**
 * Makes `phone` an operator with `role` (or changes the role), whether or not the number has
 * signed in yet: roles are keyed by phone and apply from its first sign-in. Used by the API
 * and by `npm run ops -- grant`, which is how the first admin is made on any database.
 */
export async function grantOperatorRole(sql: Sql, phone: string, role: OperatorRole, grantedBy: string, now: Date): Promise<void> {
  await sql.query(
    'INSERT INTO operators (phone, role, granted_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE role = VALUES(role), granted_by = VALUES(granted_by), updated_at = VALUES(updated_at)',
    [phone, role, grantedBy, now, now],
  );
}

/** A new sponsor with its first owner and its budget account; the caller checked access. */
export async function insertSponsor(sql: Tx, deps: Pick<Deps, 'clock' | 'ledger'>, name: string, ownerPhone: string): Promise<string> {
  const sponsorId = opaqueId();
  const now = deps.clock.now();
  await sql.query('INSERT INTO sponsors (id, name, warn_mb, alert_mb, contacts_json, created_at) VALUES (?, ?, 0, 0, ?, ?)', [sponsorId, name, '[]', now]);
  await sql.query(`INSERT INTO sponsor_members (sponsor_id, phone, role, created_at) VALUES (?, ?, 'owner', ?)`, [sponsorId, ownerPhone, now]);
  await deps.ledger.ensureAccount(sql, sponsorBudgetCode(sponsorId));
  return sponsorId;
}

/** Records a new top-up and moves its data into the budget; the caller checked access and the reference. */
export async function recordTopup(
  sql: Tx,
  deps: Pick<Deps, 'clock' | 'ledger' | 'config'>,
  sponsorId: string,
  amountMb: number,
  reference: string,
  recordedBy: string,
  outcome: OutcomeRecorder = untrackedOutcome,
): Promise<string> {
  const now = deps.clock.now();
  const expiresAt = monthsAfter(now, deps.config.SPONSOR_BUDGET_MONTHS);
  const inserted = await sql.query('INSERT INTO sponsor_topups (sponsor_id, reference, amount_mb, expires_at, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    sponsorId,
    reference,
    amountMb,
    expiresAt,
    recordedBy,
    now,
  ]);
  const ref = { type: 'sponsor_topup', id: String(inserted.insertId) };
  await outcome.record(sql, ref);
  await moveBudget(sql, deps, sponsorId, () =>
    deps.ledger.transfer(sql, {
      fromCode: EXTERNAL_ACCOUNTS.sponsorPurchases,
      toCode: sponsorBudgetCode(sponsorId),
      amountMb,
      kind: 'sponsor_topup',
      ref,
      memo: reference,
      expiresAt,
    }),
  );
  return ref.id;
}

/** What spends a sponsor's budget: an activity's publish, a coupon batch's issue. */
export interface BudgetSpend {
  sponsorId: string;
  toCode: string;
  amountMb: number;
  kind: TransferKind;
  ref: { type: string; id: string };
  memo: string;
  /** Only budget that outlives this instant may fund it (the activity's end, the batch's validUntil). */
  mustOutlive: Date;
}

/**
 * Moves `amountMb` of the budget into an escrow in one transfer, or refuses 422
 * INSUFFICIENT_BUDGET having moved nothing. The sponsor's row (moveBudget) serialises what moves
 * its budget, so the check holds until the transfer, and the fund levels are judged with it; the
 * caller checked access.
 */
export async function fundFromBudget(sql: Tx, deps: Pick<Deps, 'clock' | 'ledger'>, spend: BudgetSpend): Promise<void> {
  const { ledger } = deps;
  await moveBudget(sql, deps, spend.sponsorId, async () => {
    const availableMb = await ledger.availableMb(sql, sponsorBudgetCode(spend.sponsorId), spend.mustOutlive);
    if (availableMb < spend.amountMb) {
      throw new DomainError('INSUFFICIENT_BUDGET', `The budget holds ${availableMb} MB that lasts long enough; this needs ${spend.amountMb} MB.`, {
        availableMb,
        neededMb: spend.amountMb,
      });
    }
    await ledger.transfer(sql, {
      fromCode: sponsorBudgetCode(spend.sponsorId),
      toCode: spend.toCode,
      amountMb: spend.amountMb,
      kind: spend.kind,
      ref: spend.ref,
      memo: spend.memo,
      mustOutlive: spend.mustOutlive,
    });
  });
}

/**
 * Returns what an escrow funded from the budget has left (a settled coupon batch) to the budget,
 * as it is (lots that expired meanwhile expire in the budget). A move of the budget: the fund
 * levels are judged with it.
 */
export async function returnToBudget(sql: Tx, deps: Pick<Deps, 'clock' | 'ledger'>, back: Omit<BudgetSpend, 'toCode' | 'mustOutlive'> & { fromCode: string }): Promise<void> {
  await moveBudget(sql, deps, back.sponsorId, () =>
    deps.ledger.transfer(sql, {
      fromCode: back.fromCode,
      toCode: sponsorBudgetCode(back.sponsorId),
      amountMb: back.amountMb,
      kind: back.kind,
      ref: back.ref,
      memo: back.memo,
      spendExpired: true,
    }),
  );
}

/** Sponsors' names by id, for the features that name the sponsor behind what they give. */
export async function sponsorNames(sql: Sql, sponsorIds: readonly string[]): Promise<Map<string, string>> {
  if (sponsorIds.length === 0) return new Map();
  const rows: Array<{ id: string; name: string }> = await sql.query(`SELECT id, name FROM sponsors WHERE id IN (${sponsorIds.map(() => '?').join(', ')})`, [...sponsorIds]);
  return new Map(rows.map((r) => [r.id, r.name]));
}
