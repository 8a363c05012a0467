import {
  activityVariableWidths,
  checkTemplate,
  parseTemplate,
  renderTemplate,
  shanghaiDay,
  shanghaiTime,
  type Activity,
  type Audience,
  type Broadcast,
  type BroadcastAudience,
  type BroadcastRequest,
  type TemplateValues,
  type User,
} from '@liuliang/shared';
import { inTransaction, toInt, type InsertResult, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, invalidInput, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import { countUsersInAudience, usersInAudience, type UserAudience } from '../auth';
import { usersWithContact } from '../bot';
import { walletCode } from '../ledger';
import { activityMessageRules, enqueueActivityMessage, releaseAfterQuietHours } from '../outbox';
import { requireAccess, type Actor } from './access';
import { rewardOf, SELECT_ACTIVITY, targetingOf, type ActivityRow } from './activity-rows';

/**
 * An activity's personalised messages (SPEC §3.9): its templates checked when saved, rendered per
 * recipient, and written to the outbox under the rules of outbox/activity-messages.ts. A reward's
 * message is written in the reward's own transaction; everything sent to many people (a
 * broadcast, the `ended` message, a day's reminder) is a `broadcasts` row that a job sends in
 * batches from a cursor, each batch one transaction with its cursor, so a crash loses nothing and
 * a resumed run sends nobody twice (the outbox's once-only key backs the cursor up).
 */

/** Bound on the broadcasts one job run works on, and on the batches it sends for each. */
const BROADCASTS_PER_RUN = 20;
const BATCHES_PER_BROADCAST_PER_RUN = 50;
/** Bound on the activities one reminder run looks at. */
const REMINDER_ACTIVITIES_PER_RUN = 200;
/** How far ahead a broadcast may be scheduled. */
const BROADCAST_MAX_AHEAD_MS = 90 * 24 * 3_600_000;
/** A sendAt this little in the past is "now" (clocks differ); more is a mistake. */
const BROADCAST_PAST_TOLERANCE_MS = 60_000;

export type MessageKind = 'rewarded' | 'broadcast' | 'ended' | 'reminder';
type BroadcastKind = Exclude<MessageKind, 'rewarded'>;
type SendAudience = BroadcastAudience | 'not_checked_in_today';

/** The outbox template label of an activity's messages of one kind: the report counts by activity. */
const messageTemplate = (kind: MessageKind, activityId: string) => `activity_${kind}:${activityId}`;

interface BroadcastRow {
  id: string;
  activity_id: string;
  kind: BroadcastKind;
  template: string;
  audience: SendAudience;
  status: 'sending' | 'done';
  cursor_user_id: string;
}

/** The largest single reward an activity pays: the widest {amount} a rewarded message shows. */
const maxRewardMbOf = (row: ActivityRow) => {
  const reward = rewardOf(row);
  return reward.mode === 'fixed' ? reward.amountMb : reward.maxMb;
};

/**
 * Refuses a template that does not parse or whose longest SMS passes the budget, with where:
 * 400 UNKNOWN_TEMPLATE_VARIABLE / UNBALANCED_TEMPLATE_BRACE / TEMPLATE_TOO_LONG, `details`
 * naming the template and the position (code points from 0).
 */
export function requireValidTemplate(deps: Pick<Deps, 'config'>, name: string, template: string, context: { activity: string; sponsor: string; maxRewardMb: number }): void {
  const widths = activityVariableWidths(context.activity, context.sponsor, context.maxRewardMb);
  const budget = { segmentChars: deps.config.ACTIVITY_SMS_SEGMENT_CHARS, maxSegments: deps.config.ACTIVITY_SMS_MAX_SEGMENTS };
  const checked = checkTemplate(template, context.sponsor, widths, budget);
  if (checked.ok) return;
  const { problem } = checked;
  const where = `the ${name} template, at character ${problem.position + 1}`;
  const message =
    problem.code === 'UNKNOWN_TEMPLATE_VARIABLE'
      ? `{${problem.variable}} in ${where} is not a variable.`
      : problem.code === 'UNBALANCED_TEMPLATE_BRACE'
        ? `A brace in ${where} opens or closes nothing; write {{ or }} for a brace itself.`
        : `The longest SMS ${name} can make is ${problem.lengthChars} characters; at most ${problem.maxChars} are sent (${where}).`;
  throw new DomainError(problem.code, message, { template: name, ...problem });
}

/** A reminder time inside quiet hours would be held to the next morning, when "today" is over. */
export function requireReminderOutsideQuietHours(deps: Pick<Deps, 'config'>, reminderAt: string): void {
  const [hours, minutes] = reminderAt.split(':').map(Number);
  // 2000-01-01 is any day: only the time of day matters. Shanghai is UTC+8.
  const at = new Date(Date.UTC(2000, 0, 1, hours - 8, minutes));
  if (releaseAfterQuietHours(at, activityMessageRules(deps.config).quiet).getTime() !== at.getTime())
    throw invalidInput(`A reminder at ${reminderAt} falls in quiet hours (${deps.config.QUIET_HOURS_START}:00–${deps.config.QUIET_HOURS_END}:00).`, [
      { path: 'body.reminderAt', message: 'inside quiet hours' },
    ]);
}

export class ActivityMessageService {
  constructor(private readonly deps: Deps) {}

  /** Writes the `rewarded` message of a reward, in the reward's transaction. */
  async queueRewarded(sql: Tx, row: ActivityRow, user: User, rewardId: string, values: TemplateValues, now: Date): Promise<void> {
    const templates = JSON.parse(row.templates_json) as Activity['templates'];
    await this.queueOne(sql, row, user, { kind: 'rewarded', onceKey: `rewarded:${rewardId}`, template: templates.rewarded }, values, now);
  }

  /** Queues the `ended` message to every participant, once (call in the transaction that ends the activity). */
  async queueEnded(sql: Tx, row: ActivityRow, now: Date): Promise<void> {
    const templates = JSON.parse(row.templates_json) as Activity['templates'];
    if (!templates.ended || row.status === 'draft') return;
    await this.insertBroadcast(sql, { id: `ended-${row.id}`, activityId: row.id, kind: 'ended', template: templates.ended, audience: 'participants', sendAt: now, now });
  }

  async audienceSize(actor: Actor, sponsorId: string, activityId: string, audience: BroadcastAudience): Promise<Audience> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'activity.manage', { sponsorId });
    const row = await this.sponsorsActivity(sql, sponsorId, activityId);
    return { audience, recipients: await this.countAudience(sql, row, audience, this.deps.clock.now()) };
  }

  /** `POST …/broadcasts`: one template to an audience, now or at `sendAt`; sent by the job. */
  async broadcast(actor: Actor, sponsorId: string, activityId: string, request: BroadcastRequest, outcome: OutcomeRecorder = untrackedOutcome): Promise<Broadcast> {
    const now = this.deps.clock.now();
    const sendAt = request.sendAt === undefined ? now : new Date(request.sendAt);
    if (sendAt.getTime() < now.getTime() - BROADCAST_PAST_TOLERANCE_MS) throw invalidInput('sendAt is in the past.', [{ path: 'body.sendAt', message: 'in the past' }]);
    if (sendAt.getTime() > now.getTime() + BROADCAST_MAX_AHEAD_MS) throw invalidInput('sendAt is more than 90 days ahead.', [{ path: 'body.sendAt', message: 'too far ahead' }]);
    return inTransaction(this.deps.dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.manage', { sponsorId });
      const row = await this.sponsorsActivity(sql, sponsorId, activityId);
      if (row.status === 'draft') throw new DomainError('WRONG_STATE', 'Publish the activity before broadcasting about it.');
      if (row.status === 'ended' || new Date(row.ends_at) <= now) throw new DomainError('ACTIVITY_ENDED', 'This activity has ended.');
      // Sent after the end, it would invite people to an activity they can no longer join.
      if (sendAt >= new Date(row.ends_at)) throw invalidInput('sendAt is after the activity ends.', [{ path: 'body.sendAt', message: 'after the activity ends' }]);
      requireValidTemplate(this.deps, 'broadcast', request.template, { activity: row.title, sponsor: row.sponsor_name ?? '', maxRewardMb: maxRewardMbOf(row) });
      const id = opaqueId();
      await outcome.record(sql, { type: 'broadcast', id });
      const recipients = await this.insertBroadcast(sql, {
        id,
        activityId,
        kind: 'broadcast',
        template: request.template,
        audience: request.audience,
        sendAt: sendAt < now ? now : sendAt,
        now,
      });
      return { id, recipients };
    });
  }

  /** A broadcast's answer again, for a retry whose first attempt committed. */
  async broadcastById(actor: Actor, sponsorId: string, activityId: string, broadcastId: string): Promise<Broadcast> {
    const sql = this.deps.dataSource.manager;
    await requireAccess(sql, actor, 'activity.manage', { sponsorId });
    await this.sponsorsActivity(sql, sponsorId, activityId);
    const [row] = await sql.query('SELECT id, recipients FROM broadcasts WHERE id = ? AND activity_id = ?', [broadcastId, activityId]);
    if (!row) throw notFound('No such broadcast.');
    return { id: row.id, recipients: toInt(row.recipients) };
  }

  /** The job: starts each running signin activity's reminder once a day, at or after its time. */
  async scheduleReminders(): Promise<number> {
    const now = this.deps.clock.now();
    const { hours, minutes } = shanghaiTime(now);
    const timeOfDay = `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
    const rows: ActivityRow[] = await this.deps.dataSource.query(
      `${SELECT_ACTIVITY} WHERE a.type = 'signin' AND a.status = 'published' AND a.reminder_at IS NOT NULL AND a.reminder_at <= ? AND a.starts_at <= ? AND a.ends_at > ? ORDER BY a.id LIMIT ?`,
      [timeOfDay, now, now, REMINDER_ACTIVITIES_PER_RUN],
    );
    let started = 0;
    for (const row of rows) {
      const template = (JSON.parse(row.templates_json) as Activity['templates']).reminder;
      if (!template) continue;
      // The id names the day: however often this runs, on however many processes, a day has one reminder.
      const id = `reminder-${row.id}-${shanghaiDay(now)}`;
      const inserted = await inTransaction(this.deps.dataSource, (sql) =>
        this.insertBroadcast(sql, { id, activityId: row.id, kind: 'reminder', template, audience: 'not_checked_in_today', sendAt: now, now }),
      );
      if (inserted >= 0) started++;
    }
    return started;
  }

  /** The job: sends due broadcasts, batch by batch; returns the messages it wrote. */
  async sendDueBroadcasts(): Promise<number> {
    const now = this.deps.clock.now();
    const due: Array<{ id: string }> = await this.deps.dataSource.query(
      `SELECT id FROM broadcasts WHERE status = 'sending' AND send_at <= ? ORDER BY send_at, created_at, id LIMIT ?`,
      [now, BROADCASTS_PER_RUN],
    );
    let written = 0;
    for (const { id } of due) {
      for (let batch = 0; batch < BATCHES_PER_BROADCAST_PER_RUN; batch++) {
        const sent = await inTransaction(this.deps.dataSource, (sql) => this.sendBatch(sql, id));
        written += sent.queued;
        if (sent.done) break;
      }
    }
    return written;
  }

  /**
   * One batch of a broadcast, in one transaction with its cursor: the broadcast's row lock keeps
   * two processes from sending the same batch, and a batch cut short by a crash rolls back whole.
   */
  private async sendBatch(sql: Tx, broadcastId: string): Promise<{ queued: number; done: boolean }> {
    const [broadcast]: BroadcastRow[] = await sql.query('SELECT * FROM broadcasts WHERE id = ? FOR UPDATE', [broadcastId]);
    if (!broadcast || broadcast.status === 'done') return { queued: 0, done: true };
    const now = this.deps.clock.now();
    const [row]: ActivityRow[] = await sql.query(`${SELECT_ACTIVITY} WHERE a.id = ?`, [broadcast.activity_id]);
    // A sponsor's broadcast still waiting when its activity ended (early, by the sponsor) is dropped, not sent about an activity that is over.
    if (broadcast.kind === 'broadcast' && (row.status === 'ended' || now >= new Date(row.ends_at))) {
      await sql.query(`UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?`, [now, broadcastId]);
      return { queued: 0, done: true };
    }
    const batchSize = this.deps.config.BROADCAST_BATCH_SIZE;
    const users = await usersInAudience(sql, this.userAudience(row, broadcast.audience, now), String(broadcast.cursor_user_id), batchSize);
    let queued = 0;
    for (const user of users) {
      const values = await this.valuesFor(sql, row, user, now);
      const onceKey = broadcast.kind === 'broadcast' ? `broadcast:${broadcast.id}:${user.id}` : `${broadcast.id}:${user.id}`;
      queued += (await this.queueOne(sql, row, user, { kind: broadcast.kind, onceKey, template: broadcast.template }, values, now)) ? 1 : 0;
    }
    const done = users.length < batchSize;
    const cursor = users.length > 0 ? users[users.length - 1].id : String(broadcast.cursor_user_id);
    await sql.query(`UPDATE broadcasts SET cursor_user_id = ?, status = ?, finished_at = ? WHERE id = ?`, [cursor, done ? 'done' : 'sending', done ? now : null, broadcastId]);
    return { queued, done };
  }

  private async queueOne(
    sql: Tx,
    row: ActivityRow,
    user: User,
    message: { kind: MessageKind; onceKey: string; template: string },
    values: TemplateValues,
    now: Date,
  ): Promise<boolean> {
    const parsed = parseTemplate(message.template);
    // Templates are checked when saved; one that no longer parses is a bug to see, not a message to half-send.
    if (!parsed.ok) throw new Error(`stored ${message.kind} template of activity ${row.id} does not parse: ${parsed.problem.code}`);
    const text = renderTemplate(parsed.parts, values);
    // "{streak}" for someone without one: a message that says nothing is not sent, nor counted against the person's day.
    if (text.trim() === '') return false;
    const viaWechat = (await usersWithContact(sql, [user.id])).has(user.id);
    const outcome = await enqueueActivityMessage(
      sql,
      {
        activityId: row.id,
        onceKey: message.onceKey,
        template: messageTemplate(message.kind, row.id),
        phone: user.phone,
        sponsor: row.sponsor_name ?? '',
        text,
        viaWechat,
      },
      activityMessageRules(this.deps.config),
      now,
    );
    return outcome === 'queued';
  }

  /** What a broadcast, reminder or end message knows of a person: their total from this activity, their wallet, their streak. */
  private async valuesFor(sql: Sql, row: ActivityRow, user: User, now: Date): Promise<TemplateValues> {
    const [taken] = await sql.query('SELECT COALESCE(SUM(amount_mb), 0) AS mb FROM activity_rewards WHERE activity_id = ? AND user_id = ?', [row.id, user.id]);
    const [last] = await sql.query(`SELECT streak FROM activity_rewards WHERE activity_id = ? AND user_id = ? AND reason = 'checkin' ORDER BY day DESC LIMIT 1`, [row.id, user.id]);
    return {
      nickname: user.nickname,
      amountMb: toInt(taken.mb),
      activity: row.title,
      sponsor: row.sponsor_name ?? '',
      balanceMb: await this.deps.ledger.availableMb(sql, walletCode(user.id), now),
      // Outside a reward there is no paid data to expire: the activity's own end date.
      expiresAt: new Date(row.ends_at),
      streak: last ? Number(last.streak) : null,
    };
  }

  /** Inserts a broadcast unless its id exists (an activity's end, a day's reminder); answers its audience size, or -1 when it existed. */
  private async insertBroadcast(
    sql: Tx,
    b: { id: string; activityId: string; kind: BroadcastKind; template: string; audience: SendAudience; sendAt: Date; now: Date },
  ): Promise<number> {
    const [row]: ActivityRow[] = await sql.query(`${SELECT_ACTIVITY} WHERE a.id = ?`, [b.activityId]);
    const recipients = await this.countAudience(sql, row, b.audience, b.now);
    const result: InsertResult = await sql.query(
      'INSERT IGNORE INTO broadcasts (id, activity_id, kind, template, audience, send_at, status, recipients, cursor_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?)',
      [b.id, b.activityId, b.kind, b.template, b.audience, b.sendAt, 'sending', recipients, b.now],
    );
    return result.affectedRows > 0 ? recipients : -1;
  }

  private countAudience(sql: Sql, row: ActivityRow, audience: SendAudience, now: Date): Promise<number> {
    return countUsersInAudience(sql, this.userAudience(row, audience, now));
  }

  /** An audience as the users module filters it: the subqueries name this module's own tables. */
  private userAudience(row: ActivityRow, audience: SendAudience, now: Date): UserAudience {
    const participants = { sql: 'SELECT user_id FROM activity_rewards WHERE activity_id = ?', params: [row.id] };
    if (audience === 'participants') return { provinces: [], carriers: [], createdAfter: null, onlyIdsIn: participants };
    if (audience === 'not_checked_in_today') {
      return {
        provinces: [],
        carriers: [],
        createdAfter: null,
        onlyIdsIn: participants,
        excludeIdsIn: { sql: `SELECT user_id FROM activity_rewards WHERE activity_id = ? AND reason = 'checkin' AND day = ?`, params: [row.id, shanghaiDay(now)] },
      };
    }
    const targeting = targetingOf(row);
    return {
      provinces: targeting.provinces,
      carriers: targeting.carriers,
      createdAfter: targeting.newUsersOnly ? new Date(row.starts_at) : null,
      excludeIdsIn: participants,
    };
  }

  private async sponsorsActivity(sql: Sql, sponsorId: string, activityId: string): Promise<ActivityRow> {
    const [row]: ActivityRow[] = await sql.query(`${SELECT_ACTIVITY} WHERE a.id = ? AND a.sponsor_id = ?`, [activityId, sponsorId]);
    if (!row) throw notFound('No such activity.');
    return row;
  }
}
