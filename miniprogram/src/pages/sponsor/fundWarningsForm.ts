import { formatMb, PhoneSchema, SPONSOR_CONTACTS_MAX, SponsorContactSchema, type MySponsor, type SponsorUpdateRequest } from '@liuliang/shared';
import { parseWholeMb, type Checked } from '../../forms/validation';

/** What the owner types for the fund early warning (SPEC §3.9): two levels and who is told. */
export interface FundWarningsFields {
  warnText: string;
  alertText: string;
  contacts: Array<{ phone: string; email: string }>;
}

/** Levels above this are certainly a typo (the service's own bound). */
const LEVEL_MAX_MB = 1_000_000_000;

export function fundWarningsFieldsOf(sponsor: Pick<MySponsor, 'warnMb' | 'alertMb' | 'contacts'>): FundWarningsFields {
  return {
    warnText: String(sponsor.warnMb),
    alertText: String(sponsor.alertMb),
    contacts: sponsor.contacts.map((c) => ({ phone: c.phone ?? '', email: c.email ?? '' })),
  };
}

/** How the levels read: "off" when both are 0. */
export function describeLevels(sponsor: Pick<MySponsor, 'warnMb' | 'alertMb'>): string {
  if (sponsor.warnMb === 0) return '未设置预警';
  return `预警线 ${formatMb(sponsor.warnMb)} · 告警线 ${sponsor.alertMb === 0 ? '未设置' : formatMb(sponsor.alertMb)}`;
}

/** The same rules as the service: whole MB, warnMb above alertMb (or both 0, off), each contact a valid phone and/or e-mail. */
export function checkFundWarnings(fields: FundWarningsFields): Checked<Required<SponsorUpdateRequest>> {
  const warnMb = parseWholeMb(fields.warnText);
  const alertMb = parseWholeMb(fields.alertText);
  if (warnMb === null || warnMb > LEVEL_MAX_MB) return { ok: false, error: '预警线请填整数（单位 MB，0 表示不预警）' };
  if (alertMb === null || alertMb > LEVEL_MAX_MB) return { ok: false, error: '告警线请填整数（单位 MB，0 表示不告警）' };
  if (warnMb <= alertMb && !(warnMb === 0 && alertMb === 0)) return { ok: false, error: '预警线必须高于告警线' };
  const contacts: SponsorUpdateRequest['contacts'] & object = [];
  for (const [i, row] of fields.contacts.entries()) {
    const phone = row.phone.replace(/\s+/g, '');
    const email = row.email.trim();
    if (phone === '' && email === '') continue;
    if (phone !== '' && !PhoneSchema.safeParse(phone).success) return { ok: false, error: `第 ${i + 1} 位联系人的手机号不正确` };
    const contact = { ...(phone ? { phone } : {}), ...(email ? { email } : {}) };
    if (!SponsorContactSchema.safeParse(contact).success) return { ok: false, error: `第 ${i + 1} 位联系人的邮箱不正确` };
    contacts.push(contact);
  }
  if (contacts.length > SPONSOR_CONTACTS_MAX) return { ok: false, error: `最多 ${SPONSOR_CONTACTS_MAX} 位联系人` };
  return { ok: true, value: { warnMb, alertMb, contacts } };
}
