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
  type ActivityCreateRequest,
  type SmsBudget,
  type TemplateProblem,
} from '@liuliang/shared';
import { parseWholeMb } from '../../forms/validation';

/** What the create-activity form holds: text as typed. */
export interface ActivityFormFields {
  title: string;
  budgetText: string;
  perUserCapText: string;
  rewardMode: 'fixed' | 'random';
  amountText: string;
  minText: string;
  maxText: string;
  daysText: string;
  template: string;
}

export const DEFAULT_TEMPLATE = '{nickname}，你在「{activity}」获得 {amount}，已连续签到 {streak} 天。';
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS = 366;

type Checked = { ok: true; value: ActivityCreateRequest } | { ok: false; error: string };

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

function wholeMb(text: string, name: string): { ok: true; value: number } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: false, error: `请填写${name}` };
  const mb = parseWholeMb(text);
  if (mb === null || mb <= 0) return { ok: false, error: `${name}请填正整数（单位 MB）` };
  return { ok: true, value: mb };
}

/**
 * Checks the form as the service would (shared's rules: whole MB, a reward that fits the cap and
 * the budget, known template variables) and builds the request: a check-in activity that starts
 * now and runs `days` days. The service has the last word.
 */
export function checkActivityForm(fields: ActivityFormFields, now: Date, sms?: { sponsor: string; budget: SmsBudget }): Checked {
  const title = fields.title.trim();
  if (title === '') return { ok: false, error: '请填写活动名称' };
  if (title.length > ACTIVITY_TITLE_MAX_CHARS) return { ok: false, error: `活动名称最多 ${ACTIVITY_TITLE_MAX_CHARS} 个字` };
  const budget = wholeMb(fields.budgetText, '活动预算');
  if (!budget.ok) return budget;
  const cap = wholeMb(fields.perUserCapText, '每人上限');
  if (!cap.ok) return cap;
  let reward: ActivityCreateRequest['reward'];
  if (fields.rewardMode === 'fixed') {
    const amount = wholeMb(fields.amountText, '每次奖励');
    if (!amount.ok) return amount;
    reward = { mode: 'fixed', amountMb: amount.value };
  } else {
    const min = wholeMb(fields.minText, '最少奖励');
    if (!min.ok) return min;
    const max = wholeMb(fields.maxText, '最多奖励');
    if (!max.ok) return max;
    if (min.value > max.value) return { ok: false, error: '最少奖励不能大于最多奖励' };
    reward = { mode: 'random', minMb: min.value, maxMb: max.value };
  }
  const biggest = reward.mode === 'fixed' ? reward.amountMb : reward.maxMb;
  if (biggest > cap.value) return { ok: false, error: '一次奖励不能超过每人上限' };
  if (biggest > budget.value) return { ok: false, error: '一次奖励不能超过活动预算' };
  const days = Number(fields.daysText.trim());
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return { ok: false, error: `活动天数请填 1 – ${MAX_DAYS} 的整数` };
  const template = fields.template.trim();
  if (template === '') return { ok: false, error: '请填写中奖消息' };
  if (template.length > TEMPLATE_MAX_CHARS) return { ok: false, error: `中奖消息最多 ${TEMPLATE_MAX_CHARS} 个字` };
  const budgetOfSms = sms?.budget ?? { segmentChars: Number.MAX_SAFE_INTEGER, maxSegments: 1 };
  const problem = previewTemplate(template, { activity: title, sponsor: sms?.sponsor ?? '', maxRewardMb: biggest }, budgetOfSms).error;
  if (problem !== null) return { ok: false, error: `中奖消息：${problem}` };
  return {
    ok: true,
    value: {
      type: 'signin',
      title,
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
      budgetMb: budget.value,
      perUserCapMb: cap.value,
      reward,
      templates: { rewarded: template },
    },
  };
}
