import {
  ACTIVITY_TITLE_MAX_CHARS,
  activityVariableWidths,
  checkTemplate,
  parseTemplate,
  renderTemplate,
  SAMPLE_TEMPLATE_VALUES,
  signedActivitySms,
  smsLength,
  smsSegments,
  TEMPLATE_MAX_CHARS,
  TEMPLATE_VARIABLES,
  HELPERS_NEEDED_MAX,
  RAIN_PACKET_COUNT_MAX,
  RAIN_PACKET_TOTAL_MAX_MB,
  RAIN_ROOMS_MAX,
  RAIN_TIMES_MAX,
  rainTotalMb,
  type ActivityCreateRequest,
  type SmsBudget,
  type TemplateProblem,
} from '@liuliang/shared';
import { parseWholeMb } from '../../forms/validation';

export type ActivityType = ActivityCreateRequest['type'];

/** What the create-activity form holds: text as typed. */
export interface ActivityFormFields {
  type: ActivityType;
  title: string;
  budgetText: string;
  perUserCapText: string;
  rewardMode: 'fixed' | 'random';
  amountText: string;
  minText: string;
  maxText: string;
  daysText: string;
  template: string;
  /** `share`: how many friends must help. */
  helpersText: string;
  /** `red_packet_rain`: each drop's time as Asia/Shanghai wall time, `YYYY-MM-DD HH:mm`. */
  rainTimes: string[];
  rainCountText: string;
  rainTotalText: string;
  /** Chat room ids, comma-separated; empty for the activity's page only. */
  rainRoomsText: string;
}

/** The form's fields, by name: where an error is shown. */
export type ActivityField = Exclude<keyof ActivityFormFields, 'type' | 'rewardMode'>;

export const ACTIVITY_TYPE_NAMES: Record<ActivityType, string> = { signin: '签到', invite: '邀请', share: '好友助力', red_packet_rain: '红包雨' };

export const DEFAULT_TEMPLATE = '{nickname}，你在「{activity}」获得 {amount}，已连续签到 {streak} 天。';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS = 366;

/** The default rewarded message of each type ({streak} only means something for check-ins). */
export const DEFAULT_TEMPLATES: Record<ActivityType, string> = {
  signin: DEFAULT_TEMPLATE,
  invite: '{nickname}，你在「{activity}」邀请好友成功，获得 {amount}。',
  share: '{nickname}，好友为你助力成功，你在「{activity}」获得 {amount}。',
  red_packet_rain: '{nickname}，你在「{activity}」的红包雨中获得 {amount}。',
};

/** A failed check names the first field that is wrong. */
export type ActivityFormError = { error: string; field: ActivityField | null };
type Checked = { ok: true; value: ActivityCreateRequest } | ({ ok: false } & ActivityFormError);
type Part<T> = { ok: true; value: T } | ({ ok: false } & ActivityFormError);
const fail = (field: ActivityField | null, error: string): { ok: false } & ActivityFormError => ({ ok: false, error, field });

/** What a template is about: the activity and sponsor it names, and its largest reward. */
export interface TemplateContext {
  activity: string;
  sponsor: string;
  maxRewardMb: number;
}

/** A template problem in words, with where it is (counted from 1, as people count). */
function describeTemplateProblem(problem: TemplateProblem): string {
  const at = `第 ${problem.position + 1} 个字`;
  if (problem.code === 'UNKNOWN_TEMPLATE_VARIABLE') return `${at}的 {${problem.variable}} 不是可用的变量；可用：${TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(' ')}`;
  if (problem.code === 'UNBALANCED_TEMPLATE_BRACE') return `${at}的花括号没有配对；要写花括号本身，请写 {{ 或 }}`;
  return `消息太长：最长可能 ${problem.lengthChars} 字，短信最多 ${problem.maxChars} 字（从${at}起超出）`;
}

export interface TemplatePreview {
  /** The SMS a sample person would get (signature and sponsor included), or null when the template is wrong. */
  sms: string | null;
  chars: number;
  segments: number;
  /** What is wrong, in words; null when the template can be saved. */
  error: string | null;
}

/** The live preview of the template editor: the same parser, renderer and length check the service runs. */
export function previewTemplate(template: string, context: TemplateContext, budget: SmsBudget): TemplatePreview {
  const checked = checkTemplate(template, context.sponsor, activityVariableWidths(context.activity, context.sponsor, context.maxRewardMb), budget);
  const parsed = checked.ok ? checked : parseTemplate(template);
  if (!parsed.ok) return { sms: null, chars: 0, segments: 0, error: describeTemplateProblem(parsed.problem) };
  const sms = signedActivitySms(context.sponsor, renderTemplate(parsed.parts, { ...SAMPLE_TEMPLATE_VALUES, activity: context.activity, sponsor: context.sponsor }));
  return { sms, chars: smsLength(sms), segments: smsSegments(sms, budget), error: checked.ok ? null : describeTemplateProblem(checked.problem) };
}

