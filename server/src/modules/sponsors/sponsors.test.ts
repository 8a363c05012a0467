import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';
import { seedDemoSponsor } from './dev-seed';
import { auditLedger } from '../ledger/audit';
import { LEDGER_REGISTRY } from '../../ledger-registrations';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('sponsors and check-in activities', () => {
  let stack: TestStack;
  // 10:00 in Shanghai: a day boundary is far on either side.
  const clock = manualClock(new Date('2026-03-10T02:00:00Z'));
  const phones = { admin: '13900000001', finance: '13900000002', owner: '13900000003', staff: '13900000004', user: '13900000005' };
  const tokens: Record<keyof typeof phones, string> = { admin: '', finance: '', owner: '', staff: '', user: '' };

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    await grantOperator(stack, phones.admin, 'admin');
    for (const [name, phone] of Object.entries(phones)) tokens[name as keyof typeof phones] = (await signIn(stack.client, phone)).token;
  });
  afterAll(() => stack.close());

  const get = (path: string, token: string) => stack.client.get(`/api/v1${path}`, { token });
  const post = (path: string, body: unknown, token: string, idempotencyKey?: string | true) => stack.client.post(`/api/v1${path}`, body, { token, idempotencyKey });

  it('lets an admin grant operators, who see their role in /me; the grant waits for a number that never signed in', async () => {
    expect((await post('/ops/operators', { phone: phones.finance, role: 'finance' }, tokens.admin)).body).toEqual({ phone: phones.finance, role: 'finance' });
    expect((await get('/me', tokens.finance)).body.roles).toEqual({ operator: 'finance', sponsors: [] });
    expect((await post('/ops/operators', { phone: '13900000099', role: 'support' }, tokens.admin)).status).toBe(200);
    const later = await signIn(stack.client, '13900000099');
    expect((await get('/me', later.token)).body.roles.operator).toBe('support');
    expect((await post('/ops/operators', { phone: phones.user, role: 'admin' }, tokens.finance)).status).toBe(403);
    expect((await get('/me', tokens.user)).body.roles).toEqual({ operator: null, sponsors: [] });
  });

  it('tops up a budget once per reference, with lots that expire 12 months later, from sponsor_purchases', async () => {
    const created = await post('/ops/sponsors', { name: '星河饮料', ownerPhone: phones.owner }, tokens.finance, 'new-sponsor');
    expect(created.status).toBe(201);
    // A double tap: the same sponsor again, not a second one.
    expect((await post('/ops/sponsors', { name: '星河饮料', ownerPhone: phones.owner }, tokens.finance, 'new-sponsor')).body).toEqual(created.body);
    expect((await post('/ops/sponsors', { name: '星河饮料', ownerPhone: phones.owner }, tokens.finance)).body.error.code).toBe('IDEMPOTENCY_KEY_MISSING');
    const sid = created.body.id;
    expect(sid).toMatch(/^[0-9a-z]{26}$/);
    const first = await post(`/ops/sponsors/${sid}/topups`, { amountMb: 5000, reference: 'INV-001' }, tokens.finance, true);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amountMb: 5000, reference: 'INV-001', budgetMb: 5000, expiresAt: '2027-03-10T02:00:00.000Z' });
    // The same purchase recorded again (another key): one top-up.
    const again = await post(`/ops/sponsors/${sid}/topups`, { amountMb: 5000, reference: 'INV-001' }, tokens.admin, true);
    expect(again.body).toMatchObject({ id: first.body.id, budgetMb: 5000 });
    const conflicting = await post(`/ops/sponsors/${sid}/topups`, { amountMb: 6000, reference: 'INV-001' }, tokens.admin, true);
    expect(conflicting.body.error.code).toBe('REFERENCE_REUSED');
    const [purchases] = await stack.server.deps.dataSource.query(`SELECT balance_mb FROM accounts WHERE code = 'ext:sponsor_purchases'`);
    expect(Number(purchases.balance_mb)).toBe(-5000);

    const mine = await get('/sponsors/mine', tokens.owner);
    expect(mine.body.items).toEqual([expect.objectContaining({ id: sid, name: '星河饮料', role: 'owner', budgetMb: 5000, warnMb: 0, alertMb: 0 })]);
    expect((await get('/me', tokens.owner)).body.roles.sponsors).toEqual([{ sponsorId: sid, name: '星河饮料', role: 'owner' }]);

    const staffAdded = await post(`/sponsors/${sid}/members`, { phone: phones.staff, role: 'staff' }, tokens.owner);
    expect(staffAdded.body.members).toEqual([
      { phone: phones.owner, role: 'owner' },
      { phone: phones.staff, role: 'staff' },
    ]);
    const patched = await stack.client.call(
      'PATCH',
      `/api/v1/sponsors/${sid}`,
      { warnMb: 2000, alertMb: 500, contacts: [{ phone: phones.owner }, { email: 'ops@example.com' }] },
      { token: tokens.owner },
    );
    expect(patched.body).toMatchObject({ warnMb: 2000, alertMb: 500, contacts: [{ phone: phones.owner }, { email: 'ops@example.com' }] });
    expect((await stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { warnMb: 1 }, { token: tokens.staff })).status).toBe(403);
    expect((await stack.client.delete(`/api/v1/sponsors/${sid}/members/${phones.owner}`, { token: tokens.owner })).body.error.code).toBe('LAST_OWNER');
  });

  it('runs a check-in activity: draft, publish into escrow, one reward a Shanghai day with a streak, report, end returning the rest once', async () => {
    const sid = await sponsorWithBudget(stack.client, tokens.admin, '13900000010', 1000);
    const owner = await signIn(stack.client, '13900000010');
    const unknown = await post(`/sponsors/${sid}/activities`, activityRequest(clock.now(), { templates: { rewarded: '你好 {name}' } }), owner.token);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('UNKNOWN_TEMPLATE_VARIABLE');
    const tooBig = await post(`/sponsors/${sid}/activities`, activityRequest(clock.now(), { budgetMb: 1001 }), owner.token);
    const publishTooBig = await post(`/sponsors/${sid}/activities/${tooBig.body.id}/publish`, undefined, owner.token, true);
    expect({ status: publishTooBig.status, code: publishTooBig.body.error.code }).toEqual({ status: 422, code: 'INSUFFICIENT_BUDGET' });

    const aid = await publishedActivity(
      stack.client,
      owner.token,
      sid,
      activityRequest(clock.now(), { budgetMb: 600, reward: { mode: 'random', minMb: 5, maxMb: 15 }, perUserCapMb: 100 }),
    );
    expect((await get('/sponsors/mine', owner.token)).body.items[0].budgetMb).toBe(400);
    const listed = await get('/activities', tokens.user);
    expect(listed.body.items.find((a: { id: string }) => a.id === aid)).toMatchObject({
      status: 'running',
      sponsorName: '赞助商0010',
      progress: { rewards: 0, checkedInToday: false, streak: 0 },
    });

    const first = await post(`/activities/${aid}/checkin`, undefined, tokens.user, 'day-1');
    expect(first.status).toBe(200);
    expect(first.body.streak).toBe(1);
    expect(first.body.amountMb).toBeGreaterThanOrEqual(5);
    expect(first.body.amountMb).toBeLessThanOrEqual(15);
    const replay = await post(`/activities/${aid}/checkin`, undefined, tokens.user, 'day-1');
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotency-replayed')).toBe('true');
    const twice = await post(`/activities/${aid}/checkin`, undefined, tokens.user, true);
    expect({ status: twice.status, code: twice.body.error.code }).toEqual({ status: 409, code: 'ALREADY_CHECKED_IN' });

    clock.advanceMs(DAY_MS);
    const second = await post(`/activities/${aid}/checkin`, undefined, tokens.user, true);
    expect(second.body.streak).toBe(2);
    clock.advanceMs(2 * DAY_MS);
    const afterGap = await post(`/activities/${aid}/checkin`, undefined, tokens.user, true);
    expect(afterGap.body.streak).toBe(1);
    const paid = first.body.amountMb + second.body.amountMb + afterGap.body.amountMb;
    expect((await get('/wallet', tokens.user)).body.balanceMb).toBe(paid);
    const history = await get('/wallet/entries', tokens.user);
    expect(history.body.items[0]).toMatchObject({ kind: 'activity_reward', direction: 'in', counterparty: { type: 'account', account: 'activity' } });
    const sms = await stack.client.get(`/api/v1/dev/outbox?to=${phones.user}`);
    expect(sms.body.items[0]).toMatchObject({ channel: 'sms', text: expect.stringContaining('赞助商0010') });
    expect((await get(`/activities/${aid}`, tokens.user)).body.progress).toEqual({ rewardedMb: paid, rewards: 3, checkedInToday: true, streak: 1 });

    const report = await get(`/sponsors/${sid}/activities/${aid}/report`, owner.token);
    expect(report.body).toMatchObject({ budgetMb: 600, spentMb: paid, remainingMb: 600 - paid, escrowMb: 600 - paid, returnedMb: 0, participants: 1, rewards: 3 });
    // Three reward messages are written; none is counted as sent until the provider takes it (no sender runs here).
    expect(report.body.messages).toEqual({ sent: 0, delivered: 0, failed: 0, optedOut: 0 });
    expect((await stack.server.deps.dataSource.query('SELECT COUNT(*) AS n FROM outbox WHERE activity_id = ?', [aid]))[0].n).toBe('3');
    expect(report.body.byDay.map((d: { date: string }) => d.date)).toEqual(['2026-03-10', '2026-03-11', '2026-03-13']);
    const csv = await get(`/sponsors/${sid}/activities/${aid}/report?format=csv`, owner.token);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(String(csv.body).trim().split('\n')).toHaveLength(4);
    expect(String(csv.body)).toContain('139****0005');

    const ended = await post(`/sponsors/${sid}/activities/${aid}/end`, undefined, owner.token, true);
    expect(ended.body).toMatchObject({ status: 'ended', paidMb: paid });
    const endedAgain = await post(`/sponsors/${sid}/activities/${aid}/end`, undefined, owner.token, true);
    expect(endedAgain.status).toBe(200);
    expect((await get('/sponsors/mine', owner.token)).body.items[0].budgetMb).toBe(1000 - paid);
    expect((await get(`/sponsors/${sid}/activities/${aid}/report`, owner.token)).body).toMatchObject({
      spentMb: paid,
      remainingMb: 600 - paid,
      escrowMb: 0,
      returnedMb: 600 - paid,
    });
    const late = await post(`/activities/${aid}/checkin`, undefined, tokens.user, true);
    expect({ status: late.status, code: late.body.error.code }).toEqual({ status: 409, code: 'ACTIVITY_ENDED' });
  });

  it('refuses a reward the escrow cannot pay whole, and the per-user cap', async () => {
    const sid = await sponsorWithBudget(stack.client, tokens.admin, '13900000011', 1000);
    const owner = await signIn(stack.client, '13900000011');
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(clock.now(), { budgetMb: 25, reward: { mode: 'fixed', amountMb: 10 }, perUserCapMb: 10 }));
    const people = await Promise.all(['13900000021', '13900000022', '13900000023'].map((p) => signIn(stack.client, p)));
    const heard: unknown[] = [];
    stack.server.services.activities.onRewarded((event) => void heard.push(event));
    expect((await post(`/activities/${aid}/checkin`, undefined, people[0].token, true)).status).toBe(200);
    // What a personalised template needs, told once per reward after it committed.
    expect(heard).toEqual([
      expect.objectContaining({
        activityId: aid,
        activity: '每日签到',
        sponsor: '赞助商0011',
        userId: people[0].userId,
        phone: '13900000021',
        amountMb: 10,
        balanceMb: 10,
        streak: 1,
        expiresAt: expect.any(String),
      }),
    ]);
    expect((await post(`/activities/${aid}/checkin`, undefined, people[1].token, true)).status).toBe(200);
    const third = await post(`/activities/${aid}/checkin`, undefined, people[2].token, true);
    expect({ status: third.status, code: third.body.error.code }).toEqual({ status: 409, code: 'BUDGET_EXHAUSTED' });
    expect((await get('/wallet', people[2].token)).body.balanceMb).toBe(0);
    clock.advanceMs(DAY_MS);
    const capped = await post(`/activities/${aid}/checkin`, undefined, people[0].token, true);
    expect({ status: capped.status, code: capped.body.error.code, rule: capped.body.error.details?.rule }).toEqual({
      status: 422,
      code: 'LIMIT_EXCEEDED',
      rule: 'activity.per-user-cap',
    });
  });

  it('pauses and resumes, and ends activities whose window closed by the job, once, from any process', async () => {
    const sid = await sponsorWithBudget(stack.client, tokens.admin, '13900000012', 1000);
    const owner = await signIn(stack.client, '13900000012');
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(clock.now(), { endsAt: new Date(clock.now().getTime() + DAY_MS).toISOString() }));
    expect((await post(`/sponsors/${sid}/activities/${aid}/pause`, undefined, owner.token)).body.status).toBe('paused');
    const paused = await post(`/activities/${aid}/checkin`, undefined, tokens.user, true);
    expect(paused.body.error.code).toBe('ACTIVITY_PAUSED');
    expect((await post(`/sponsors/${sid}/activities/${aid}/resume`, undefined, owner.token)).body.status).toBe('running');
    expect((await post(`/activities/${aid}/checkin`, undefined, tokens.user, true)).status).toBe(200);
    clock.advanceMs(DAY_MS);
    const activities = stack.server.services.activities;
    const ended = await Promise.all([activities.endFinishedActivities(), activities.endFinishedActivities(), activities.endFinishedActivities()]);
    expect(ended.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const returns = await stack.server.deps.dataSource.query(`SELECT COUNT(*) AS n FROM transfers WHERE kind = 'activity_return' AND ref_id = ?`, [aid]);
    expect(Number(returns[0].n)).toBe(1);
    expect((await get('/sponsors/mine', owner.token)).body.items[0].budgetMb).toBe(990);
    expect((await get(`/sponsors/${sid}/activities/${aid}`, owner.token)).body.status).toBe('ended');
  });

  it('targets by province, carrier and new users, and keeps to the window', async () => {
    const sid = await sponsorWithBudget(stack.client, tokens.admin, '13900000013', 5000);
    const owner = await signIn(stack.client, '13900000013');
    // Test users sign in through the simulator, which gives numbers a carrier and province.
    const me = (await get('/me', tokens.user)).body;
    const other = me.province === '北京' ? '上海' : '北京';
    const wrongProvince = await publishedActivity(stack.client, owner.token, sid, activityRequest(clock.now(), { targeting: { provinces: [other] } }));
    const rightProvince = await publishedActivity(
      stack.client,
      owner.token,
      sid,
      activityRequest(clock.now(), { targeting: { provinces: [me.province], carriers: [me.carrier] } }),
    );
    const wrongCarrier = await publishedActivity(
      stack.client,
      owner.token,
      sid,
      activityRequest(clock.now(), { targeting: { carriers: [me.carrier === 'cmcc' ? 'unicom' : 'cmcc'] } }),
    );
    const newOnly = await publishedActivity(stack.client, owner.token, sid, activityRequest(clock.now(), { targeting: { newUsersOnly: true } }));
    const listed = (await get('/activities', tokens.user)).body.items.map((a: { id: string }) => a.id);
    expect(listed).toContain(rightProvince);
    expect(listed).not.toContain(wrongProvince);
    expect(listed).not.toContain(wrongCarrier);
    expect(listed).not.toContain(newOnly);
    for (const aid of [wrongProvince, wrongCarrier, newOnly]) {
      const refused = await post(`/activities/${aid}/checkin`, undefined, tokens.user, true);
      expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'NOT_ELIGIBLE' });
      expect((await get(`/activities/${aid}`, tokens.user)).status).toBe(404);
    }
    clock.advanceMs(1000);
    const newcomer = await signIn(stack.client, '13900000077');
    expect((await post(`/activities/${newOnly}/checkin`, undefined, newcomer.token, true)).status).toBe(200);

    const later = await publishedActivity(stack.client, owner.token, sid, activityRequest(clock.now(), { startsAt: new Date(clock.now().getTime() + DAY_MS).toISOString() }));
    const early = await post(`/activities/${later}/checkin`, undefined, tokens.user, true);
    expect({ status: early.status, code: early.body.error.code }).toEqual({ status: 409, code: 'NOT_STARTED' });
    expect((await get('/activities', tokens.user)).body.items.map((a: { id: string }) => a.id)).not.toContain(later);
    clock.advanceMs(11 * DAY_MS + 1);
    const over = await post(`/activities/${later}/checkin`, undefined, tokens.user, true);
    expect({ status: over.status, code: over.body.error.code }).toEqual({ status: 409, code: 'ACTIVITY_ENDED' });
    await stack.server.services.activities.endFinishedActivities();
  });

  it('seeds the demo sponsor in development only, once however often npm start runs', async () => {
    const deps = stack.server.deps;
    await expect(seedDemoSponsor(deps)).rejects.toThrow(/development only/);
    const development = { ...deps, config: { ...deps.config, NODE_ENV: 'development' as const } };
    expect(await Promise.all([seedDemoSponsor(development), seedDemoSponsor(development)])).toEqual(expect.arrayContaining(['created', 'present']));
    expect(await seedDemoSponsor(development)).toBe('present');
    const demoOwner = await signIn(stack.client, '13800138000');
    const [demo] = (await get('/sponsors/mine', demoOwner.token)).body.items;
    expect(demo).toMatchObject({ role: 'owner', budgetMb: 51_200, warnMb: 40_960, alertMb: 10_240, contacts: [{ phone: '13800138000', email: 'demo-sponsor@example.com' }] });
    const running = (await get('/activities', tokens.user)).body.items.filter((a: { sponsorId: string }) => a.sponsorId === demo.id);
    expect(running).toEqual([expect.objectContaining({ type: 'signin', status: 'running' })]);
  });

  it('has the audit name an activity whose escrow does not hold what its records say, and a budget that does not add up', async () => {
    const db = stack.server.deps.dataSource;
    expect(await auditLedger(db.manager, LEDGER_REGISTRY)).toEqual([]);
    const [ended] = await db.query(`SELECT id FROM activities WHERE status = 'ended' AND returned_mb > 0 LIMIT 1`);
    await db.query(`UPDATE activities SET status = 'paused' WHERE id = ?`, [ended.id]);
    await db.query(`UPDATE activities SET returned_mb = returned_mb - 1 WHERE id = ?`, [ended.id]);
    try {
      const breaches = (await auditLedger(db.manager, LEDGER_REGISTRY)).map((b) => b.invariant);
      expect(breaches).toEqual(
        expect.arrayContaining(['activity escrow holds its budget less what it paid', 'sponsor budget holds top-ups less funded activities plus returns less expiries']),
      );
    } finally {
      await db.query(`UPDATE activities SET status = 'ended', returned_mb = returned_mb + 1 WHERE id = ?`, [ended.id]);
    }
    expect(await auditLedger(db.manager, LEDGER_REGISTRY)).toEqual([]);
  });
});
