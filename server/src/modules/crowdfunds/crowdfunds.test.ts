import { io as connect } from 'socket.io-client';
import { manualClock, startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';
import { auditLedger } from '../ledger/audit';
import { LEDGER_REGISTRY } from '../../ledger-registrations';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

describe('crowdfunds', () => {
  const clock = manualClock(new Date());
  let stack: TestStack;
  let creator: SeededUser;
  let friends: SeededUser[];
  const inDays = (days: number) => new Date(clock.now().getTime() + days * DAY_MS).toISOString();

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    [creator, ...friends] = await seedUsers(stack, 6, '1380055');
    await fundWallets(
      stack.server.deps,
      [creator, ...friends].map((u) => u.userId),
      2000,
    );
  });
  afterAll(() => stack.close());

  const create = async (by: SeededUser, body: object) => stack.client.post('/api/v1/crowdfunds', body, { token: by.token, idempotencyKey: true });
  const pledge = (by: SeededUser, id: string, amountMb: number, key: string | true = true) =>
    stack.client.post(`/api/v1/crowdfunds/${id}/pledges`, { amountMb }, { token: by.token, idempotencyKey: key });
  const view = async (id: string) => (await stack.client.get(`/api/v1/crowdfunds/${id}`, { token: friends[0].token })).body;
  const escrowOf = async (id: string) =>
    Number((await stack.server.deps.dataSource.query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:crowdfund:${id}`]))[0].balance_mb);
  const outboxTo = async (phone: string) => (await stack.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items as Array<{ channel: string; text: string }>;

  it('starts a crowdfund with an opaque id, open, nothing raised', async () => {
    const answer = await create(creator, { title: '换新手机', goalMb: 1024, deadline: inDays(3) });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      title: '换新手机',
      goalMb: 1024,
      raisedMb: 0,
      status: 'open',
      creator: { userId: creator.userId, nickname: creator.nickname },
      pledges: [],
      closedAt: null,
    });
    expect(answer.body.id).toMatch(/^[0-9a-z]{26}$/);
    expect(await escrowOf(answer.body.id)).toBe(0);
  });

  it('caps the pledge that reaches the goal at what is missing, closes the crowdfund and pays the creator the whole goal once', async () => {
    const { body: crowdfund } = await create(creator, { title: '聚会', goalMb: 300, deadline: inDays(2) });
    const creatorBefore = await balanceOf(stack.server.deps, creator.userId);
    const first = await pledge(friends[0], crowdfund.id, 200);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ requestedMb: 200, amountMb: 200, raisedMb: 200, status: 'open' });
    expect(await escrowOf(crowdfund.id)).toBe(200);

    const friend1Before = await balanceOf(stack.server.deps, friends[1].userId);
    const last = await pledge(friends[1], crowdfund.id, 500);
    expect(last.body).toMatchObject({ requestedMb: 500, amountMb: 100, raisedMb: 300, status: 'succeeded' });
    expect(await balanceOf(stack.server.deps, friends[1].userId)).toBe(friend1Before - 100);
    expect(await balanceOf(stack.server.deps, creator.userId)).toBe(creatorBefore + 300);
    expect(await escrowOf(crowdfund.id)).toBe(0);
    const payouts = await stack.server.deps.dataSource.query(`SELECT amount_mb FROM transfers WHERE kind = 'crowdfund_payout' AND ref_id = ?`, [crowdfund.id]);
    expect(payouts.map((p: { amount_mb: string }) => Number(p.amount_mb))).toEqual([300]);

    const after = await view(crowdfund.id);
    expect(after).toMatchObject({ status: 'succeeded', raisedMb: 300 });
    expect(after.pledges.map((p: { userId: string; amountMb: number }) => [p.userId, p.amountMb])).toEqual([
      [friends[0].userId, 200],
      [friends[1].userId, 100],
    ]);
    const late = await pledge(friends[2], crowdfund.id, 10);
    expect({ status: late.status, code: late.body.error.code }).toEqual({ status: 409, code: 'CLOSED' });

    // Unbound users hear the outcome by SMS, signed.
    expect((await outboxTo(creator.phone))[0]).toMatchObject({ channel: 'sms', text: expect.stringContaining('已达成目标') });
    expect((await outboxTo(friends[1].phone))[0]).toMatchObject({ channel: 'sms', text: expect.stringMatching(/^【流量】你支持的众筹「聚会」已达成目标/) });
  });

  it('answers a retried pledge with its first answer and takes the data once', async () => {
    const { body: crowdfund } = await create(creator, { title: '重试', goalMb: 500, deadline: inDays(2) });
    const before = await balanceOf(stack.server.deps, friends[2].userId);
    const first = await pledge(friends[2], crowdfund.id, 50, 'pledge-retry-1');
    const again = await pledge(friends[2], crowdfund.id, 50, 'pledge-retry-1');
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balanceOf(stack.server.deps, friends[2].userId)).toBe(before - 50);
  });

  it('takes only data that outlives the deadline into the escrow', async () => {
    const [shortLived] = await seedUsers(stack, 1, '1380066');
    await fundWallets(stack.server.deps, [shortLived.userId], 500, new Date(clock.now().getTime() + DAY_MS));
    const { body: crowdfund } = await create(creator, { title: '长期', goalMb: 1000, deadline: inDays(2) });
    const refused = await pledge(shortLived, crowdfund.id, 100);
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 422, code: 'INSUFFICIENT_BALANCE' });
    await fundWallets(stack.server.deps, [shortLived.userId], 100, new Date(clock.now().getTime() + 3 * DAY_MS));
    expect((await pledge(shortLived, crowdfund.id, 100)).body).toMatchObject({ amountMb: 100 });
    expect(await pledge(shortLived, crowdfund.id, 1).then((a) => a.body.error.code)).toBe('INSUFFICIENT_BALANCE');
  });

  it('fails at the deadline and refunds every pledge exactly once, however often the job runs', async () => {
    const { body: crowdfund } = await create(creator, { title: '到期', goalMb: 1000, deadline: inDays(1) });
    const before = await Promise.all(friends.map((f) => balanceOf(stack.server.deps, f.userId)));
    await pledge(friends[0], crowdfund.id, 100);
    await pledge(friends[1], crowdfund.id, 150);
    await pledge(friends[0], crowdfund.id, 50);
    clock.advanceMs(DAY_MS);
    const late = await pledge(friends[3], crowdfund.id, 10);
    expect(late.body.error.code).toBe('CLOSED');
    const runs = await Promise.all([1, 2, 3].map(() => stack.server.services.crowdfunds.settleClosedCrowdfunds()));
    expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4); // one failure and three refunds, whoever did them
    expect(await stack.server.services.crowdfunds.settleClosedCrowdfunds()).toBe(0);
    expect(await view(crowdfund.id)).toMatchObject({ status: 'failed', raisedMb: 300 });
    expect(await escrowOf(crowdfund.id)).toBe(0);
    expect(await Promise.all(friends.map((f) => balanceOf(stack.server.deps, f.userId)))).toEqual(before);
    const refunds = await stack.server.deps.dataSource.query(`SELECT COUNT(*) AS n FROM transfers WHERE kind = 'crowdfund_refund' AND ref_id = ?`, [crowdfund.id]);
    expect(Number(refunds[0].n)).toBe(3);
    expect((await outboxTo(friends[0].phone))[0].text).toContain('到期未达成目标，你的 150 MB 流量将退回钱包');
    expect((await outboxTo(creator.phone))[0].text).toContain('到期未达成目标（已筹 300 MB / 1000 MB）');
  });

  it('lets the creator cancel an open crowdfund, refunds its pledges, and refuses a second cancel', async () => {
    const { body: crowdfund } = await create(creator, { title: '取消', goalMb: 1000, deadline: inDays(5) });
    const before = await balanceOf(stack.server.deps, friends[4].userId);
    await pledge(friends[4], crowdfund.id, 120);
    const notMine = await stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/cancel`, undefined, { token: friends[4].token, idempotencyKey: true });
    expect({ status: notMine.status, code: notMine.body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const cancelled = await stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/cancel`, undefined, { token: creator.token, idempotencyKey: true });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', raisedMb: 120 });
    expect(await balanceOf(stack.server.deps, friends[4].userId)).toBe(before);
    expect(await escrowOf(crowdfund.id)).toBe(0);
    const again = await stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/cancel`, undefined, { token: creator.token, idempotencyKey: true });
    expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 409, code: 'CLOSED' });
    expect((await outboxTo(friends[4].phone))[0].text).toContain('已被发起人取消');
  });

  it('tells a pledger who bound a chat contact through the chat, not by SMS', async () => {
    const [bound] = await seedUsers(stack, 1, '1380077');
    await fundWallets(stack.server.deps, [bound.userId], 500);
    await stack.server.deps.dataSource.query('INSERT INTO bot_bindings (contact_id, user_id, created_at) VALUES (?, ?, NOW(3))', ['wx-cf-bound', bound.userId]);
    const { body: crowdfund } = await create(creator, { title: '绑定', goalMb: 100, deadline: inDays(1) });
    await pledge(bound, crowdfund.id, 100);
    const messages = await outboxTo(bound.phone);
    expect(messages.map((m) => m.channel)).toEqual(['wechat']);
    expect(messages[0].text).toBe('你支持的众筹「绑定」已达成目标，感谢你的 100 MB 流量。');
  });

  it("lists the caller's crowdfunds, created or pledged to, newest first, page by page", async () => {
    const [maker, backer] = await seedUsers(stack, 2, '1380088');
    await fundWallets(stack.server.deps, [backer.userId], 500);
    const made = [];
    for (const title of ['一', '二', '三']) made.push((await create(maker, { title, goalMb: 200, deadline: inDays(3) })).body.id);
    await pledge(backer, made[1], 10);
    const firstPage = await stack.client.get('/api/v1/crowdfunds?mine=created&limit=2', { token: maker.token });
    expect(firstPage.body.items.map((c: { title: string }) => c.title)).toEqual(['三', '二']);
    const secondPage = await stack.client.get(`/api/v1/crowdfunds?mine=created&limit=2&cursor=${firstPage.body.nextCursor}`, { token: maker.token });
    expect(secondPage.body).toMatchObject({ items: [{ title: '一' }], nextCursor: null });
    const pledged = await stack.client.get('/api/v1/crowdfunds?mine=pledged', { token: backer.token });
    expect(pledged.body.items.map((c: { id: string }) => c.id)).toEqual([made[1]]);
    expect((await stack.client.get('/api/v1/crowdfunds', { token: backer.token })).body.items).toEqual([]);
  });

  it('refuses goals and deadlines outside the configured bounds, naming the rule', async () => {
    const cases: Array<[object, string]> = [
      [{ title: 't', goalMb: 99, deadline: inDays(1) }, 'crowdfund.goal.min'],
      [{ title: 't', goalMb: 102_401, deadline: inDays(1) }, 'crowdfund.goal.max'],
      [{ title: 't', goalMb: 100, deadline: new Date(clock.now().getTime() + 30 * 60 * 1000).toISOString() }, 'crowdfund.duration.min'],
      [{ title: 't', goalMb: 100, deadline: inDays(31) }, 'crowdfund.duration.max'],
    ];
    for (const [body, rule] of cases) {
      const answer = await create(creator, body);
      expect({ status: answer.status, code: answer.body.error.code, rule: answer.body.error.details.rule }).toEqual({ status: 422, code: 'LIMIT_EXCEEDED', rule });
    }
    expect((await create(creator, { title: 't', goalMb: 100, deadline: new Date(clock.now().getTime() + HOUR_MS).toISOString() })).status).toBe(201);
    expect((await create(creator, { title: 't', goalMb: 102_400, deadline: inDays(30) })).status).toBe(201);
  });

  it('refuses the bot acting for nobody, no token and a guessed id', async () => {
    const { body: crowdfund } = await create(creator, { title: '访问', goalMb: 100, deadline: inDays(1) });
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    const answers = await Promise.all([
      stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/pledges`, { amountMb: 10 }, { headers: bot, idempotencyKey: true }),
      stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/cancel`, undefined, { headers: bot, idempotencyKey: true }),
      stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/cancel`, undefined, { idempotencyKey: true }),
      stack.client.post(
        `/api/v1/crowdfunds/${crowdfund.id.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}/pledges`,
        { amountMb: 10 },
        { token: friends[0].token, idempotencyKey: true },
      ),
      stack.client.get(`/api/v1/crowdfunds/0000000000000000000000000a`, { token: friends[0].token }),
    ]);
    expect(answers.map((a) => [a.status, a.body.error.code])).toEqual([
      [403, 'FORBIDDEN'],
      [403, 'FORBIDDEN'],
      [401, 'UNAUTHENTICATED'],
      [404, 'NOT_FOUND'],
      [404, 'NOT_FOUND'],
    ]);
    // The bot itself may read a crowdfund (it shows one in a chat).
    expect((await stack.client.get(`/api/v1/crowdfunds/${crowdfund.id}`, { headers: bot })).body).toMatchObject({ id: crowdfund.id, status: 'open' });
    expect(await view(crowdfund.id)).toMatchObject({ raisedMb: 0, status: 'open' });
  });

  it('lets anyone signed in who holds its id follow a crowdfund live, and refuses a guessed or malformed id', async () => {
    const { body: crowdfund } = await create(creator, { title: '直播', goalMb: 200, deadline: inDays(1) });
    const socket = connect(`${stack.url}/live`, { auth: { token: friends[1].token }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(await socket.emitWithAck('subscribe', { crowdfundId: '0000000000000000000000000a' })).toEqual({ ok: false, error: 'NOT_FOUND' });
      expect(await socket.emitWithAck('subscribe', { crowdfundId: 'NOT AN ID' })).toEqual({ ok: false, error: 'VALIDATION_FAILED' });
      expect(await socket.emitWithAck('subscribe', { crowdfundId: crowdfund.id })).toEqual({ ok: true });
      const events: Array<[string, unknown]> = [];
      socket.on('pledged', (event) => events.push(['pledged', event]));
      socket.on('closed', (event) => events.push(['closed', event]));
      await pledge(friends[2], crowdfund.id, 250);
      const deadline = Date.now() + 10_000;
      while (events.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(events).toEqual([
        ['pledged', { crowdfundId: crowdfund.id, userId: friends[2].userId, nickname: friends[2].nickname, amountMb: 200, raisedMb: 200 }],
        ['closed', { crowdfundId: crowdfund.id, status: 'succeeded' }],
      ]);
    } finally {
      socket.disconnect();
    }
  });

  it("has the audit catch a closed crowdfund's escrow that is not what its pledges say", async () => {
    const { body: crowdfund } = await create(creator, { title: '审计', goalMb: 1000, deadline: inDays(1) });
    await pledge(friends[3], crowdfund.id, 40);
    await stack.client.post(`/api/v1/crowdfunds/${crowdfund.id}/cancel`, undefined, { token: creator.token, idempotencyKey: true });
    const rolledBack = new Error('rolled back on purpose');
    const breaches = await stack.server.deps.dataSource
      .transaction(async (sql) => {
        expect(await auditLedger(sql, LEDGER_REGISTRY)).toEqual([]);
        // A refund forgotten in the rows: the pledge reads as still in escrow, which is empty.
        await sql.query('UPDATE crowdfund_pledges SET refunded_at = NULL WHERE crowdfund_id = ?', [crowdfund.id]);
        const found = await auditLedger(sql, LEDGER_REGISTRY);
        await sql.query(`UPDATE crowdfunds SET settled_at = NULL WHERE id = ?`, [crowdfund.id]);
        found.push(...(await auditLedger(sql, LEDGER_REGISTRY)));
        throw Object.assign(rolledBack, { found });
      })
      .catch((error: Error & { found?: Array<{ invariant: string }> }) => {
        if (error !== rolledBack) throw error;
        return error.found!.map((b) => b.invariant);
      });
    expect(breaches).toEqual(
      expect.arrayContaining(['a settled failed or cancelled crowdfund refunded every pledge', 'crowdfund escrow holds the pledges not yet refunded while failed or cancelled']),
    );
  });
});
