import { DataSource } from 'typeorm';
import { issueToken } from '../auth/tokens';
import { ensureDatabase, migrate, MIGRATIONS } from '../../db/data-source';
import { TEST_DATABASE_SERVER } from '../../test-support/database';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { PASSPHRASE_GUESSES } from './service';

/** What an outsider tries against red packets (SPEC §4 "Identifiers, secrets and limits"). */
describe('red packets under attack', () => {
  let stack: TestStack;
  let sender: { token: string; userId: string };
  let others: Array<{ userId: string; phone: string; token: string }>;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.sim.setPlan({ phone: '13600000000', totalMb: 40960, usedMb: 0 });
    sender = await signIn(stack.client, '13600000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 5000 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    others = await seedUsers(stack, 6, '1360001');
  });
  afterAll(() => stack.close());

  const send = (body: object) => stack.client.post('/api/v1/red-packets', body, { token: sender.token, idempotencyKey: true });
  const grab = (id: string, token: string, body: object = {}) => stack.client.post(`/api/v1/red-packets/${id}/grab`, body, { token, idempotencyKey: true });
  const count = async (sqlText: string, params: unknown[] = []) => Number((await stack.server.deps.dataSource.query(sqlText, params))[0].n);

  it('gives packets opaque random ids of at least 128 bits, so a link cannot be guessed by counting', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await send({ mode: 'equal', perShareMb: 10, count: 1 })).body.id as string);
    for (const id of ids) expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids).size).toBe(3);
    for (const guess of ['1', '2', '3', String(Number.MAX_SAFE_INTEGER), '../1', 'AAAA']) {
      const view = await stack.client.get(`/api/v1/red-packets/${encodeURIComponent(guess)}`, { token: others[0].token });
      expect({ guess, status: view.status, code: view.body.error?.code }).toEqual({ guess, status: 404, code: 'NOT_FOUND' });
    }
  });

  it('refuses the sixth passphrase try of one user on one packet with 429, even when it is right, and keeps no record per guess', async () => {
    const packet = (await send({ mode: 'equal', perShareMb: 10, count: 2, passphrase: '芝麻开门' })).body;
    const [guesser] = others;
    const idemBefore = await stack.server.deps.redis.keys(`${stack.config.REDIS_PREFIX}:idem:*`);
    for (let i = 0; i < PASSPHRASE_GUESSES.points; i++) {
      const wrong = await grab(packet.id, guesser.token, { passphrase: `猜${i}` });
      expect({ status: wrong.status, code: wrong.body.error.code }).toEqual({ status: 403, code: 'WRONG_PASSPHRASE' });
    }
    const right = await grab(packet.id, guesser.token, { passphrase: '芝麻开门' });
    expect({ status: right.status, code: right.body.error.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await stack.server.deps.redis.keys(`${stack.config.REDIS_PREFIX}:idem:*`)).toHaveLength(idemBefore.length);
    // Another user is not held back by the guesser, and nothing moved for the guesser.
    expect((await grab(packet.id, others[1].token, { passphrase: '芝麻开门' })).status).toBe(200);
    expect(await count('SELECT COUNT(*) AS n FROM red_packet_grabs WHERE packet_id = ? AND user_id = ?', [packet.id, guesser.userId])).toBe(0);
  });

  it('keeps parallel passphrase guesses inside the limit', async () => {
    const packet = (await send({ mode: 'equal', perShareMb: 10, count: 1, passphrase: '天王盖地虎' })).body;
    const guesser = others[2];
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => grab(packet.id, guesser.token, { passphrase: `宝塔镇河妖${i}` })));
    expect(answers.filter((a) => a.status === 403)).toHaveLength(PASSPHRASE_GUESSES.points);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(30 - PASSPHRASE_GUESSES.points);
  });

  it('tells a non-member of the room NOT_IN_ROOM whatever passphrase it guesses, and shows it nothing of the packet', async () => {
    const db = stack.server.deps.dataSource;
    await db.query(`INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES ('wxid_sender_attacks', ?, NOW(3)), ('wxid_member_attacks', ?, NOW(3))`, [sender.userId, others[5].userId]);
    await db.query(`INSERT INTO room_members (room_id, contact_id, joined_at) VALUES ('room-attacks@chatroom', 'wxid_sender_attacks', NOW(3)), ('room-attacks@chatroom', 'wxid_member_attacks', NOW(3))`);
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}`, 'x-acting-contact': 'wxid_sender_attacks' };
    const packet = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 2, roomId: 'room-attacks@chatroom', passphrase: '口令' }, { headers: bot, idempotencyKey: true });
    expect(packet.status).toBe(201);
    const stranger = others[3];
    for (const passphrase of ['错的', '口令']) {
      const answer = await grab(packet.body.id, stranger.token, { passphrase });
      expect({ passphrase, status: answer.status, code: answer.body.error.code }).toEqual({ passphrase, status: 403, code: 'NOT_IN_ROOM' });
    }
    const peek = await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: stranger.token });
    expect({ status: peek.status, code: peek.body.error?.code }).toEqual({ status: 403, code: 'NOT_IN_ROOM' });
    expect(JSON.stringify(peek.body)).not.toContain('口令');
    expect((await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: others[5].token })).status).toBe(200);
    expect((await stack.client.get(`/api/v1/red-packets/${packet.body.id}`, { token: sender.token })).status).toBe(200);
  });

  it('answers a grab by a validly signed token for a user who does not exist with 401, and gives the share back', async () => {
    const packet = (await send({ mode: 'equal', perShareMb: 10, count: 1 })).body;
    const ghost = issueToken(stack.config.JWT_SECRET, '999999999', 'no-such-session', 60);
    const forged = await grab(packet.id, ghost);
    expect({ status: forged.status, code: forged.body.error.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(JSON.stringify(forged.body)).not.toMatch(/\n\s+at /);
    const real = await grab(packet.id, others[4].token);
    expect(real.body).toEqual({ amountMb: 10, rank: 1 });
    expect(await stack.server.services.redPackets.settleOrphanGrabs()).toBe(0);
  });

  it('keeps sweeping past a packet it cannot settle', async () => {
    const first = (await send({ mode: 'equal', perShareMb: 10, count: 1 })).body;
    const second = (await send({ mode: 'equal', perShareMb: 10, count: 1 })).body;
    // A share decided in Redis for a user MySQL has never heard of, left pending by a dead process.
    await stack.server.deps.redis.zadd(`${stack.config.REDIS_PREFIX}:{rp:${first.id}}:pending`, 0, '999999998:0:10');
    await stack.server.deps.redis.zadd(`${stack.config.REDIS_PREFIX}:{rp:${second.id}}:pending`, 0, `${others[5].userId}:0:10`);
    await stack.server.deps.redis.lpop(`${stack.config.REDIS_PREFIX}:{rp:${second.id}}:shares`);
    await stack.server.deps.redis.hset(`${stack.config.REDIS_PREFIX}:{rp:${second.id}}:grabbed`, others[5].userId, '0:10');
    await expect(stack.server.services.redPackets.settleOrphanGrabs()).resolves.toBeGreaterThanOrEqual(1);
    expect(await count('SELECT COUNT(*) AS n FROM red_packet_grabs WHERE packet_id = ? AND user_id = ?', [second.id, others[5].userId])).toBe(1);
  });
});

describe('red packets made before ids were opaque', () => {
  const name = `ll_test_${process.pid}_legacy_ids`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  let db: DataSource;
  beforeAll(async () => {
    await ensureDatabase(url);
    // The schema as it was before the opaque ids: every migration up to the one that brings them.
    // (Later ones may need the opaque ids' columns, so they wait for `migrate` too.)
    const before = MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'OpaqueRedPacketIds1764400000001'));
    db = new DataSource({ type: 'mysql', url, synchronize: false, migrations: before, timezone: 'Z', charset: 'utf8mb4' });
    await db.initialize();
    await db.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await db.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await db.destroy();
  });

  it('keeps their numeric ids and shares after the migration', async () => {
    await db.query(`INSERT INTO users (phone, nickname, carrier, province, created_at) VALUES ('13600009999', 'old', 'cmcc', '广东', NOW(3))`);
    await db.query(`INSERT INTO red_packets (sender_id, mode, count, total_mb, status, remaining_count, remaining_mb, expires_at, created_at) VALUES (LAST_INSERT_ID(), 'equal', 1, 10, 'open', 1, 10, NOW(3), NOW(3))`);
    const [{ id }] = await db.query('SELECT id FROM red_packets');
    await db.query('INSERT INTO red_packet_shares (packet_id, seq, amount_mb) VALUES (?, 0, 10)', [id]);
    await migrate(url);
    const [row] = await db.query('SELECT id, seq, (SELECT COUNT(*) FROM red_packet_shares s WHERE s.packet_id = p.id) AS shares FROM red_packets p');
    expect({ id: row.id, seq: String(row.seq), shares: Number(row.shares) }).toEqual({ id: String(id), seq: String(id), shares: 1 });
  });
});
