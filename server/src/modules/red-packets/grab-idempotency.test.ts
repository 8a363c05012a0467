import type { QueryRunner } from 'typeorm';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';

/**
 * SPEC §4 idempotency of the grab, whose Lua script claims the key itself (one round trip for a
 * loser): a replay gets the first answer, the key with another body is refused (422), and a
 * second request while the first still runs is refused (409).
 */
describe('grab idempotency claimed by the grab script', () => {
  let stack: TestStack;
  let sender: { token: string };
  let users: SeededUser[];

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.sim.setPlan({ phone: '13900000000', totalMb: 4096, usedMb: 0 });
    sender = await signIn(stack.client, '13900000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 1000 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    users = await seedUsers(stack, 4, '1390043');
  });
  afterAll(() => stack.close());

  const packet = async (count: number) => {
    const answer = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count }, { token: sender.token, idempotencyKey: true });
    expect(answer.status).toBe(201);
    return answer.body.id as string;
  };
  const grab = (packetId: string, user: SeededUser, key: string, body: object = {}) =>
    stack.client.post(`/api/v1/red-packets/${packetId}/grab`, body, { token: user.token, idempotencyKey: key });

  it('replays a win and a sold-out answer, and refuses the key with another body', async () => {
    const packetId = await packet(1);
    const won = await grab(packetId, users[0], 'win-1');
    expect(won.status).toBe(200);
    const wonAgain = await grab(packetId, users[0], 'win-1');
    expect([wonAgain.status, wonAgain.body, wonAgain.headers.get('idempotency-replayed')]).toEqual([200, won.body, 'true']);

    const lost = await grab(packetId, users[1], 'lose-1');
    expect([lost.status, lost.body.error.code, lost.headers.get('idempotency-replayed')]).toEqual([409, 'SOLD_OUT', null]);
    const lostAgain = await grab(packetId, users[1], 'lose-1');
    expect([lostAgain.status, lostAgain.body, lostAgain.headers.get('idempotency-replayed')]).toEqual([409, lost.body, 'true']);

    const reused = await grab(packetId, users[1], 'lose-1', { passphrase: 'another body' });
    expect([reused.status, reused.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // Another user's key of the same name is theirs alone.
    const othersKey = await grab(packetId, users[2], 'lose-1');
    expect([othersKey.status, othersKey.body.error.code, othersKey.headers.get('idempotency-replayed')]).toEqual([409, 'SOLD_OUT', null]);
  });

  it('refuses a second request with the key while the first is still running', async () => {
    const packetId = await packet(2);
    const sql = stack.server.deps.dataSource;
    const holder: QueryRunner = sql.createQueryRunner();
    await holder.connect();
    try {
      // The winner's MySQL write waits on the packet's row lock: its request stays in flight.
      await holder.startTransaction();
      await holder.query('SELECT id FROM red_packets WHERE id = ? FOR UPDATE', [packetId]);
      const first = grab(packetId, users[3], 'slow-1');
      const redis = stack.server.deps.redis;
      const claimed = async () => (await redis.keys(`${stack.config.REDIS_PREFIX}:{rp:${packetId}}:idem:*`)).length > 0;
      // Waits for a condition, not for a time: the first request's script has claimed the key.
      while (!(await claimed())) await new Promise((resolve) => setImmediate(resolve));
      const second = await grab(packetId, users[3], 'slow-1');
      expect([second.status, second.body.error.code]).toEqual([409, 'IDEMPOTENCY_IN_FLIGHT']);
      await holder.commitTransaction();
      const answer = await first;
      expect(answer.status).toBe(200);
      const replay = await grab(packetId, users[3], 'slow-1');
      expect([replay.status, replay.body, replay.headers.get('idempotency-replayed')]).toEqual([200, answer.body, 'true']);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });
});
