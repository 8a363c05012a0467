import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { startServer, type RunningServer } from '../../server';
import { startCarrierSim } from '../../carrier-sim/sim';
import { createCarrierSimAdmin } from '../../carrier-sim/admin-client';
import { expectLedgerIntact, TEST_DATABASE_SERVER, TEST_REDIS_URL } from '../../test-support/database';
import { httpClient, signIn } from '../../test-support/http-client';
import { TEST_CARRIER_SECRET, TEST_MESSAGE_PROVIDER_SECRET } from '../../test-support/stack';
import { migrate, MIGRATIONS } from '../data-source';
import { TABLE_COLLATION } from '../table-options';
import { Utf8mb4Tables1764500000000 } from './1764500000000-Utf8mb4Tables';
import { Initial1764100000000 } from './1764100000000-Initial';
import { RedPackets1764200000000 } from './1764200000000-RedPackets';

/** The server's own admin connection: creating and dropping this test's database. */
async function withAdmin<T>(use: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource({ type: 'mysql', url: `${TEST_DATABASE_SERVER}/`, synchronize: false });
  await admin.initialize();
  try {
    return await use(admin);
  } finally {
    await admin.destroy();
  }
}

describe('migration 1764500000000-Utf8mb4Tables on a database created as latin1', () => {
  const name = `ll_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  let sim: Awaited<ReturnType<typeof startCarrierSim>>;
  let server: RunningServer;

  beforeAll(async () => {
    // As a hosting panel or an old my.cnf makes it; ensureDatabase leaves an existing one as it is.
    await withAdmin((admin) => admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`));
    await migrate(url);
    sim = await startCarrierSim({ port: 0, secret: TEST_CARRIER_SECRET, messageProviderSecret: TEST_MESSAGE_PROVIDER_SECRET });
    const config = loadConfig(
      {},
      {
        NODE_ENV: 'test',
        DEV_OUTBOX: true,
        PORT: 0,
        DATABASE_URL: url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: `lltest:${randomBytes(4).toString('hex')}`,
        CARRIER_URL: sim.url,
        MESSAGE_PROVIDER_URL: sim.url,
        CARRIER_SECRET: TEST_CARRIER_SECRET,
        MESSAGE_PROVIDER_SECRET: TEST_MESSAGE_PROVIDER_SECRET,
        LOG_LEVEL: 'silent',
        JOBS_ENABLED: false,
        DB_POOL_SIZE: 4,
      },
    );
    server = await startServer(config);
  });
  afterAll(async () => {
    try {
      await expectLedgerIntact(url);
    } finally {
      await server?.close();
      await sim?.close();
      await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``));
    }
  });

  it('leaves every table and column in utf8mb4, and the database default too', async () => {
    // Tables made after the conversion must state utf8mb4 themselves (TABLE_OPTIONS); this checks them all.
    expect(MIGRATIONS).toContain(Utf8mb4Tables1764500000000);
    const ds = server.deps.dataSource;
    const tables: Array<{ name: string; collation: string }> = await ds.query(
      `SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'`,
      [name],
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['users', 'gifts', 'transfers', 'red_packets', 'outbox', 'migrations']));
    for (const table of tables) expect(table).toEqual({ name: table.name, collation: TABLE_COLLATION });
    const otherColumns = await ds.query(
      `SELECT TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND CHARACTER_SET_NAME IS NOT NULL AND COLLATION_NAME <> ?`,
      [name, TABLE_COLLATION],
    );
    expect(otherColumns).toEqual([]);
    const [schema] = await ds.query('SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    expect(schema).toEqual({ charset: 'utf8mb4', collation: TABLE_COLLATION });
    // Dropped for the conversion, and back.
    const keys = await ds.query(`SELECT CONSTRAINT_NAME AS name FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = 'red_packets' ORDER BY name`, [name]);
    expect(keys.map((k: { name: string }) => k.name)).toEqual(['fk_grabs_packet', 'fk_shares_packet']);
  });

  it('signs users in with their Chinese default nicknames and carries a Chinese gift message', async () => {
    const client = httpClient(server.url);
    const sims = createCarrierSimAdmin(sim.url);
    await sims.setPlan({ phone: '13800000011', totalMb: 20480, usedMb: 0 });
    const alice = await signIn(client, '13800000011');
    const bob = await signIn(client, '13900000012');
    const me = await client.get('/api/v1/wallet', { token: alice.token });
    expect(me.status).toBe(200);
    const [{ nickname }] = await server.deps.dataSource.query('SELECT nickname FROM users WHERE id = ?', [alice.userId]);
    expect(nickname).toMatch(/^用户/);

    const deposit = await client.post('/api/v1/storage/deposits', { amountMb: 500 }, { token: alice.token, idempotencyKey: true });
    expect(deposit.body.status).toBe('completed');
    const gift = await client.post('/api/v1/gifts', { toPhone: '13900000012', amountMb: 100, message: '生日快乐🎂' }, { token: alice.token, idempotencyKey: true });
    expect(gift.status).toBe(201);
    expect(gift.body).toMatchObject({ status: 'delivered', message: '生日快乐🎂' });
    const bobHistory = await client.get('/api/v1/wallet/entries', { token: bob.token });
    expect(bobHistory.body.items[0]).toMatchObject({ kind: 'gift', direction: 'in', amountMb: 100, memo: '生日快乐🎂' });
  });

  it('changes nothing when run again on tables already in utf8mb4', async () => {
    const runner = server.deps.dataSource.createQueryRunner();
    const before = await server.deps.dataSource.query(`SELECT TABLE_NAME, CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, [name]);
    try {
      await new Utf8mb4Tables1764500000000().up(runner);
    } finally {
      await runner.release();
    }
    const after = await server.deps.dataSource.query(`SELECT TABLE_NAME, CREATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME`, [name]);
    // A converted table is rebuilt and gets a new CREATE_TIME; none did.
    expect(after).toEqual(before);
  });
});

describe('migrating a latin1 database the old code left half-migrated', () => {
  const name = `ll_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  afterAll(() => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS \`${name}\``)));

  it('finishes every migration and keeps the rows, accents included', async () => {
    await withAdmin((admin) => admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`));
    // The state a latin1 database was stuck in: DefaultNicknames failed on it, so nothing after ran.
    const old = new DataSource({ type: 'mysql', url, synchronize: false, migrations: [Initial1764100000000, RedPackets1764200000000], migrationsTableName: 'migrations', charset: 'utf8mb4' });
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      await old.query(`INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES ('13800000021', 'José', 'cmcc', 'Guangdong', NOW(3))`);
    } finally {
      await old.destroy();
    }

    await migrate(url);

    await withAdmin(async (admin) => {
      const executed = await admin.query(`SELECT name FROM \`${name}\`.migrations ORDER BY id`);
      expect(executed.map((m: { name: string }) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      const [user] = await admin.query(`SELECT nickname FROM \`${name}\`.users`);
      expect(user.nickname).toBe('José');
      const latin1 = await admin.query(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_COLLATION <> ?`, [name, TABLE_COLLATION]);
      expect(latin1).toEqual([]);
    });
  });
});
