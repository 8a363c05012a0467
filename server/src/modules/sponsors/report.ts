import type { ActivityReport, ActivityRewardLine, Page } from '@liuliang/shared';
import { toInt, type Sql } from '../../db/sql';
import type { Deps } from '../../deps';
import { notFound } from '../../platform/errors';
import { csvLine } from '../../platform/csv';
import { describeUsers } from '../auth';
import { countActivityMessages } from '../outbox';
import { requireAccess, type Actor } from './access';
import { activityEscrowCode } from './activity-rows';
import { keysetPage, type PageRequest } from './pages';
import type { RainService } from './rain';
import type { FunderGrabs } from '../red-packets/service';

/** Bound on the rows of one rewards CSV. */
const REPORT_CSV_MAX_ROWS = 100_000;
/** Bound on the days a report lists (an activity longer than this lists its last days). */
const REPORT_MAX_DAYS = 400;

/** Shanghai calendar day of a stored UTC instant, in SQL. */
const SHANGHAI_DAY = `DATE_FORMAT(DATE_ADD(r.created_at, INTERVAL 8 HOUR), '%Y-%m-%d')`;

/**
 * An activity's report (SPEC §3.9, §4): spent as the activity paid it, what is left from the
 * ledger's escrow and the activity's return; spent + remaining = budget, and remaining is what
 * the escrow holds plus what went back to the budget at the end. A rain's rewards are its
 * packets' grabs (the red-packets module's to count): participants are the distinct grabbers,
 * and each day is the day of the grab.
 */
export async function activityReport(deps: Deps, rain: Pick<RainService, 'grabsOf'> | null, actor: Actor, sponsorId: string, activityId: string): Promise<ActivityReport> {
  const sql = deps.dataSource.manager;
  await requireAccess(sql, actor, 'activity.report', { sponsorId });
  const [activity] = await sql.query('SELECT type, budget_mb, paid_mb, returned_mb, status FROM activities WHERE id = ? AND sponsor_id = ?', [activityId, sponsorId]);
  if (!activity) throw notFound('No such activity.');
  const given = activity.type === 'red_packet_rain' && rain !== null ? grabsAsRewards(await rain.grabsOf(activityId, REPORT_MAX_DAYS)) : await rewardsGiven(sql, activityId);
  const messages = await countActivityMessages(sql, activityId);
  const budgetMb = toInt(activity.budget_mb);
  // What left the escrow for good: the rewards, and a rain's packets less what they gave back
  // (the audit holds paid_mb to exactly that), so spent + what the escrow holds + returned = budget.
  const spentMb = toInt(activity.paid_mb);
  return {
    budgetMb,
    spentMb,
    remainingMb: budgetMb - spentMb,
    escrowMb: activity.status === 'draft' ? 0 : await deps.ledger.balanceMb(sql, activityEscrowCode(activityId)),
    returnedMb: toInt(activity.returned_mb),
    ...given,
    messages,
  };
}

/** What an activity gave out: how many rewards, to how many people, and per Asia/Shanghai day. */
type Given = Pick<ActivityReport, 'participants' | 'rewards' | 'byDay'>;

const grabsAsRewards = (grabs: FunderGrabs): Given => ({ participants: grabs.grabbers, rewards: grabs.grabs, byDay: grabs.byDay });

/** The rewards an activity paid itself (check-ins, invites, shares). */
async function rewardsGiven(sql: Sql, activityId: string): Promise<Given> {
  const [totals] = await sql.query('SELECT COUNT(*) AS n, COUNT(DISTINCT user_id) AS people FROM activity_rewards WHERE activity_id = ?', [activityId]);
  const byDay: Array<{ day: string; mb: string; people: string }> = await sql.query(
    `SELECT ${SHANGHAI_DAY} AS day, SUM(r.amount_mb) AS mb, COUNT(DISTINCT r.user_id) AS people FROM activity_rewards r WHERE r.activity_id = ? GROUP BY day ORDER BY day DESC LIMIT ?`,
    [activityId, REPORT_MAX_DAYS],
  );
  return {
    participants: toInt(totals.people),
    rewards: toInt(totals.n),
    byDay: byDay.reverse().map((d) => ({ date: d.day, spentMb: toInt(d.mb), participants: toInt(d.people) })),
  };
}

type RewardRow = { id: string; user_id: string; amount_mb: string; reason: ActivityRewardLine['reason']; day: string | null; streak: number | null; created_at: Date };
const SELECT_REWARD = 'SELECT r.id, r.user_id, r.amount_mb, r.reason, r.day, r.streak, r.created_at FROM activity_rewards r';

/** Reward rows as a report shows them: phones masked (a sponsor sees who, not their number). */
async function rewardLines(sql: Sql, rows: RewardRow[]): Promise<ActivityRewardLine[]> {
  const people = await describeUsers(sql, [...new Set(rows.map((r) => String(r.user_id)))]);
  return rows.map((r) => {
    const person = people.get(String(r.user_id));
    return {
      id: String(r.id),
      at: new Date(r.created_at).toISOString(),
      nickname: person?.nickname ?? '',
      phone: person?.maskedPhone ?? '',
      amountMb: toInt(r.amount_mb),
      reason: r.reason,
      day: r.day,
      streak: r.streak === null ? null : Number(r.streak),
    };
  });
}

async function requireActivity(deps: Deps, actor: Actor, sponsorId: string, activityId: string): Promise<Sql> {
  const sql = deps.dataSource.manager;
  await requireAccess(sql, actor, 'activity.report', { sponsorId });
  const [activity] = await sql.query('SELECT id FROM activities WHERE id = ? AND sponsor_id = ?', [activityId, sponsorId]);
  if (!activity) throw notFound('No such activity.');
  return sql;
}

/** `GET …/:aid/rewards`: the activity's rewards, newest first, a page at a time. */
export async function activityRewards(deps: Deps, actor: Actor, sponsorId: string, activityId: string, page: PageRequest): Promise<Page<ActivityRewardLine>> {
  const sql = await requireActivity(deps, actor, sponsorId, activityId);
  const { rows, nextCursor } = await keysetPage<RewardRow>(sql, { select: SELECT_REWARD, alias: 'r', where: 'r.activity_id = ?', params: [activityId] }, page);
  return { items: await rewardLines(sql, rows), nextCursor };
}

/** The activity's rewards as CSV, oldest first. */
export async function activityRewardsCsv(deps: Deps, actor: Actor, sponsorId: string, activityId: string): Promise<string> {
  const sql = await requireActivity(deps, actor, sponsorId, activityId);
  const rows: RewardRow[] = await sql.query(`${SELECT_REWARD} WHERE r.activity_id = ? ORDER BY r.id LIMIT ?`, [activityId, REPORT_CSV_MAX_ROWS]);
  const lines = [csvLine(['rewardId', 'at', 'nickname', 'phone', 'amountMb', 'reason', 'day', 'streak'])];
  for (const r of await rewardLines(sql, rows)) lines.push(csvLine([r.id, r.at, r.nickname, r.phone, r.amountMb, r.reason, r.day, r.streak]));
  return `${lines.join('\n')}\n`;
}
