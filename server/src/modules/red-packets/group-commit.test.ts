import type { QueryRunner } from 'typeorm';
import { signIn, type Answer } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';

/**
 * Group commit of grabs (grab-writer.ts): winners Redis decides while a commit of their packet is
 * still running wait for it, then land together in the next transaction — each exactly once, and
 * as their answers say. The "slow commit" here is a transaction of the test holding the packet's
 * row lock: the writer's first transaction waits on it while the other winners are decided.
 */
describe('red-packet grabs written by group commit', () => {
  let stack: TestStack;
  let sender: { token: string; userId: string };
  let grabbers: SeededUser[];
  const SHARES = 20;
  const TOTAL_MB = 1000;
  const GRABBERS = 30;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.sim.setPlan({ phone: '13900000000', totalMb: 4096, usedMb: 0 });
    sender = await signIn(stack.client, '13900000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 2000 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    grabbers = await seedUsers(stack, GRABBERS, '1390042');
  });
  afterAll(() => stack.close());

  /** Resolves once `count` of the promises have settled, whichever they are. */
  function firstSettled(promises: ReadonlyArray<Promise<unknown>>, count: number): Promise<void> {
    return new Promise((resolve) => {
      let settled = 0;
      for (const p of promises) void p.finally(() => ++settled === count && resolve());
    });
  }

  it('records every winner decided during a slow commit, each once, as answered', async () => {
    const created = await stack.client.post('/api/v1/red-packets', { mode: 'random', totalMb: TOTAL_MB, count: SHARES }, { token: sender.token, idempotencyKey: true });
    expect(created.status).toBe(201);
    const packetId = created.body.id as string;
    const sql = stack.server.deps.dataSource;

    const holder: QueryRunner = sql.createQueryRunner();
    await holder.connect();
    let answers: Answer[];
    try {
      await holder.startTransaction();
      await holder.query('SELECT id FROM red_packets WHERE id = ? FOR UPDATE', [packetId]);
      const grabs = grabbers.map((g) => stack.client.post(`/api/v1/red-packets/${packetId}/grab`, {}, { token: g.token, idempotencyKey: true }));
      // Losers are answered by Redis alone, once every share is decided: when all of them have
      // their answer, all winners have been decided and wait for MySQL, none recorded yet.
      await firstSettled(grabs, GRABBERS - SHARES);
      const [waiting] = await sql.query('SELECT COUNT(*) AS n FROM red_packet_grabs WHERE packet_id = ?', [packetId]);
      expect(Number(waiting.n)).toBe(0);
      await holder.commitTransaction();
      answers = await Promise.all(grabs);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }

    const answered = new Map<string, { amountMb: number; rank: number }>();
    answers.forEach((a, i) => {
      if (a.status === 200) answered.set(grabbers[i].userId, a.body);
      else expect(a.body.error.code).toBe('SOLD_OUT');
    });
    expect(answered.size).toBe(SHARES);
    expect([...answered.values()].map((a) => a.rank).sort((x, y) => x - y)).toEqual(Array.from({ length: SHARES }, (_, i) => i + 1));

    const rows: Array<{ user_id: string; amount_mb: string; created_at: Date }> = await sql.query(
      'SELECT user_id, amount_mb, created_at FROM red_packet_grabs WHERE packet_id = ?',
      [packetId],
    );
    expect(new Map(rows.map((r) => [String(r.user_id), Number(r.amount_mb)]))).toEqual(new Map([...answered].map(([userId, a]) => [userId, a.amountMb])));
    expect(rows).toHaveLength(SHARES);
    // The first winner's transaction waited on the lock alone; everyone decided meanwhile went in one more.
    expect(new Set(rows.map((r) => new Date(r.created_at).getTime())).size).toBeLessThanOrEqual(2);

    const payouts: Array<{ n: string; mb: string }> = await sql.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(amount_mb), 0) AS mb FROM transfers WHERE kind = 'red_packet_grab' AND ref_id = ?`,
      [packetId],
    );
    expect([Number(payouts[0].n), Number(payouts[0].mb)]).toEqual([SHARES, TOTAL_MB]);
    const [escrow] = await sql.query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:red_packet:${packetId}`]);
    expect(Number(escrow.balance_mb)).toBe(0);
    for (const [userId, a] of answered) {
      const [wallet] = await sql.query('SELECT balance_mb FROM accounts WHERE code = ?', [`wallet:${userId}`]);
      expect(Number(wallet.balance_mb)).toBe(a.amountMb);
    }
  });
});
