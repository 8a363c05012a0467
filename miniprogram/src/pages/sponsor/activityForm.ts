import { ACTIVITY_TITLE_MAX_CHARS, TEMPLATE_MAX_CHARS, TEMPLATE_VARIABLES, unknownTemplateVariable, type ActivityCreateRequest } from '@liuliang/shared';
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
export function checkActivityForm(fields: ActivityFormFields, now: Date): Checked {
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
  const unknown = unknownTemplateVariable(template);
  if (unknown !== null) return { ok: false, error: `中奖消息里的 {${unknown}} 不是可用的变量；可用：${TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(' ')}` };
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
