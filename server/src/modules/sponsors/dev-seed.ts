import type { ActivityCreateRequest } from '@liuliang/shared';
import { inTransaction } from '../../db/sql';
import type { Deps } from '../../deps';
import { fundActivity, insertActivity, type ActivityRow } from './activity-rows';
import { insertSponsor, recordTopup } from './service';

const DEMO_OWNER_PHONE = '13800138000';
const DEMO_SPONSOR_NAME = '演示赞助商';
const DEMO_TOPUP_REFERENCE = 'dev-seed';
const DEMO_BUDGET_MB = 102_400;
const DEMO_WARN_MB = 40_960;
const DEMO_ALERT_MB = 10_240;
const DEMO_CONTACT_EMAIL = 'demo-sponsor@example.com';
const DEMO_ACTIVITY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Development only (`npm start`): a demo sponsor owned by 13800138000 with a budget and a
 * running check-in activity, so a newcomer sees one at once. Idempotent: a database that has
 * the demo sponsor is left as it is. Its owner needs no account: roles are keyed by phone.
 */
export async function seedDemoSponsor(deps: Pick<Deps, 'config' | 'clock' | 'ledger' | 'dataSource'>): Promise<'created' | 'present'> {
  if (deps.config.NODE_ENV !== 'development') throw new Error(`the demo sponsor is seeded in development only, not in ${deps.config.NODE_ENV}`);
  // A named lock, held on a connection of its own until the seed's transaction has committed:
  // two starts at once seed one sponsor (released any earlier, the second would not yet see the first's rows).
  const lock = deps.dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT GET_LOCK('liuliang-dev-seed', 10)`);
    return await inTransaction(deps.dataSource, async (sql) => {
      const [present] = await sql.query(`SELECT s.id FROM sponsors s JOIN sponsor_members m ON m.sponsor_id = s.id WHERE s.name = ? AND m.phone = ? AND m.role = 'owner'`, [
        DEMO_SPONSOR_NAME,
        DEMO_OWNER_PHONE,
      ]);
      if (present) return 'present';
      const now = deps.clock.now();
      const sponsorId = await insertSponsor(sql, deps, DEMO_SPONSOR_NAME, DEMO_OWNER_PHONE);
      // Levels below what the seed leaves available (half the budget): publishing a large
      // activity shows the fund warning, by SMS and e-mail, in the dev outbox.
      await sql.query('UPDATE sponsors SET warn_mb = ?, alert_mb = ?, contacts_json = ? WHERE id = ?', [
        DEMO_WARN_MB,
        DEMO_ALERT_MB,
        JSON.stringify([{ phone: DEMO_OWNER_PHONE, email: DEMO_CONTACT_EMAIL }]),
        sponsorId,
      ]);
      await recordTopup(sql, deps, sponsorId, DEMO_BUDGET_MB, DEMO_TOPUP_REFERENCE, 'dev-seed');
      const request: ActivityCreateRequest = {
        type: 'signin',
        title: '每日签到领流量',
        startsAt: new Date(now.getTime() - 60_000).toISOString(),
        endsAt: new Date(now.getTime() + DEMO_ACTIVITY_DAYS * DAY_MS).toISOString(),
        budgetMb: DEMO_BUDGET_MB / 2,
        perUserCapMb: 1024,
        reward: { mode: 'random', minMb: 5, maxMb: 50 },
        templates: { rewarded: '{nickname}，签到获得 {amount}，已连续 {streak} 天。' },
      };
      const activityId = await insertActivity(sql, now, sponsorId, request);
      const [row]: ActivityRow[] = await sql.query('SELECT * FROM activities WHERE id = ? FOR UPDATE', [activityId]);
      await fundActivity(sql, deps, row);
      return 'created' as const;
    });
  } finally {
    await lock.query(`SELECT RELEASE_LOCK('liuliang-dev-seed')`).catch(() => undefined);
    await lock.release();
  }
}
