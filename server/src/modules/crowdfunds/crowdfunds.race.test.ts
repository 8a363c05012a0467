import { io as connect, type Socket } from 'socket.io-client';
import type { ClosedEvent, PledgedEvent } from '@liuliang/shared';
import { eventually } from '../../test-support/eventually';
import { httpClient, type Answer } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';

/** Bound on waiting for work other processes do on their own (their job ticks, live events). */
const SETTLE_WAIT_MS = 60_000;

/**
 * Crowdfunds across two real server processes: parallel pledges against one goal, a deadline
 * passing while pledges race and several processes refund, a cancel racing the last pledge.
 */
describe('crowdfunds across two server processes', () => {
  let stack: TestStack;
  let a: ServerProcess;
  let b: ServerProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // A one-second minimum lets a deadline pass during the test; the processes run the jobs.
    stack = await startTestStack({ CROWDFUND_MIN_SECONDS: 1 });
    [a, b] = await Promise.all([0, 1].map(() => spawnServer(stack.config, { LOG_LEVEL: 'warn', JOBS_ENABLED: true, JOB_INTERVAL_MS: 300 })));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await stack.close();
  });

  const db = () => stack.server.deps.dataSource;
  const create = async (creator: SeededUser, goalMb: number, deadline: Date) => {
    const answer = await stack.client.post('/api/v1/crowdfunds', { title: '众筹', goalMb, deadline: deadline.toISOString() }, { token: creator.token, idempotencyKey: true });
    expect(answer.status).toBe(201);
    return answer.body.id as string;
  };
  const pledgeVia = (url: string, by: SeededUser, id: string, amountMb: number): Promise<Answer> =>
    httpClient(url).post(`/api/v1/crowdfunds/${id}/pledges`, { amountMb }, { token: by.token, idempotencyKey: true });
  const escrowOf = async (id: string) => Number((await db().query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:crowdfund:${id}`]))[0].balance_mb);
  const follow = async (url: string, token: string, crowdfundId: string) => {
    const socket = connect(`${url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const pledged: PledgedEvent[] = [];
    const closed: ClosedEvent[] = [];
    socket.on('pledged', (event: PledgedEvent) => pledged.push(event));
    socket.on('closed', (event: ClosedEvent) => closed.push(event));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(await socket.emitWithAck('subscribe', { crowdfundId })).toEqual({ ok: true });
    return { pledged, closed };
  };

  it('ends 100 parallel pledges exactly at a 1 000 MB goal, credits the creator once, charges nobody more than their capped pledge, and tells followers on the other process', async () => {
    const [creator, ...pledgers] = await seedUsers(stack, 101, '1381001');
    await fundWallets(
      stack.server.deps,
      pledgers.map((p) => p.userId),
      100,
    );
    const crowdfundId = await create(creator, 1000, new Date(Date.now() + 24 * 3600 * 1000));
    const live = await follow(a.url, pledgers[0].token, crowdfundId);

    const requested = pledgers.map((_, i) => 15 + (i % 26));
    const answers = await Promise.all(pledgers.map((p, i) => pledgeVia(i % 2 ? a.url : b.url, p, crowdfundId, requested[i])));
    expect(answers.filter((r) => r.status !== 201 && !(r.status === 409 && r.body.error.code === 'CLOSED'))).toEqual([]);
    const taken = answers.filter((r) => r.status === 201);
    expect(taken.reduce((sum, r) => sum + r.body.amountMb, 0)).toBe(1000);
    expect(taken.filter((r) => r.body.status === 'succeeded')).toHaveLength(1);
    expect(taken.filter((r) => r.body.amountMb < r.body.requestedMb).length).toBeLessThanOrEqual(1);

    const view = (await stack.client.get(`/api/v1/crowdfunds/${crowdfundId}`, { token: creator.token })).body;
    expect(view).toMatchObject({ status: 'succeeded', raisedMb: 1000, goalMb: 1000 });
    expect(await balanceOf(stack.server.deps, creator.userId)).toBe(1000);
    const payouts = await db().query(`SELECT COUNT(*) AS n FROM transfers WHERE kind = 'crowdfund_payout' AND ref_id = ?`, [crowdfundId]);
    expect(Number(payouts[0].n)).toBe(1);
    expect(await escrowOf(crowdfundId)).toBe(0);

    // Each pledger paid exactly what their pledge took, never more than they asked.
    const rows: Array<{ user_id: string; requested_mb: string; amount_mb: string }> = await db().query(
      'SELECT user_id, requested_mb, amount_mb FROM crowdfund_pledges WHERE crowdfund_id = ?',
      [crowdfundId],
    );
    expect(rows).toHaveLength(taken.length);
    const takenBy = new Map(rows.map((r) => [String(r.user_id), Number(r.amount_mb)]));
    for (const [i, p] of pledgers.entries()) {
      const amountMb = takenBy.get(p.userId) ?? 0;
      expect(amountMb).toBeLessThanOrEqual(requested[i]);
      expect(await balanceOf(stack.server.deps, p.userId)).toBe(100 - amountMb);
    }

    await eventually('the live events of every pledge', () => live.pledged.length === taken.length && live.closed.length === 1, SETTLE_WAIT_MS);
    expect(live.closed).toEqual([{ crowdfundId, status: 'succeeded' }]);
    expect(Math.max(...live.pledged.map((e) => e.raisedMb))).toBe(1000);
    expect(live.pledged.every((e) => e.crowdfundId === crowdfundId && takenBy.get(e.userId) === e.amountMb && e.nickname !== '')).toBe(true);
  });

  it('refunds every pledge exactly once when the deadline passes while pledges race and two processes run the refund job', async () => {
    const [creator, ...pledgers] = await seedUsers(stack, 41, '1381002');
    await fundWallets(
      stack.server.deps,
      pledgers.map((p) => p.userId),
      100,
    );
    const deadline = new Date(Date.now() + 2500);
    const crowdfundId = await create(creator, 100_000, deadline);
    const live = await follow(b.url, creator.token, crowdfundId);

    // Each pledger pledges 1 MB again and again, on both processes, until well past the deadline.
    const stopAt = deadline.getTime() + 1500;
    const storms = pledgers.map(async (p, i) => {
      const answers: Answer[] = [];
      while (Date.now() < stopAt) answers.push(await pledgeVia(i % 2 ? a.url : b.url, p, crowdfundId, 1));
      return answers;
    });
    // This process joins the job's runs as a third, several times at once, as soon as the deadline passes.
    const extraRuns = (async () => {
      while (Date.now() < stopAt + 500) {
        if (Date.now() >= deadline.getTime()) await Promise.all([1, 2, 3].map(() => stack.server.services.crowdfunds.settleClosedCrowdfunds()));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const answers = (await Promise.all(storms)).flat();
    await extraRuns;
    expect(answers.filter((r) => r.status !== 201 && !(r.status === 409 && r.body.error.code === 'CLOSED'))).toEqual([]);
    const accepted = answers.filter((r) => r.status === 201).length;
    expect(accepted).toBeGreaterThan(0);
    expect(answers.filter((r) => r.status === 409).length).toBeGreaterThan(0);

    await eventually(
      'the crowdfund to be settled',
      async () => {
        const [row] = await db().query('SELECT settled_at FROM crowdfunds WHERE id = ?', [crowdfundId]);
        return row.settled_at !== null;
      },
      SETTLE_WAIT_MS,
    );
    const [pledges] = await db().query('SELECT COUNT(*) AS n, SUM(refunded_at IS NULL) AS unrefunded FROM crowdfund_pledges WHERE crowdfund_id = ?', [crowdfundId]);
    expect({ pledges: Number(pledges.n), unrefunded: Number(pledges.unrefunded) }).toEqual({ pledges: accepted, unrefunded: 0 });
    const [refunds] = await db().query(`SELECT COUNT(*) AS n, SUM(amount_mb) AS mb FROM transfers WHERE kind = 'crowdfund_refund' AND ref_id = ?`, [crowdfundId]);
    expect({ refunds: Number(refunds.n), mb: Number(refunds.mb) }).toEqual({ refunds: accepted, mb: accepted });
    for (const p of pledgers) expect(await balanceOf(stack.server.deps, p.userId)).toBe(100);
    expect(await escrowOf(crowdfundId)).toBe(0);
    expect((await stack.client.get(`/api/v1/crowdfunds/${crowdfundId}`, { token: creator.token })).body).toMatchObject({ status: 'failed', raisedMb: accepted });
    await eventually('the closed event', () => live.closed.length === 1, SETTLE_WAIT_MS);
    expect(live.closed).toEqual([{ crowdfundId, status: 'failed' }]);
  });

  it('gives a cancel racing the goal-reaching pledge exactly one outcome', async () => {
    const outcomes = { succeeded: 0, cancelled: 0 };
    for (let round = 0; round < 12; round++) {
      const [creator, first, last] = await seedUsers(stack, 3, `13810${String(round).padStart(2, '0')}3`);
      await fundWallets(stack.server.deps, [first.userId, last.userId], 100);
      const crowdfundId = await create(creator, 100, new Date(Date.now() + 3600 * 1000));
      expect((await pledgeVia(stack.url, first, crowdfundId, 90)).status).toBe(201);
      const cancelVia = round % 2 ? a.url : b.url;
      const [pledge, cancel] = await Promise.all([
        pledgeVia(round % 2 ? b.url : a.url, last, crowdfundId, 10),
        httpClient(cancelVia).post(`/api/v1/crowdfunds/${crowdfundId}/cancel`, undefined, { token: creator.token, idempotencyKey: true }),
      ]);
      await stack.server.services.crowdfunds.settleClosedCrowdfunds();
      const view = (await stack.client.get(`/api/v1/crowdfunds/${crowdfundId}`, { token: creator.token })).body;
      if (pledge.status === 201) {
        expect({ pledge: pledge.body.status, cancel: [cancel.status, cancel.body.error?.code], view: view.status }).toEqual({
          pledge: 'succeeded',
          cancel: [409, 'CLOSED'],
          view: 'succeeded',
        });
        expect(await balanceOf(stack.server.deps, creator.userId)).toBe(100);
        expect([await balanceOf(stack.server.deps, first.userId), await balanceOf(stack.server.deps, last.userId)]).toEqual([10, 90]);
        outcomes.succeeded++;
      } else {
        expect({ pledge: [pledge.status, pledge.body.error.code], cancel: [cancel.status, cancel.body.status], view: view.status }).toEqual({
          pledge: [409, 'CLOSED'],
          cancel: [200, 'cancelled'],
          view: 'cancelled',
        });
        expect(await balanceOf(stack.server.deps, creator.userId)).toBe(0);
        expect([await balanceOf(stack.server.deps, first.userId), await balanceOf(stack.server.deps, last.userId)]).toEqual([100, 100]);
        outcomes.cancelled++;
      }
      expect(await escrowOf(crowdfundId)).toBe(0);
    }
    expect(outcomes.succeeded + outcomes.cancelled).toBe(12);
  });
});