function wholeMb(text: string, name: string, field: ActivityField): Part<number> {
  if (text.trim() === '') return fail(field, `请填写${name}`);
  const mb = parseWholeMb(text);
  if (mb === null || mb <= 0) return fail(field, `${name}请填正整数（单位 MB）`);
  return { ok: true, value: mb };
}

function wholeNumber(text: string, name: string, field: ActivityField, max: number): Part<number> {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) return fail(field, `${name}请填 1 – ${max} 的整数`);
  return { ok: true, value: n };
}

const SHANGHAI_OFFSET_HOURS = 8;
const LOCAL_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})$/;

/** `YYYY-MM-DD HH:mm` read as Asia/Shanghai wall time (no daylight saving), as an instant; null when it is no such time. */
export function shanghaiLocalToIso(text: string): string | null {
  const m = LOCAL_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute));
  // Date.UTC rolls 02-30 over to 03-02: a date that rolled is not a date.
  if (wall.getUTCFullYear() !== year || wall.getUTCMonth() !== month - 1 || wall.getUTCDate() !== day || wall.getUTCHours() !== hour || wall.getUTCMinutes() !== minute)
    return null;
  return new Date(wall.getTime() - SHANGHAI_OFFSET_HOURS * 60 * 60 * 1000).toISOString();
}

/** The rain as the service checks it (shared's schema): distinct times inside the window, whole shares of at least 1 MB, a rain the budget pays whole. */
function checkRain(fields: ActivityFormFields, window: { startsAt: string; endsAt: string }, budgetMb: number): Part<NonNullable<ActivityCreateRequest['rain']>> {
  const typed = fields.rainTimes.map((t) => t.trim()).filter((t) => t !== '');
  if (typed.length === 0) return fail('rainTimes', '请填写至少一个红包雨时间');
  if (typed.length > RAIN_TIMES_MAX) return fail('rainTimes', `红包雨最多 ${RAIN_TIMES_MAX} 个时间`);
  const times: string[] = [];
  for (const [i, text] of typed.entries()) {
    const iso = shanghaiLocalToIso(text);
    if (iso === null) return fail('rainTimes', `第 ${i + 1} 个红包雨时间请按 2026-03-10 20:00 的格式填写（北京时间）`);
    if (Date.parse(iso) < Date.parse(window.startsAt) || Date.parse(iso) >= Date.parse(window.endsAt)) return fail('rainTimes', `第 ${i + 1} 个红包雨时间不在活动期内`);
    if (times.includes(iso)) return fail('rainTimes', `第 ${i + 1} 个红包雨时间重复了`);
    times.push(iso);
  }
  const count = wholeNumber(fields.rainCountText, '每个红包个数', 'rainCountText', RAIN_PACKET_COUNT_MAX);
  if (!count.ok) return count;
  const total = wholeMb(fields.rainTotalText, '每个红包总额', 'rainTotalText');
  if (!total.ok) return total;
  if (total.value > RAIN_PACKET_TOTAL_MAX_MB) return fail('rainTotalText', `每个红包总额最多 ${RAIN_PACKET_TOTAL_MAX_MB} MB`);
  if (total.value < count.value) return fail('rainTotalText', '每个红包总额不能少于个数（每份至少 1 MB）');
  const roomIds = fields.rainRoomsText
    .split(/[,，]/)
    .map((r) => r.trim())
    .filter((r) => r !== '');
  if (roomIds.length > RAIN_ROOMS_MAX) return fail('rainRoomsText', `最多 ${RAIN_ROOMS_MAX} 个群`);
  if (roomIds.some((r) => r.length > 128)) return fail('rainRoomsText', '群 ID 最长 128 个字符');
  if (new Set(roomIds).size !== roomIds.length) return fail('rainRoomsText', '群 ID 重复了');
  const rain = { times, ...(roomIds.length > 0 ? { roomIds } : {}), count: count.value, totalMb: total.value };
  if (rainTotalMb(rain) > budgetMb) return fail('rainTotalText', `红包雨共需 ${rainTotalMb(rain)} MB（时间数 × 每个红包总额 × (1 + 群数)），超过了活动预算`);
  return { ok: true, value: rain };
}

/**
 * Checks the form as the service would (shared's rules: whole MB, a reward that fits the cap and
 * the budget, known template variables, a share's helpers, a rain's schedule and packets) and
 * builds the request: an activity of the chosen type that starts now and runs `days` days. The
 * first field that is wrong is named. The service has the last word.
 */
