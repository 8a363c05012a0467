import { randomBytes } from 'node:crypto';
import { signedRequestHeaders } from '../../carrier/signing';
import { createMessageProvider } from '../../carrier/sms-provider';
import { manualClock } from '../../platform/clock';
import { deliverDueMessages } from '../outbox/sender';
import { httpClient, signIn } from '../../test-support/http-client';
import { startServer } from '../../server';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';

/** Personalised activity messages (SPEC §3.9): templates, channels, caps, quiet hours, opt-out, receipts, the report. */
describe('activity messages', () => {
  let stack: TestStack;
  // 10:00 in Shanghai on a fixed day; quiet hours start at 22:00 (14:00 UTC).
  const clock = manualClock(new Date('2026-03-10T02:00:00Z'));
  const phones = { admin: '13500000001', owner: '13500000002', sms: '13500000010', chat: '13500000011', third: '13500000012' };
  const tokens: Record<keyof typeof phones, string> = { admin: '', owner: '', sms: '', chat: '', third: '' };
  let sid = '';

  const get = (path: string, token: string) => stack.client.get(`/api/v1${path}`, { token });
  const post = (path: string, body: unknown, token: string, idempotencyKey?: true) => stack.client.post(`/api/v1${path}`, body, { token, idempotencyKey });
  const patch = (path: string, body: unknown, token: string) => stack.client.call('PATCH', `/api/v1${path}`, body, { token });
  const db = () => stack.server.deps.dataSource;
  const activityRows = async (aid: string) =>
    db().query('SELECT channel, recipient, text, status, next_attempt_at FROM outbox WHERE activity_id = ? ORDER BY id', [aid]) as Promise<
      Array<{ channel: string; recipient: string; text: string; status: string; next_attempt_at: Date }>
    >;
  const provider = () => createMessageProvider({ baseUrl: stack.simUrl, secret: stack.config.MESSAGE_PROVIDER_SECRET, timeoutMs: 1000 });
  const sendBroadcasts = () => stack.server.services.activities.messages.sendDueBroadcasts();
  const broadcast = (aid: string, template: string, audience = 'participants') => post(`/sponsors/${sid}/activities/${aid}/broadcasts`, { template, audience }, tokens.owner, true);

  beforeAll(async () => {
    stack = await startTestStack({ SMS_CODE_RESEND_SECONDS: 0 }, clock);
    await stack.sim.setWebhookTarget(stack.url);
    await grantOperator(stack, phones.admin, 'admin');
    for (const [name, phone] of Object.entries(phones)) tokens[name as keyof typeof phones] = (await signIn(stack.client, phone)).token;
    sid = await sponsorWithBudget(stack.client, tokens.admin, phones.owner, 100_000);
    // The chat user binds a contact: their activity messages go through the bot.
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    await stack.client.post('/api/v1/auth/sms-code', { phone: phones.chat }, { headers: bot });
    const code = /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${phones.chat}`)).body.items[0].text)![1];
    expect((await stack.client.post('/api/v1/bot/bindings', { contactId: 'wx-chat', phone: phones.chat, code }, { headers: bot, idempotencyKey: true })).status).toBe(200);
  });
  afterAll(() => stack.close());

  it("sends the sponsor's rewarded template, rendered for each person: by SMS signed 【流量】 naming the sponsor, by chat when bound; a nickname like a variable stays literal", async () => {
    expect((await stack.client.call('PATCH', '/api/v1/me', { nickname: '{balance}' }, { token: tokens.sms })).status).toBe(200);
    const aid = await publishedActivity(
      stack.client,
      tokens.owner,
      sid,
      activityRequest(clock.now(), { title: '春季签到', templates: { rewarded: '{nickname}获得{amount}，余额{balance}，{expiresAt}到期，连签{streak}天' } }),
    );
    for (const who of ['sms', 'chat'] as const) expect((await post(`/activities/${aid}/checkin`, undefined, tokens[who], true)).status).toBe(200);
    const rows = await activityRows(aid);
    const sponsor = (await get(`/sponsors/${sid}`, tokens.owner)).body.name;
    expect(rows.map((r) => [r.channel, r.recipient])).toEqual([
      ['sms', phones.sms],
      ['wechat', phones.chat],
    ]);
    expect(rows[0].text).toMatch(new RegExp(`^【流量】${sponsor}：\\{balance\\}获得10 MB，余额10 MB，\\d{4}-\\d{2}-\\d{2}到期，连签1天$`));
    expect(rows[1].text).toMatch(new RegExp(`^${sponsor}：用户.+获得10 MB，余额10 MB，`));
  });

  it('holds a broadcast sent in quiet hours until 08:00 Shanghai, then delivers it in order', async () => {
    const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '夜间测试' }));
    for (const who of ['sms', 'third'] as const) await post(`/activities/${aid}/checkin`, undefined, tokens[who], true);
    await deliverDueMessages(stack.server.deps, provider());
    const saved = clock.now();
    clock.set(new Date('2026-03-10T15:30:00Z')); // 23:30 Shanghai
    expect((await broadcast(aid, '{nickname}，晚安')).status).toBe(201);
    await sendBroadcasts();
    const held = (await activityRows(aid)).filter((r) => r.text.endsWith('晚安'));
    expect(held.map((r) => [r.recipient, r.status, new Date(r.next_attempt_at).toISOString()])).toEqual([
      [phones.sms, 'pending', '2026-03-11T00:00:00.000Z'],
      [phones.third, 'pending', '2026-03-11T00:00:00.000Z'],
    ]);
    clock.set(new Date('2026-03-10T23:59:59Z')); // 07:59:59
    await deliverDueMessages(stack.server.deps, provider());
    expect((await activityRows(aid)).filter((r) => r.text.endsWith('晚安')).map((r) => r.status)).toEqual(['pending', 'pending']);
    clock.set(new Date('2026-03-11T00:00:00Z')); // 08:00
    await deliverDueMessages(stack.server.deps, provider());
    expect((await activityRows(aid)).filter((r) => r.text.endsWith('晚安')).map((r) => r.status)).toEqual(['sent', 'sent']);
    const delivered = [...(await stack.sim.listMessages(phones.sms)), ...(await stack.sim.listMessages(phones.third))].filter((m) => m.text.endsWith('晚安'));
    expect(delivered).toHaveLength(2);
    clock.set(saved);
  });

  it('sends one person at most 3 activity messages a day across sponsors, and counts the rest as not sent', async () => {
    const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '上限测试' }));
    const day = new Date('2026-03-12T02:00:00Z'); // a fresh Shanghai day
    clock.set(day);
    // The check-in's rewarded message is the first of the day.
    await post(`/activities/${aid}/checkin`, undefined, tokens.third, true);
    for (const n of [1, 2, 3]) {
      clock.advanceMs(60_000);
      expect((await broadcast(aid, `第${n}条`)).status).toBe(201);
    }
    await sendBroadcasts();
    const texts = (await activityRows(aid)).filter((r) => r.recipient === phones.third).map((r) => r.text.replace(/^.*：/, ''));
    expect(texts).toEqual([expect.stringContaining('获得'), '第1条', '第2条']);
    const [skip] = await db().query(`SELECT reason FROM activity_message_skips WHERE activity_id = ?`, [aid]);
    expect(skip.reason).toBe('over_cap');
    // Sign-in codes are not activity messages: they still arrive.
    expect((await stack.client.post('/api/v1/auth/sms-code', { phone: phones.third })).status).toBe(200);
  });

  describe('opting out', () => {
    const signedPost = (path: string, body: unknown, options: { secret?: string; nonce?: string; timestampMs?: number } = {}) => {
      const rawBody = JSON.stringify(body);
      const headers = signedRequestHeaders(options.secret ?? stack.config.MESSAGE_PROVIDER_SECRET, {
        method: 'POST',
        pathWithQuery: path,
        timestampMs: options.timestampMs ?? Date.now(),
        nonce: options.nonce ?? randomBytes(16).toString('hex'),
        rawBody,
      });
      return stack.client.call('POST', path, undefined, { headers, rawBody });
    };
    const optOuts = async () => (await db().query('SELECT phone, source FROM message_optouts ORDER BY phone')) as Array<{ phone: string; source: string }>;

    it('refuses an inbound webhook with a bad signature, a stale timestamp or a replayed nonce, changing nothing', async () => {
      const body = { from: phones.sms, text: 'TD' };
      const forged = await signedPost('/api/v1/messages/inbound', body, { secret: 'not-the-provider-secret' });
      const unsigned = await stack.client.post('/api/v1/messages/inbound', body);
      const stale = await signedPost('/api/v1/messages/inbound', body, { timestampMs: Date.now() - 10 * 60_000 });
      expect([forged, unsigned, stale].map((a) => [a.status, a.body.error.code])).toEqual([
        [401, 'BAD_SIGNATURE'],
        [401, 'BAD_SIGNATURE'],
        [401, 'STALE_REQUEST'],
      ]);
      expect(await optOuts()).toEqual([]);
      const nonce = randomBytes(16).toString('hex');
      const timestampMs = Date.now();
      const first = await signedPost('/api/v1/messages/inbound', { from: phones.sms, text: 'hello' }, { nonce, timestampMs });
      expect(first.body).toEqual({ action: 'ignored' });
      const replayed = await signedPost('/api/v1/messages/inbound', { from: phones.sms, text: 'hello' }, { nonce, timestampMs });
      expect([replayed.status, replayed.body.error.code]).toEqual([401, 'REPLAYED_REQUEST']);
    });

    it("refuses a webhook signed with another party's secret, and a genuine one replayed to a second process", async () => {
      const body = { from: phones.sms, text: 'TD' };
      for (const secret of [stack.config.CARRIER_SECRET, stack.config.JWT_SECRET]) {
        const answer = await signedPost('/api/v1/messages/inbound', body, { secret });
        expect([answer.status, answer.body.error.code]).toEqual([401, 'BAD_SIGNATURE']);
      }
      const rawBody = JSON.stringify(body);
      const path = '/api/v1/messages/inbound';
      const headers = signedRequestHeaders(stack.config.MESSAGE_PROVIDER_SECRET, {
        method: 'POST',
        pathWithQuery: path,
        timestampMs: Date.now(),
        nonce: randomBytes(16).toString('hex'),
        rawBody,
      });
      // Signed for the inbound path, it is no receipt.
      const receiptBody = JSON.stringify({ messageId: 'any', status: 'failed' });
      const forInbound = signedRequestHeaders(stack.config.MESSAGE_PROVIDER_SECRET, {
        method: 'POST',
        pathWithQuery: path,
        timestampMs: Date.now(),
        nonce: randomBytes(16).toString('hex'),
        rawBody: receiptBody,
      });
      const elsewhere = await stack.client.call('POST', '/api/v1/messages/receipts', undefined, { headers: forInbound, rawBody: receiptBody });
      expect([elsewhere.status, elsewhere.body.error.code]).toEqual([401, 'BAD_SIGNATURE']);
      const twin = await startServer(stack.config, clock);
      try {
        const first = await stack.client.call('POST', path, undefined, { headers, rawBody });
        expect(first.body).toEqual({ action: 'opted_out' });
        await stack.client.put('/api/v1/me/message-settings', { activityMessages: true }, { token: tokens.sms });
        const replayed = await httpClient(twin.url).call('POST', path, undefined, { headers, rawBody });
        expect([replayed.status, replayed.body.error.code]).toEqual([401, 'REPLAYED_REQUEST']);
        expect(await optOuts()).toEqual([]);
      } finally {
        await twin.close();
      }
    });

    it('stops activity messages only when a person replies TD (through the provider): held ones are cancelled, codes still arrive; 订阅 restarts them', async () => {
      const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '退订测试' }));
      clock.set(new Date('2026-03-13T02:00:00Z'));
      await post(`/activities/${aid}/checkin`, undefined, tokens.sms, true);
      clock.set(new Date('2026-03-13T15:00:00Z')); // 23:00: the next broadcast is held
      await broadcast(aid, '夜里的消息');
      await sendBroadcasts();
      expect((await activityRows(aid)).map((r) => r.status)).toEqual(['pending', 'pending']);
      const reply = await stack.sim.reply(phones.sms, ' td ');
      expect(reply).toEqual({ status: 200, body: { action: 'opted_out' } });
      expect(await optOuts()).toEqual([{ phone: phones.sms, source: 'sms' }]);
      expect((await activityRows(aid)).map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
      clock.set(new Date('2026-03-14T02:00:00Z'));
      await broadcast(aid, '退订之后');
      await sendBroadcasts();
      expect((await activityRows(aid)).filter((r) => r.text.endsWith('退订之后'))).toEqual([]);
      // A sign-in code is not an activity message.
      expect((await stack.client.post('/api/v1/auth/sms-code', { phone: phones.sms })).status).toBe(200);
      expect((await stack.client.get(`/api/v1/dev/outbox?to=${phones.sms}`)).body.items[0].text).toMatch(/\d{6}/);
      expect((await get(`/sponsors/${sid}/activities/${aid}/report`, tokens.owner)).body.messages).toMatchObject({ optedOut: 3 });
      expect((await get('/me/message-settings', tokens.sms)).body).toEqual({ activityMessages: false });
      expect(await stack.sim.reply(phones.sms, '订阅')).toEqual({ status: 200, body: { action: 'opted_in' } });
      expect((await get('/me/message-settings', tokens.sms)).body).toEqual({ activityMessages: true });
    });

    it('lets a person turn activity messages off and on in the app', async () => {
      const put = (on: boolean) => stack.client.put('/api/v1/me/message-settings', { activityMessages: on }, { token: tokens.third });
      expect((await put(false)).body).toEqual({ activityMessages: false });
      expect(await optOuts()).toEqual([{ phone: phones.third, source: 'app' }]);
      expect((await put(true)).body).toEqual({ activityMessages: true });
      expect(await optOuts()).toEqual([]);
    });
  });

  it('counts sent, delivered and failed in the report from the provider’s receipts and the bot’s deliveries', async () => {
    const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '回执测试' }));
    clock.set(new Date('2026-03-15T02:00:00Z'));
    for (const who of ['sms', 'chat', 'third'] as const) await post(`/activities/${aid}/checkin`, undefined, tokens[who], true);
    await deliverDueMessages(stack.server.deps, provider());
    const claimed = await stack.client.post('/api/v1/bot/outbox/claim', { limit: 100 }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } });
    for (const item of claimed.body.items)
      await stack.client.post(`/api/v1/bot/outbox/${item.id}/result`, { status: 'sent' }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } });
    expect(await stack.sim.sendReceipts('delivered', phones.sms)).toBeGreaterThan(0);
    expect(await stack.sim.sendReceipts('failed', phones.third)).toBeGreaterThan(0);
    expect((await get(`/sponsors/${sid}/activities/${aid}/report`, tokens.owner)).body.messages).toEqual({ sent: 3, delivered: 2, failed: 1, optedOut: 0 });
  });

  it('tells every participant once that the activity ended', async () => {
    const aid = await publishedActivity(
      stack.client,
      tokens.owner,
      sid,
      activityRequest(clock.now(), { title: '结束测试', templates: { rewarded: '{amount}', ended: '{activity}结束了，共得{amount}' } }),
    );
    clock.set(new Date('2026-03-16T02:00:00Z'));
    for (const who of ['sms', 'third'] as const) await post(`/activities/${aid}/checkin`, undefined, tokens[who], true);
    expect((await post(`/sponsors/${sid}/activities/${aid}/end`, undefined, tokens.owner, true)).status).toBe(200);
    expect((await post(`/sponsors/${sid}/activities/${aid}/end`, undefined, tokens.owner, true)).status).toBe(200);
    await sendBroadcasts();
    await sendBroadcasts();
    const ended = (await activityRows(aid)).filter((r) => r.text.includes('结束了'));
    expect(ended.map((r) => [r.recipient, r.text.replace(/^.*：/, '')])).toEqual([
      [phones.sms, '结束测试结束了，共得10 MB'],
      [phones.third, '结束测试结束了，共得10 MB'],
    ]);
  });

  it('reminds, once a day at the chosen time, the participants of a signin activity who have not checked in today', async () => {
    clock.set(new Date('2026-03-17T00:30:00Z')); // 08:30
    const aid = await publishedActivity(
      stack.client,
      tokens.owner,
      sid,
      activityRequest(clock.now(), { title: '提醒测试', reminderAt: '09:00', templates: { rewarded: '{amount}', reminder: '{nickname}，今天还没签到，已连签{streak}天' } }),
    );
    for (const who of ['sms', 'third'] as const) await post(`/activities/${aid}/checkin`, undefined, tokens[who], true);
    clock.set(new Date('2026-03-18T00:50:00Z')); // 08:50 the next day: not yet
    await post(`/activities/${aid}/checkin`, undefined, tokens.third, true);
    expect(await stack.server.services.activities.messages.scheduleReminders()).toBe(0);
    clock.set(new Date('2026-03-18T01:05:00Z')); // 09:05
    expect(await stack.server.services.activities.messages.scheduleReminders()).toBe(1);
    expect(await stack.server.services.activities.messages.scheduleReminders()).toBe(0);
    await sendBroadcasts();
    const reminders = (await activityRows(aid)).filter((r) => r.text.includes('还没签到'));
    expect(reminders.map((r) => [r.recipient, r.text.replace(/^.*：/, '')])).toEqual([[phones.sms, '{balance}，今天还没签到，已连签1天']]);
  });

  it('changes a draft in any field, a running activity in its templates and reminder only, an ended one not at all', async () => {
    clock.set(new Date('2026-03-19T02:00:00Z'));
    const draft = (await post(`/sponsors/${sid}/activities`, activityRequest(clock.now()), tokens.owner)).body.id;
    const changed = await patch(`/sponsors/${sid}/activities/${draft}`, { budgetMb: 2000, templates: { ended: '再见 {nickname}' } }, tokens.owner);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ budgetMb: 2000, templates: { rewarded: expect.any(String), ended: '再见 {nickname}', reminder: null } });
    await post(`/sponsors/${sid}/activities/${draft}/publish`, undefined, tokens.owner, true);
    const money = await patch(`/sponsors/${sid}/activities/${draft}`, { budgetMb: 3000 }, tokens.owner);
    expect([money.status, money.body.error.code, money.body.error.details]).toEqual([409, 'WRONG_STATE', { fields: ['budgetMb'] }]);
    const live = await patch(`/sponsors/${sid}/activities/${draft}`, { templates: { rewarded: '恭喜 {nickname}', ended: null } }, tokens.owner);
    expect(live.body).toMatchObject({ budgetMb: 2000, templates: { rewarded: '恭喜 {nickname}', ended: null } });
    const bad = await patch(`/sponsors/${sid}/activities/${draft}`, { templates: { rewarded: '恭喜恭喜{name}' } }, tokens.owner);
    expect([bad.status, bad.body.error.code, bad.body.error.details]).toEqual([
      400,
      'UNKNOWN_TEMPLATE_VARIABLE',
      { template: 'rewarded', code: 'UNKNOWN_TEMPLATE_VARIABLE', position: 4, variable: 'name' },
    ]);
    await post(`/sponsors/${sid}/activities/${draft}/end`, undefined, tokens.owner, true);
    expect((await patch(`/sponsors/${sid}/activities/${draft}`, { templates: { rewarded: '{amount}' } }, tokens.owner)).status).toBe(409);
  });

  it('answers the audience of a broadcast before it is sent', async () => {
    clock.set(new Date('2026-03-20T02:00:00Z'));
    const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '人数测试' }));
    await post(`/activities/${aid}/checkin`, undefined, tokens.chat, true);
    const users = Number((await db().query('SELECT COUNT(*) AS n FROM users'))[0].n);
    const size = (audience: string) => get(`/sponsors/${sid}/activities/${aid}/broadcasts/audience?audience=${audience}`, tokens.owner);
    expect((await size('participants')).body).toEqual({ audience: 'participants', recipients: 1 });
    expect((await size('eligible_not_joined')).body).toEqual({ audience: 'eligible_not_joined', recipients: users - 1 });
    const sent = await broadcast(aid, '{nickname} 来签到', 'eligible_not_joined');
    expect(sent.body).toEqual({ id: expect.any(String), recipients: users - 1 });
  });

  it('refuses a broadcast timed after the activity ends, and sends nothing of one still waiting when the activity ends early', async () => {
    clock.set(new Date('2026-03-21T02:00:00Z'));
    const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '过期广播' }));
    await post(`/activities/${aid}/checkin`, undefined, tokens.third, true);
    const broadcastsOf = async () => db().query(`SELECT id FROM broadcasts WHERE activity_id = ? AND kind = 'broadcast'`, [aid]);
    const late = await post(
      `/sponsors/${sid}/activities/${aid}/broadcasts`,
      { template: '活动结束后再见', audience: 'participants', sendAt: '2026-04-15T02:00:00Z' },
      tokens.owner,
      true,
    );
    expect([late.status, late.body.error.code, late.body.error.details]).toEqual([400, 'VALIDATION_FAILED', [{ path: 'body.sendAt', message: 'after the activity ends' }]]);
    expect(await broadcastsOf()).toEqual([]);
    const waiting = await post(
      `/sponsors/${sid}/activities/${aid}/broadcasts`,
      { template: '明天见', audience: 'participants', sendAt: '2026-03-22T02:00:00Z' },
      tokens.owner,
      true,
    );
    expect(waiting.status).toBe(201);
    expect((await post(`/sponsors/${sid}/activities/${aid}/end`, undefined, tokens.owner, true)).status).toBe(200);
    clock.set(new Date('2026-03-22T02:00:00Z'));
    await sendBroadcasts();
    expect((await activityRows(aid)).filter((r) => r.text.endsWith('明天见'))).toEqual([]);
  });

  it('sends nothing to a person for whom a template renders blank, and does not count it against their day', async () => {
    clock.set(new Date('2026-03-23T02:00:00Z'));
    const aid = await publishedActivity(stack.client, tokens.owner, sid, activityRequest(clock.now(), { title: '空白测试' }));
    const dayCount = () => db().query(`SELECT messages FROM message_day_counts WHERE phone = ? AND day = '2026-03-23'`, [phones.sms]);
    const before = await dayCount();
    // Nobody outside the activity has a streak in it: "{streak}" is blank for every one of them.
    const sent = await broadcast(aid, '{streak}', 'eligible_not_joined');
    expect([sent.status, sent.body.recipients > 0]).toEqual([201, true]);
    await sendBroadcasts();
    expect(await activityRows(aid)).toEqual([]);
    expect(await dayCount()).toEqual(before);
  });

  it('holds a template whose longest SMS passes 3 segments, saying where', async () => {
    const long = '字'.repeat(200);
    const answer = await post(`/sponsors/${sid}/activities`, activityRequest(clock.now(), { templates: { rewarded: long } }), tokens.owner);
    expect([answer.status, answer.body.error.code, answer.body.error.details.maxChars]).toEqual([400, 'TEMPLATE_TOO_LONG', 210]);
    expect(answer.body.error.details.position).toBeLessThan(200);
  });
});
