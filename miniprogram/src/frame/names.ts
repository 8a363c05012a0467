import { findUnsafeCharacter, NICKNAME_MAX_CHARS, type User } from '@liuliang/shared';

const CARRIER_NAMES: Record<User['carrier'], string> = { cmcc: '中国移动', unicom: '中国联通', telecom: '中国电信' };

/** "中国移动 · 湖北": the plan's carrier and province, as carriers' own apps show them. */
export function planLabel(user: Pick<User, 'carrier' | 'province'>): string {
  return `${CARRIER_NAMES[user.carrier] ?? user.carrier} · ${user.province}`;
}

/** The same checks as the service (NicknameSchema), worded for a person. */
export function checkNickname(text: string): { ok: true; value: string } | { ok: false; error: string } {
  const value = text.trim();
  if (value.length === 0) return { ok: false, error: '请填写昵称' };
  if (value.length > NICKNAME_MAX_CHARS) return { ok: false, error: `昵称最多 ${NICKNAME_MAX_CHARS} 个字` };
  if (findUnsafeCharacter(value)) return { ok: false, error: '昵称里有看不见的字符或换行，请删掉后再试' };
  return { ok: true, value };
}
