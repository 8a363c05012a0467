import { ActivityCreateRequestSchema, type Activity, type ActivityCreateRequest, type ActivityUpdateRequest } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, invalidInput } from '../../platform/errors';
import { requireReminderOutsideQuietHours, requireValidTemplate } from './activity-messages';
import type { ActivityRow } from './activity-rows';

/** Fields a published or paused activity may still change: they move no data. */
const LIVE_FIELDS: ReadonlySet<string> = new Set(['templates', 'reminderAt']);

/**
 * An activity's templates and reminder, checked against its sponsor's name (every SMS names it)
 * and its largest reward: when saved, not when the first message fails.
 */
export async function requireValidActivityMessages(sql: Sql, deps: Pick<Deps, 'config'>, sponsorId: string, request: ActivityCreateRequest): Promise<void> {
  const [sponsor] = await sql.query('SELECT name FROM sponsors WHERE id = ?', [sponsorId]);
  const maxRewardMb = request.reward.mode === 'fixed' ? request.reward.amountMb : request.reward.maxMb;
  const context = { activity: request.title, sponsor: sponsor?.name ?? '', maxRewardMb };
  for (const [name, template] of Object.entries(request.templates)) if (template !== undefined) requireValidTemplate(deps, name, template, context);
  if (request.reminderAt !== undefined) {
    if (request.templates.reminder === undefined)
      throw invalidInput('A reminder time needs a reminder template.', [{ path: 'body.templates.reminder', message: 'required with reminderAt' }]);
    requireReminderOutsideQuietHours(deps, request.reminderAt);
  }
}

/** The activity as it would be after `update`, validated whole, and the columns that change. */
export function mergeUpdate(row: ActivityRow, current: Activity, update: ActivityUpdateRequest): { request: ActivityCreateRequest; assignments: Array<[string, unknown]> } {
  if (row.status === 'ended') throw new DomainError('WRONG_STATE', 'An ended activity does not change.');
  const fixed = Object.keys(update).filter((field) => !LIVE_FIELDS.has(field));
  if (row.status !== 'draft' && fixed.length > 0)
    throw new DomainError('WRONG_STATE', `Only a draft changes ${fixed.join(', ')}; a ${row.status} activity changes its templates and reminder only.`, { fields: fixed });
  const templates = { ...current.templates, ...update.templates };
  const merged = {
    type: current.type,
    title: update.title ?? current.title,
    startsAt: update.startsAt ?? current.startsAt,
    endsAt: update.endsAt ?? current.endsAt,
    budgetMb: update.budgetMb ?? current.budgetMb,
    perUserCapMb: update.perUserCapMb ?? current.perUserCapMb,
    reward: update.reward ?? current.reward,
    targeting: update.targeting ?? current.targeting,
    templates: { rewarded: templates.rewarded, reminder: templates.reminder ?? undefined, ended: templates.ended ?? undefined },
    helpersNeeded: update.helpersNeeded ?? current.helpersNeeded ?? undefined,
    reminderAt: (update.reminderAt === undefined ? current.reminderAt : update.reminderAt) ?? undefined,
    // A rain's schedule is set when the activity is created; a change keeps it as it is.
    rain: current.rain ? { times: current.rain.times, roomIds: current.rain.roomIds, count: current.rain.count, totalMb: current.rain.totalMb } : undefined,
  };
  const parsed = ActivityCreateRequestSchema.safeParse(merged);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message }));
    throw invalidInput(`The activity would not be valid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  }
  const request = parsed.data;
  const reward = request.reward;
  const targeting = request.targeting ?? {};
  const assignments: Array<[string, unknown]> = [
    ['title', request.title],
    ['starts_at', new Date(request.startsAt)],
    ['ends_at', new Date(request.endsAt)],
    ['budget_mb', request.budgetMb],
    ['per_user_cap_mb', request.perUserCapMb],
    ['reward_mode', reward.mode],
    ['reward_min_mb', reward.mode === 'fixed' ? reward.amountMb : reward.minMb],
    ['reward_max_mb', reward.mode === 'fixed' ? reward.amountMb : reward.maxMb],
    ['target_provinces', JSON.stringify([...new Set(targeting.provinces ?? [])])],
    ['target_carriers', [...new Set(targeting.carriers ?? [])].join(',')],
    ['new_users_only', targeting.newUsersOnly ? 1 : 0],
    ['templates_json', JSON.stringify(request.templates)],
    ['helpers_needed', request.helpersNeeded ?? null],
    ['reminder_at', request.reminderAt ?? null],
  ];
  return { request, assignments: row.status === 'draft' ? assignments : assignments.filter(([column]) => column === 'templates_json' || column === 'reminder_at') };
}
