import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, MIGRATIONS } from '../data-source';
import { TEST_DATABASE_SERVER } from '../../test-support/database';
import { DEFAULT_NICKNAME_PATTERN } from '../../modules/auth/users';
import { Initial1764100000000 } from './1764100000000-Initial';
import { RedPackets1764200000000 } from './1764200000000-RedPackets';
import { DefaultNicknames1764300000000 } from './1764300000000-DefaultNicknames';

describe('migration 1764300000000-DefaultNicknames', () => {
  const name = `ll_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(url);
    dataSource = createDataSource(url, 1);
    await dataSource.initialize();
    const runner = dataSource.createQueryRunner();
    try {
      // The schema as it was before this migration, with users the old code named.
      await new Initial1764100000000().up(runner);
      await new RedPackets1764200000000().up(runner);
    } finally {
      await runner.release();
    }
  });
  afterAll(async () => {
    await dataSource.destroy();
    const admin = new DataSource({ type: 'mysql', url: `${TEST_DATABASE_SERVER}/`, synchronize: false });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.destroy();
  });

  it('renames users still called by their phone\'s last four digits, and no one else', async () => {
    expect(MIGRATIONS).toContain(DefaultNicknames1764300000000);
    const users: Array<[string, string]> = [
      ['13800138000', '用户8000'],
      ['13900001234', '用户1234'],
      ['13700005678', '小明'],
      ['13600000000', '用户1234'],
    ];
    for (const [phone, nickname] of users) {
      await dataSource.query(`INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES (?, ?, 'cmcc', '广东', NOW(3))`, [phone, nickname]);
    }
    const runner = dataSource.createQueryRunner();
    try {
      await new DefaultNicknames1764300000000().up(runner);
    } finally {
      await runner.release();
    }
    const rows: Array<{ phone: string; nickname: string }> = await dataSource.query('SELECT phone, nickname FROM users ORDER BY id');
    const byPhone = new Map(rows.map((r) => [r.phone, r.nickname]));
    expect(byPhone.get('13800138000')).toMatch(DEFAULT_NICKNAME_PATTERN);
    expect(byPhone.get('13900001234')).toMatch(DEFAULT_NICKNAME_PATTERN);
    // A name the user chose, and a name that happens to hold someone else's digits, stay.
    expect(byPhone.get('13700005678')).toBe('小明');
    expect(byPhone.get('13600000000')).toBe('用户1234');
    for (const { phone, nickname } of rows) expect(nickname).not.toContain(phone.slice(-4));
  });
});
