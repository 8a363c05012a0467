import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * One owner per table (README, "Architecture"): only the owning module's files run SQL on a
 * table; other modules call its functions (lockUser(), nicknamesOf(), openPacketsInRoom() …).
 * dependency-cruiser sees imports, not SQL, so this test reads the SQL. A new table needs a row
 * here, which is where its owner is decided.
 */
const TABLE_OWNERS: Readonly<Record<string, string>> = {
  accounts: 'ledger',
  lots: 'ledger',
  transfers: 'ledger',
  users: 'auth',
  sessions: 'auth',
  sms_codes: 'auth',
  user_avatars: 'auth',
  notice_reads: 'auth',
  gifts: 'gifts',
  gift_counters: 'gifts',
  deposits: 'storage',
  red_packets: 'red-packets',
  red_packet_shares: 'red-packets',
  red_packet_grabs: 'red-packets',
  bot_bindings: 'bot',
  room_members: 'bot',
  outbox: 'outbox',
  message_optouts: 'outbox',
  message_day_counts: 'outbox',
  activity_message_skips: 'outbox',
  broadcasts: 'sponsors',
  crowdfunds: 'crowdfunds',
  crowdfund_pledges: 'crowdfunds',
  tips: 'tips',
  share_groups: 'share-groups',
  share_group_members: 'share-groups',
  share_group_movements: 'share-groups',
  operators: 'sponsors',
  sponsors: 'sponsors',
  sponsor_members: 'sponsors',
  sponsor_topups: 'sponsors',
  sponsor_budget_expiries: 'sponsors',
  activities: 'sponsors',
  activity_rewards: 'sponsors',
  activity_rain_drops: 'sponsors',
  activity_invite_codes: 'sponsors',
  activity_invites: 'sponsors',
  activity_shares: 'sponsors',
  activity_share_helps: 'sponsors',
  suppliers: 'cashout',
  supplier_daily_volumes: 'cashout',
  cashout_orders: 'cashout',
  cashout_attempts: 'cashout',
  cashout_incidents: 'cashout',
  reconciliation_runs: 'cashout',
  reconciliation_items: 'cashout',
  coupon_batches: 'coupons',
  coupons: 'coupons',
  // The HTTP edge's idempotency records: no feature module touches them.
  idempotency_keys: 'http',
};

const SRC = join(__dirname, '..');
const MODULES = __dirname;
const TABLE_AFTER_KEYWORD = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+`?([a-z_][a-z0-9_]*)`?/gi;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const tablesNamedIn = (text: string) => new Set([...text.matchAll(TABLE_AFTER_KEYWORD)].map((m) => m[1].toLowerCase()).filter((name) => name in TABLE_OWNERS));

describe('table ownership', () => {
  it('gives every table the migrations create an owner', () => {
    const created = sourceFiles(join(SRC, 'db', 'migrations')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?`?([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]),
    );
    expect(created.length).toBeGreaterThan(0);
    expect(created.filter((table) => !(table in TABLE_OWNERS))).toEqual([]);
  });

  it('lets only the owning module run SQL on a table', () => {
    const trespasses: string[] = [];
    for (const file of sourceFiles(MODULES)) {
      const module = relative(MODULES, file).split(sep)[0];
      for (const table of tablesNamedIn(readFileSync(file, 'utf8'))) {
        if (TABLE_OWNERS[table] !== module) trespasses.push(`${relative(SRC, file)} → ${table} (owned by ${TABLE_OWNERS[table]})`);
      }
    }
    expect(trespasses).toEqual([]);
  });

  it('notices SQL on another module’s table', () => {
    expect([...tablesNamedIn('SELECT g.id FROM gifts g JOIN users u ON u.id = g.sender_id')]).toEqual(['gifts', 'users']);
    expect([...tablesNamedIn("UPDATE red_packets SET status = 'expired'")]).toEqual(['red_packets']);
  });
});
