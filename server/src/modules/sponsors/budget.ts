import { toInt, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { escrowCode } from '../ledger';
import { enqueueMessage } from '../outbox/outbox';
import { fundLevelChange, type FundLevel } from './fund-levels';
import { fundWarningTexts } from './messages';

export const sponsorBudgetCode = (sponsorId: string) => escrowCode('sponsor', sponsorId);

/** The outbox template of a sponsor's warnings at one level: one per level, so they are counted apart. */
const fundWarningTemplate = (level: FundLevel, sponsorId: string) => `fund_${level}:${sponsorId}`;

interface LevelRow {
  name: string;
  warn_mb: string;
  alert_mb: string;
  warn_tripped: number;
  alert_tripped: number;
  contacts_json: string;
}

/**
 * Every move of a sponsor's budget goes through here (publish, end, top-up, the expiry sweep):
 * the sponsor's row is locked before the move and the fund levels are judged after it, in the
 * move's own transaction. The lock serialises the sponsor's budget moves, so each one sees the
 * budget the one before left: a crossing is seen by exactly one move, and its warnings are
 * written to the outbox with it (rolled back with it, too). Lock order: an activity's row, then
 * the sponsor's, then the ledger's accounts, as every caller already takes them.
 */
export async function moveBudget<T>(sql: Tx, deps: Pick<Deps, 'clock' | 'ledger'>, sponsorId: string, move: () => Promise<T>): Promise<T> {
  await sql.query('SELECT id FROM sponsors WHERE id = ? FOR UPDATE', [sponsorId]);
  const result = await move();
  await judgeFundLevels(sql, deps, sponsorId);
  return result;
}

/**
 * Compares the available budget (its unexpired lots, the budget account alone: what running
 * activities hold in escrow is spent already) with the two levels and warns every contact, by
 * SMS and e-mail, of each level crossed downward. The caller holds the sponsor's row lock.
 * Warnings are operational: no quiet hours or daily caps of activity messages hold them back.
 */
export async function judgeFundLevels(sql: Tx, deps: Pick<Deps, 'clock' | 'ledger'>, sponsorId: string, rearm: readonly FundLevel[] = []): Promise<FundLevel[]> {
  const [row]: LevelRow[] = await sql.query('SELECT name, warn_mb, alert_mb, warn_tripped, alert_tripped, contacts_json FROM sponsors WHERE id = ? FOR UPDATE', [sponsorId]);
  const now = deps.clock.now();
  const availableMb = await deps.ledger.availableMb(sql, sponsorBudgetCode(sponsorId), now);
  const levelsMb = { warn: toInt(row.warn_mb), alert: toInt(row.alert_mb) };
  const { tripped, fired } = fundLevelChange(
    { levelsMb, tripped: { warn: Boolean(row.warn_tripped) && !rearm.includes('warn'), alert: Boolean(row.alert_tripped) && !rearm.includes('alert') } },
    availableMb,
  );
  if (tripped.warn !== Boolean(row.warn_tripped) || tripped.alert !== Boolean(row.alert_tripped)) {
    await sql.query('UPDATE sponsors SET warn_tripped = ?, alert_tripped = ? WHERE id = ?', [tripped.warn ? 1 : 0, tripped.alert ? 1 : 0, sponsorId]);
  }
  const contacts: Array<{ phone?: string; email?: string }> = JSON.parse(row.contacts_json);
  for (const level of fired) {
    const facts = { sponsor: row.name, level, levelMb: levelsMb[level], availableMb };
    const template = fundWarningTemplate(level, sponsorId);
    for (const contact of contacts) {
      if (contact.phone) await enqueueMessage(sql, { channel: 'sms', to: contact.phone, template, text: fundWarningTexts.sms(facts) }, now);
      if (contact.email) await enqueueMessage(sql, { channel: 'email', to: contact.email, template, text: fundWarningTexts.email(facts) }, now);
    }
  }
  return fired;
}
