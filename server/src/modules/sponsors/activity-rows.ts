import type { Activity, ActivityCreateRequest, ActivityRain, ActivityRainView, ActivityStatus } from '@liuliang/shared';
import { toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { opaqueId } from '../../platform/ids';
import { escrowCode } from '../ledger';
import type { RewardRule, Targeting } from './rules';
import { fundFromBudget } from './service';

/** Activities' rows: how they are stored, read, locked and shown, and how a draft is funded. */

export const activityEscrowCode = (activityId: string) => escrowCode('activity', activityId);

export interface ActivityRow {
  id: string;
  sponsor_id: string;
  sponsor_name?: string;
  type: Activity['type'];
  title: string;
  status: 'draft' | 'published' | 'paused' | 'ended';
  starts_at: Date;
  ends_at: Date;
  budget_mb: string;
  paid_mb: string;
  returned_mb: string;
  per_user_cap_mb: string;
  reward_mode: 'fixed' | 'random';
  reward_min_mb: string;
  reward_max_mb: string;
  target_provinces: string;
  target_carriers: string;
  new_users_only: number;
  templates_json: string;
  helpers_needed: number | null;
  reminder_at: string | null;
  /** A 红包雨's schedule (ActivityRain as JSON), null for other types. */
  rain_json: string | null;
  /** What rain packets left and gave back to the escrow (their grabs are what the rain paid). */
  rain_returned_mb: string;
}

export const rainOf = (r: Pick<ActivityRow, 'rain_json'>): ActivityRain | null => (r.rain_json === null ? null : JSON.parse(r.rain_json));

export const rewardOf = (r: ActivityRow): RewardRule =>
  r.reward_mode === 'fixed' ? { mode: 'fixed', amountMb: toInt(r.reward_min_mb) } : { mode: 'random', minMb: toInt(r.reward_min_mb), maxMb: toInt(r.reward_max_mb) };
export const targetingOf = (r: ActivityRow): Targeting => ({
  provinces: JSON.parse(r.target_provinces),
  carriers: r.target_carriers ? r.target_carriers.split(',') : [],
  newUsersOnly: Boolean(r.new_users_only),
});

/** The status a person sees: a published activity is `running` inside its window. */
function statusAt(r: Pick<ActivityRow, 'status' | 'starts_at' | 'ends_at'>, now: Date): ActivityStatus {
  if (r.status === 'published' && new Date(r.starts_at) <= now && now < new Date(r.ends_at)) return 'running';
  if (r.status === 'published' && now >= new Date(r.ends_at)) return 'ended';
  return r.status;
}

/** `rain`: the rain's view, which needs its drops and packets read (RainService.viewOf); null for other types. */
export function activityView(r: ActivityRow, now: Date, rain: ActivityRainView | null = null): Activity {
  const templates = JSON.parse(r.templates_json);
  return {
    id: r.id,
    sponsorId: r.sponsor_id,
    sponsorName: r.sponsor_name ?? '',
    type: r.type,
    title: r.title,
    status: statusAt(r, now),
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    budgetMb: toInt(r.budget_mb),
    paidMb: toInt(r.paid_mb),
    remainingMb: toInt(r.budget_mb) - toInt(r.paid_mb),
    perUserCapMb: toInt(r.per_user_cap_mb),
    reward: rewardOf(r),
    targeting: { ...targetingOf(r), provinces: [...targetingOf(r).provinces], carriers: [...targetingOf(r).carriers] as Activity['targeting']['carriers'] },
    templates: { rewarded: templates.rewarded, reminder: templates.reminder ?? null, ended: templates.ended ?? null },
    helpersNeeded: r.helpers_needed === null ? null : Number(r.helpers_needed),
    reminderAt: r.reminder_at ?? null,
    rain,
  };
}

export const SELECT_ACTIVITY = 'SELECT a.*, s.name AS sponsor_name FROM activities a JOIN sponsors s ON s.id = a.sponsor_id';

/** Inserts a draft; the caller checked access and templates. */
export async function insertActivity(sql: Sql, now: Date, sponsorId: string, request: ActivityCreateRequest): Promise<string> {
  const id = opaqueId();
  const reward = request.reward;
  const targeting = request.targeting ?? {};
  await sql.query(
    `INSERT INTO activities (id, sponsor_id, type, title, status, starts_at, ends_at, budget_mb, per_user_cap_mb, reward_mode, reward_min_mb, reward_max_mb,
                             target_provinces, target_carriers, new_users_only, templates_json, helpers_needed, rain_json, reminder_at, created_at)
     VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      sponsorId,
      request.type,
      request.title,
      new Date(request.startsAt),
      new Date(request.endsAt),
      request.budgetMb,
      request.perUserCapMb,
      reward.mode,
      reward.mode === 'fixed' ? reward.amountMb : reward.minMb,
      reward.mode === 'fixed' ? reward.amountMb : reward.maxMb,
      JSON.stringify([...new Set(targeting.provinces ?? [])]),
      [...new Set(targeting.carriers ?? [])].join(','),
      targeting.newUsersOnly ? 1 : 0,
      JSON.stringify(request.templates),
      request.helpersNeeded ?? null,
      request.rain ? JSON.stringify({ ...request.rain, times: request.rain.times.map((t) => new Date(t).toISOString()), roomIds: request.rain.roomIds ?? [] }) : null,
      request.reminderAt ?? null,
      now,
    ],
  );
  return id;
}

/** Publishes a locked draft: the whole budget moves from the sponsor's budget into the activity's escrow. */
export async function fundActivity(sql: Tx, deps: Pick<Deps, 'clock' | 'ledger'>, row: ActivityRow): Promise<void> {
  const { ledger, clock } = deps;
  await sql.query(`UPDATE activities SET status = 'published', published_at = ? WHERE id = ?`, [clock.now(), row.id]);
  await ledger.ensureAccount(sql, activityEscrowCode(row.id));
  // Only budget that outlives the activity may fund it.
  await fundFromBudget(sql, deps, {
    sponsorId: row.sponsor_id,
    toCode: activityEscrowCode(row.id),
    amountMb: toInt(row.budget_mb),
    kind: 'activity_fund',
    ref: { type: 'activity', id: row.id },
    memo: row.title,
    mustOutlive: new Date(row.ends_at),
  });
}

/**
 * Locks the activity's row alone (a join would lock its sponsor's row too, and serialise every
 * activity of a sponsor behind each other), then reads the sponsor's name.
 */
export async function lockActivity(sql: Sql, where: string, params: unknown[]): Promise<ActivityRow | undefined> {
  const [row]: ActivityRow[] = await sql.query(`SELECT * FROM activities WHERE ${where} FOR UPDATE`, params);
  if (!row) return undefined;
  const [sponsor] = await sql.query('SELECT name FROM sponsors WHERE id = ?', [row.sponsor_id]);
  return { ...row, sponsor_name: sponsor?.name ?? '' };
}
