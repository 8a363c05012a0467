import {
  shanghaiDay,
  type Activity,
  type ActivityCreateRequest,
  type ActivityReport,
  type ActivityUpdateRequest,
  type CheckinResult,
  type Page,
  type User,
} from '@liuliang/shared';
import { inTransaction, isDuplicateKey, toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, invalidInput, limitExceeded, notFound } from '../../platform/errors';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import type { RandomSource } from '../../platform/random';

import { walletCode } from '../ledger';
import { requireAccess, type Actor } from './access';
import { ActivityMessageService } from './activity-messages';
import { activityEscrowCode, activityView, fundActivity, insertActivity, lockActivity, rewardOf, SELECT_ACTIVITY, targetingOf, type ActivityRow } from './activity-rows';
import { mergeUpdate, requireValidActivityMessages } from './activity-update';
import { drawRewardMb, isEligible, nextStreak, shiftDay } from './rules';
import { moveBudget, sponsorBudgetCode } from './budget';
import { keysetPage, type PageRequest } from './pages';
import type { RainService } from './rain';
import { activityReport } from './report';

/** Bound on the activities one end-sweep settles. */
const ACTIVITY_END_BATCH = 100;

/** What a reward tells its listeners: everything a message template may name (SPEC §3.9). */
export interface RewardedEvent {
  activityId: string;
  activity: string;
  sponsorId: string;
  sponsor: string;
  userId: string;
  phone: string;
  nickname: string;
  amountMb: number;
  balanceMb: number;
  /** The earliest expiry of the data paid. */
  expiresAt: string;
  streak: number | null;
  at: string;
}
export type RewardedListener = (event: RewardedEvent) => void | Promise<void>;

/**
 * Activities (SPEC §3.9): a sponsor's budget moved into the activity's escrow at publish,
 * paid out as whole-MB rewards that are never partial, and what is left returned once at the
 * end. The activity's row is locked by every reward and life-cycle step, so rewards and the
 * end never interleave, on one process or many.
 */
export class ActivityService {
  private readonly rewardedListeners: RewardedListener[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly random: RandomSource = Math.random,
    /** 红包雨's part of activities; null where no red packets run (rain activities are then refused). */
    private readonly rain: RainService | null = null,
    readonly messages: ActivityMessageService = new ActivityMessageService(deps),
  ) {}

  /** `GET …/:aid/report` (report.ts): a rain's grabs count as its rewards. */
  report(actor: Actor, sponsorId: string, activityId: string): Promise<ActivityReport> {
    return activityReport(this.deps, this.rain, actor, sponsorId, activityId);
  }

  /** Hears every reward after it committed (personalised messages build on this). */
  onRewarded(listener: RewardedListener): void {
    this.rewardedListeners.push(listener);
  }