export function checkActivityForm(fields: ActivityFormFields, now: Date, sms?: { sponsor: string; budget: SmsBudget }): Checked {
  const title = fields.title.trim();
  if (title === '') return fail('title', '请填写活动名称');
  if (title.length > ACTIVITY_TITLE_MAX_CHARS) return fail('title', `活动名称最多 ${ACTIVITY_TITLE_MAX_CHARS} 个字`);
  const budget = wholeMb(fields.budgetText, '活动预算', 'budgetText');
  if (!budget.ok) return budget;
  const cap = wholeMb(fields.perUserCapText, '每人上限', 'perUserCapText');
  if (!cap.ok) return cap;
  let reward: ActivityCreateRequest['reward'];
  if (fields.rewardMode === 'fixed') {
    const amount = wholeMb(fields.amountText, '每次奖励', 'amountText');
    if (!amount.ok) return amount;
    reward = { mode: 'fixed', amountMb: amount.value };
  } else {
    const min = wholeMb(fields.minText, '最少奖励', 'minText');
    if (!min.ok) return min;
    const max = wholeMb(fields.maxText, '最多奖励', 'maxText');
    if (!max.ok) return max;
    if (min.value > max.value) return fail('maxText', '最少奖励不能大于最多奖励');
    reward = { mode: 'random', minMb: min.value, maxMb: max.value };
  }
  const biggest = reward.mode === 'fixed' ? reward.amountMb : reward.maxMb;
  const rewardField = reward.mode === 'fixed' ? 'amountText' : 'maxText';
  if (biggest > cap.value) return fail(rewardField, '一次奖励不能超过每人上限');
  if (biggest > budget.value) return fail(rewardField, '一次奖励不能超过活动预算');
  const days = Number(fields.daysText.trim());
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return fail('daysText', `活动天数请填 1 – ${MAX_DAYS} 的整数`);
  const window = { startsAt: now.toISOString(), endsAt: new Date(now.getTime() + days * DAY_MS).toISOString() };
  let extra: Pick<ActivityCreateRequest, 'helpersNeeded' | 'rain'> = {};
  if (fields.type === 'share') {
    const helpers = wholeNumber(fields.helpersText, '助力人数', 'helpersText', HELPERS_NEEDED_MAX);
    if (!helpers.ok) return helpers;
    extra = { helpersNeeded: helpers.value };
  }
  if (fields.type === 'red_packet_rain') {
    const rain = checkRain(fields, window, budget.value);
    if (!rain.ok) return rain;
    extra = { rain: rain.value };
  }
  const template = fields.template.trim();
  if (template === '') return fail('template', '请填写中奖消息');
  if (template.length > TEMPLATE_MAX_CHARS) return fail('template', `中奖消息最多 ${TEMPLATE_MAX_CHARS} 个字`);
  const budgetOfSms = sms?.budget ?? { segmentChars: Number.MAX_SAFE_INTEGER, maxSegments: 1 };
  const problem = previewTemplate(template, { activity: title, sponsor: sms?.sponsor ?? '', maxRewardMb: biggest }, budgetOfSms).error;
  if (problem !== null) return fail('template', `中奖消息：${problem}`);
  return {
    ok: true,
    value: {
      type: fields.type,
      title,
      ...window,
      budgetMb: budget.value,
      perUserCapMb: cap.value,
      reward,
      templates: { rewarded: template },
      ...extra,
    },
  };
}

/** Where the service's path for a field (`body.rain.times`, `rain.roomIds`) is shown in the form. */
const FIELD_OF_PATH: Array<[string, ActivityField]> = [
  ['title', 'title'],
  ['budgetMb', 'budgetText'],
  ['perUserCapMb', 'perUserCapText'],
  ['reward.amountMb', 'amountText'],
  ['reward.minMb', 'minText'],
  ['reward', 'maxText'],
  ['startsAt', 'daysText'],
  ['endsAt', 'daysText'],
  ['templates', 'template'],
  ['helpersNeeded', 'helpersText'],
  ['rain.times', 'rainTimes'],
  ['rain.roomIds', 'rainRoomsText'],
  ['rain.count', 'rainCountText'],
  ['rain', 'rainTotalText'],
];

const FIELD_LABELS: Record<ActivityField, string> = {
  title: '活动名称',
  budgetText: '活动预算',
  perUserCapText: '每人上限',
  amountText: '每次奖励',
  minText: '最少奖励',
  maxText: '最多奖励',
  daysText: '持续天数',
  template: '中奖消息',
  helpersText: '助力人数',
  rainTimes: '红包雨时间',
  rainCountText: '每个红包个数',
  rainTotalText: '每个红包总额',
  rainRoomsText: '群 ID',
};

/**
 * The field a 400 of the service is about, from its details: the schema's issues
 * (`[{path: 'body.rain.times'}]`) or the service's own `{field, unknown?}`; null when it names none.
 */
export function fieldErrorOf(details: unknown): ActivityFormError | null {
  const first: unknown = Array.isArray(details) ? details[0] : details;
  if (typeof first !== 'object' || first === null) return null;
  const record = first as { path?: unknown; field?: unknown; unknown?: unknown };
  const raw = typeof record.path === 'string' ? record.path : typeof record.field === 'string' ? record.field : null;
  if (raw === null) return null;
  const path = raw.replace(/^body\./, '');
  const match = FIELD_OF_PATH.find(([prefix]) => path === prefix || path.startsWith(`${prefix}.`));
  if (!match) return null;
  const field = match[1];
  if (field === 'rainRoomsText' && Array.isArray(record.unknown)) return { field, error: `机器人不在这些群里：${record.unknown.join('，')}` };
  return { field, error: `${FIELD_LABELS[field]}未通过服务端校验，请检查` };
}