  async create(actor: Actor, sponsorId: string, request: ActivityCreateRequest): Promise<Activity> {
    const id = await inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.manage', { sponsorId });
      await requireValidActivityMessages(sql, this.deps, sponsorId, request);
      if (request.rain) {
        if (this.rain === null) throw invalidInput('Red-packet rain activities are not available here.');
        await this.rain.checkRooms(sql, request.rain);
      }
      return insertActivity(sql, this.deps.clock.now(), sponsorId, request);
    });
    return this.sponsorView(actor, sponsorId, id);
  }

  /**
   * `PATCH`: a draft changes in every field; a published or paused one in its templates and its
   * reminder time only (they move no data; its money and rules were fixed when its budget went
   * into escrow); an ended one not at all.
   */
  async update(actor: Actor, sponsorId: string, activityId: string, request: ActivityUpdateRequest): Promise<Activity> {
    await inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.manage', { sponsorId });
      const row = await this.sponsorsActivity(sql, sponsorId, activityId, true);
      const merged = mergeUpdate(row, activityView(row, this.deps.clock.now()), request);
      await requireValidActivityMessages(sql, this.deps, sponsorId, merged.request);
      await sql.query(`UPDATE activities SET ${merged.assignments.map(([column]) => `${column} = ?`).join(', ')} WHERE id = ?`, [
        ...merged.assignments.map(([, value]) => value),
        activityId,
      ]);
    });
    return this.sponsorView(actor, sponsorId, activityId);
  }

  /** The sponsor's own view of one of its activities. */
  async sponsorView(actor: Actor, sponsorId: string, activityId: string): Promise<Activity> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'activity.report', { sponsorId });
    return this.viewOf(sql, await this.sponsorsActivity(sql, sponsorId, activityId), { userId: null, sponsor: true });
  }

  /** An activity's view with its rain (schedule, drops, open packets) read when it has one. */
  private async viewOf(sql: Sql, row: ActivityRow, viewer: { userId: string | null; sponsor: boolean }): Promise<Activity> {
    return activityView(row, this.deps.clock.now(), this.rain ? await this.rain.viewOf(sql, row, viewer) : null);
  }

  /** The sponsor's activities, newest first, a page at a time. */
  async listForSponsor(actor: Actor, sponsorId: string, page: PageRequest): Promise<Page<Activity>> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'activity.report', { sponsorId });
    const { rows, nextCursor } = await keysetPage<ActivityRow & { created_at: Date }>(
      sql,
      { select: SELECT_ACTIVITY, alias: 'a', where: 'a.sponsor_id = ?', params: [sponsorId] },
      page,
    );
    return { items: await Promise.all(rows.map((r) => this.viewOf(sql, r, { userId: null, sponsor: true }))), nextCursor };
  }

  /** Draft → published: the whole budget moves from the sponsor's budget into the activity's escrow. */
  async publish(actor: Actor, sponsorId: string, activityId: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<Activity> {
    const { dataSource, clock } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.manage', { sponsorId });
      const row = await this.sponsorsActivity(sql, sponsorId, activityId, true);
      if (row.status !== 'draft') throw new DomainError('WRONG_STATE', `Only a draft is published; this activity is ${row.status}.`);
      const now = clock.now();
      if (new Date(row.ends_at) <= now) throw new DomainError('ACTIVITY_ENDED', 'This activity’s window has already closed.');
      await outcome.record(sql, { type: 'activity', id: activityId });
      await fundActivity(sql, this.deps, row);
    });
    return this.sponsorView(actor, sponsorId, activityId);
  }

  async pause(actor: Actor, sponsorId: string, activityId: string): Promise<Activity> {
    return this.setPaused(actor, sponsorId, activityId, true);
  }

  async resume(actor: Actor, sponsorId: string, activityId: string): Promise<Activity> {
    return this.setPaused(actor, sponsorId, activityId, false);
  }

  /** Ends an activity now; what its escrow holds returns to the budget exactly once. */
  async end(actor: Actor, sponsorId: string, activityId: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<Activity> {
    await inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.manage', { sponsorId });
      await this.sponsorsActivity(sql, sponsorId, activityId);
      await outcome.record(sql, { type: 'activity', id: activityId });
      await this.settleEnd(sql, activityId);
    });
    return this.sponsorView(actor, sponsorId, activityId);
  }

  /** The job: ends every activity whose window closed. Safe from several processes (row lock + status guard). */
  async endFinishedActivities(): Promise<number> {
    const { dataSource, clock } = this.deps;
    const due: Array<{ id: string }> = await dataSource.query(`SELECT id FROM activities WHERE status IN ('published','paused') AND ends_at <= ? ORDER BY ends_at LIMIT ?`, [
      clock.now(),
      ACTIVITY_END_BATCH,
    ]);
    let ended = 0;
    for (const { id } of due) ended += (await inTransaction(dataSource, (sql) => this.settleEnd(sql, id))) ? 1 : 0;
    return ended;
  }

  /** The running activities the user is eligible for, each with the user's progress. */
  async listForUser(actor: Actor, page: PageRequest): Promise<Page<Activity>> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'activity.participate');
    const now = this.deps.clock.now();
    // Soonest to end first. Targeting is judged per row, after the page is read: a page may show
    // fewer than its limit, and its cursor still moves past the rows left out.
    const { rows, nextCursor } = await keysetPage<ActivityRow & { created_at: Date }>(
      sql,
      {
        select: SELECT_ACTIVITY,
        alias: 'a',
        where: `a.status = 'published' AND a.starts_at <= ? AND a.ends_at > ?`,
        params: [now, now],
        order: { column: 'ends_at', descending: false },
      },
      page,
    );
    const eligible = rows.filter((r) => isEligible(targetingOf(r), actor.user, new Date(r.starts_at)));
    const items: Activity[] = [];
    for (const r of eligible)
      items.push({ ...(await this.viewOf(sql, r, { userId: actor.user.id, sponsor: false })), progress: await this.progressOf(sql, r.id, actor.user.id, now) });
    return { items, nextCursor };
  }

  /** One activity as a participant sees it; a draft or one whose targeting leaves them out is not theirs to see. */
  async viewForUser(actor: Actor, activityId: string): Promise<Activity> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'activity.participate');
    const [row]: ActivityRow[] = await sql.query(`${SELECT_ACTIVITY} WHERE a.id = ?`, [activityId]);
    if (!row || row.status === 'draft' || !isEligible(targetingOf(row), actor.user, new Date(row.starts_at))) throw notFound('No such activity.');
    const now = this.deps.clock.now();
    return { ...(await this.viewOf(sql, row, { userId: actor.user.id, sponsor: false })), progress: await this.progressOf(sql, activityId, actor.user.id, now) };
  }

  /** `signin`: once per Asia/Shanghai day, with the user's streak. */
  async checkIn(actor: Actor, activityId: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<CheckinResult> {
    const { dataSource, clock } = this.deps;
    const user = actor.user;
    const paid = await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.participate');
      const now = clock.now();
      const row = await this.lockRunning(sql, activityId, user, now);
      if (row.type !== 'signin') throw new DomainError('WRONG_STATE', 'This activity has no check-in.');
      const day = shanghaiDay(now);
      const [last] = await sql.query(`SELECT day, streak FROM activity_rewards WHERE activity_id = ? AND user_id = ? AND reason = 'checkin' ORDER BY day DESC LIMIT 1`, [
        activityId,
        user.id,
      ]);
      if (last?.day === day) throw new DomainError('ALREADY_CHECKED_IN', 'You have checked in today; come back tomorrow.');
      const streak = nextStreak(day, last ? { day: last.day, streak: Number(last.streak) } : null);
      return this.pay(sql, row, user, { reason: 'checkin', day, streak }, now, outcome);
    });
    await this.tellListeners(paid);
    return { amountMb: paid.amountMb, streak: paid.streak ?? 1 };
  }

  /** A check-in's answer again, for a retry whose first attempt committed. */
  async checkinResult(actor: Actor, rewardId: string): Promise<CheckinResult> {
    await requireAccess(this.deps.dataSource.manager, actor, 'activity.participate');
    const [row] = await this.deps.dataSource.query(`SELECT amount_mb, streak FROM activity_rewards WHERE id = ? AND user_id = ? AND reason = 'checkin'`, [rewardId, actor.user.id]);
    if (!row) throw notFound('No such check-in.');
    return { amountMb: toInt(row.amount_mb), streak: Number(row.streak) };
  }

  /**
   * Pays one reward from the activity's escrow, whole or not at all: drawn, checked against the
   * user's cap and what the escrow still holds, recorded with its transfer and its message.
   */
  async pay(
    sql: Tx,
    row: ActivityRow,
    user: User,
    what: { reason: 'checkin' | 'invite' | 'share'; day: string | null; streak: number | null },
    now: Date,
    outcome: OutcomeRecorder,
  ): Promise<RewardedEvent> {
    const { ledger } = this.deps;
    const amountMb = drawRewardMb(rewardOf(row), this.random);
    const [taken] = await sql.query('SELECT COALESCE(SUM(amount_mb), 0) AS mb FROM activity_rewards WHERE activity_id = ? AND user_id = ?', [row.id, user.id]);
    const capMb = toInt(row.per_user_cap_mb);
    if (toInt(taken.mb) + amountMb > capMb) throw limitExceeded({ rule: 'activity.per-user-cap', limit: capMb }, `This activity gives each person at most ${capMb} MB.`);
    if (toInt(row.budget_mb) - toInt(row.paid_mb) < amountMb) throw new DomainError('BUDGET_EXHAUSTED', 'This activity’s budget has run out.');
    let rewardId: string;
    try {
      const inserted = await sql.query('INSERT INTO activity_rewards (activity_id, user_id, amount_mb, reason, day, streak, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        row.id,
        user.id,
        amountMb,
        what.reason,
        what.day,
        what.streak,
        now,
      ]);
      rewardId = String(inserted.insertId);
    } catch (error) {
      if (isDuplicateKey(error)) throw new DomainError('ALREADY_CHECKED_IN', 'You have checked in today; come back tomorrow.');
      throw error;
    }
    await outcome.record(sql, { type: 'activity_reward', id: rewardId });
    await sql.query('UPDATE activities SET paid_mb = paid_mb + ? WHERE id = ?', [amountMb, row.id]);
    const { pieces } = await ledger.transfer(sql, {
      fromCode: activityEscrowCode(row.id),
      toCode: walletCode(user.id),
      amountMb,
      kind: 'activity_reward',
      ref: { type: 'activity', id: row.id },
      memo: row.title.slice(0, 255),
    });
    const event: RewardedEvent = {
      activityId: row.id,
      activity: row.title,
      sponsorId: row.sponsor_id,
      sponsor: row.sponsor_name ?? '',
      userId: user.id,
      phone: user.phone,
      nickname: user.nickname,
      amountMb,
      balanceMb: await ledger.availableMb(sql, walletCode(user.id), now),
      expiresAt: pieces
        .map((p) => p.expiresAt)
        .sort((a, b) => a.getTime() - b.getTime())[0]
        .toISOString(),
      streak: what.streak,
      at: now.toISOString(),
    };
    // The sponsor's `rewarded` template, rendered for this person, in the reward's own transaction.
    await this.messages.queueRewarded(sql, row, user, rewardId, event, now);
    return event;
  }

  async tellListeners(event: RewardedEvent): Promise<void> {
    for (const listener of this.rewardedListeners) {
      try {
        await listener(event);
      } catch (error) {
        // The reward committed; a listener's failure must not turn it into an error for the user.
        this.deps.logger.error({ err: error, activityId: event.activityId }, 'a rewarded listener failed');
      }
    }
  }

  /** Locks a running activity the user may take part in, or says why not. */
  async lockRunning(sql: Sql, activityId: string, user: User, now: Date): Promise<ActivityRow> {
    const row = await lockActivity(sql, 'id = ?', [activityId]);
    if (!row || row.status === 'draft') throw notFound('No such activity.');
    if (!isEligible(targetingOf(row), user, new Date(row.starts_at))) throw new DomainError('NOT_ELIGIBLE', 'This activity is not open to you.');
    if (row.status === 'ended' || now >= new Date(row.ends_at)) throw new DomainError('ACTIVITY_ENDED', 'This activity has ended.');
    if (now < new Date(row.starts_at)) throw new DomainError('NOT_STARTED', 'This activity has not started yet.');
    if (row.status === 'paused') throw new DomainError('ACTIVITY_PAUSED', 'This activity is paused.');
    return row;
  }

  /** Ends the activity unless it already ended; returns whether this call ended it. */
  private async settleEnd(sql: Tx, activityId: string): Promise<boolean> {
    const [row]: ActivityRow[] = await sql.query('SELECT * FROM activities WHERE id = ? FOR UPDATE', [activityId]);
    if (row.status === 'ended') return false;
    const now = this.deps.clock.now();
    const restMb = row.status === 'draft' ? 0 : toInt(row.budget_mb) - toInt(row.paid_mb);
    await sql.query(`UPDATE activities SET status = 'ended', ended_at = ?, returned_mb = ? WHERE id = ?`, [now, restMb, activityId]);
    // Participants hear that it ended, once: this runs only for the call that ends it.
    await this.messages.queueEnded(sql, row, now);
    if (restMb > 0) {
      await moveBudget(sql, this.deps, row.sponsor_id, () =>
        this.deps.ledger.transfer(sql, {
          fromCode: activityEscrowCode(activityId),
          toCode: sponsorBudgetCode(row.sponsor_id),
          amountMb: restMb,
          kind: 'activity_return',
          ref: { type: 'activity', id: activityId },
          memo: row.title,
          // The rest goes back as it is; lots that expired meanwhile expire in the budget (the sweep takes them).
          spendExpired: true,
        }),
      );
    }
    return true;
  }

  private async setPaused(actor: Actor, sponsorId: string, activityId: string, paused: boolean): Promise<Activity> {
    await inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.manage', { sponsorId });
      const row = await this.sponsorsActivity(sql, sponsorId, activityId, true);
      const from = paused ? 'published' : 'paused';
      const to = paused ? 'paused' : 'published';
      // Pausing a paused activity (or resuming a running one) is already done: a repeat is harmless.
      if (row.status === to) return;
      if (row.status !== from) throw new DomainError('WRONG_STATE', `A ${row.status} activity cannot be ${paused ? 'paused' : 'resumed'}.`);
      await sql.query('UPDATE activities SET status = ? WHERE id = ?', [to, activityId]);
    });
    return this.sponsorView(actor, sponsorId, activityId);
  }

  private async sponsorsActivity(sql: Sql, sponsorId: string, activityId: string, lock = false): Promise<ActivityRow> {
    const row = lock
      ? await lockActivity(sql, 'id = ? AND sponsor_id = ?', [activityId, sponsorId])
      : (await sql.query(`${SELECT_ACTIVITY} WHERE a.id = ? AND a.sponsor_id = ?`, [activityId, sponsorId]))[0];
    if (!row) throw notFound('No such activity.');
    return row;
  }

  private async progressOf(sql: Sql, activityId: string, userId: string, now: Date): Promise<NonNullable<Activity['progress']>> {
    const [sum] = await sql.query('SELECT COALESCE(SUM(amount_mb), 0) AS mb, COUNT(*) AS n FROM activity_rewards WHERE activity_id = ? AND user_id = ?', [activityId, userId]);
    const [last] = await sql.query(`SELECT day, streak FROM activity_rewards WHERE activity_id = ? AND user_id = ? AND reason = 'checkin' ORDER BY day DESC LIMIT 1`, [
      activityId,
      userId,
    ]);
    const today = shanghaiDay(now);
    // A streak still counts while today's check-in may continue it (yesterday's), and is 0 once broken.
    const streak = last && (last.day === today || last.day === shiftDay(today, -1)) ? Number(last.streak) : 0;
    return { rewardedMb: toInt(sum.mb), rewards: toInt(sum.n), checkedInToday: last?.day === today, streak };
  }
}
