import { manualClock } from '../../platform/clock';
import { bindContact } from '../bot/bindings';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';

describe('gifts', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());
  const phones = { alice: '13800000001', bob: '13900000002', newcomer: '13700000003', late: '13600000004' };
  let alice: { token: string; userId: string };

  beforeAll(async () => {
    stack = await startTestStack({ GIFT_DAILY_LIMIT: 3, GIFT_WEEKLY_LIMIT: 5, GIFT_MONTHLY_LIMIT: 10 }, clock);
    await stack.sim.setPlan({ phone: phones.alice, totalMb: 20480, usedMb: 0 });
    alice = await signIn(stack.client, phones.alice);
    const deposit = await stack.client.post('/api/v1/storage/deposits', { amountMb: 2000 }, { token: alice.token, idempotencyKey: true });
    expect(deposit.body.status).toBe('completed');
  });
  afterAll(() => stack.close());

  const balance = async (token: string) => (await stack.client.get('/api/v1/wallet', { token })).body.balanceMb;
  const give = (token: string, body: object) => stack.client.post('/api/v1/gifts', body, { token, idempotencyKey: true });

  it('credits a registered recipient at once and tells them by SMS', async () => {
    const bob = await signIn(stack.client, phones.bob);
    const gift = await give(alice.token, { toPhone: phones.bob, amountMb: 100, message: '生日快乐' });
    expect(gift.status).toBe(201);
    expect(gift.body).toMatchObject({ status: 'delivered', amountMb: 100, message: '生日快乐' });
    expect(await balance(bob.token)).toBe(100);
    expect(await balance(alice.token)).toBe(1900);
    const outbox = await stack.client.get(`/api/v1/dev/outbox?to=${phones.bob}`);
    expect(outbox.body.items[0].text).toContain('100 MB');
    const bobHistory = await stack.client.get('/api/v1/wallet/entries', { token: bob.token });
    expect(bobHistory.body.items[0]).toMatchObject({ kind: 'gift', direction: 'in', amountMb: 100, memo: '生日快乐' });
    // What arrived keeps the expiry it had in Alice's wallet, and Bob's row says when that is.
    const [aliceLot] = (await stack.client.get('/api/v1/wallet', { token: alice.token })).body.lots;
    expect(bobHistory.body.items[0].arrivedExpiry).toEqual({ earliest: aliceLot.expiresAt, latest: aliceLot.expiresAt });
    expect((await stack.client.get('/api/v1/wallet/entries', { token: alice.token })).body.items[0]).toMatchObject({ direction: 'out', arrivedExpiry: null });
    expect(bobHistory.body.items[0].counterparty).toEqual({ type: 'user', nickname: expect.stringMatching(/^用户/), maskedPhone: '138****0001' });
  });

  it('keeps a gift to a new number in escrow and credits it when that number first signs in', async () => {
    const gift = await give(alice.token, { toPhone: phones.newcomer, amountMb: 50 });
    expect(gift.body).toMatchObject({ status: 'pending_claim' });
    expect(await balance(alice.token)).toBe(1850);
    const newcomer = await signIn(stack.client, phones.newcomer);
    expect(await balance(newcomer.token)).toBe(50);
    expect((await stack.client.get(`/api/v1/gifts/${gift.body.id}`, { token: alice.token })).body.status).toBe('delivered');
  });

  it('refunds an unclaimed gift to the sender exactly once after the claim window', async () => {
    // A new day, so the daily limit of the earlier tests does not apply.
    clock.advanceMs(24 * 3600_000);
    const gift = await give(alice.token, { toPhone: phones.late, amountMb: 70 });
    expect(gift.body.status).toBe('pending_claim');
    const before = await balance(alice.token);
    clock.advanceMs(72 * 3600_000 + 1);
    const gifts = stack.server.services.gifts;
    const refunds = await Promise.all([gifts.refundExpiredGifts(), gifts.refundExpiredGifts(), gifts.refundExpiredGifts()]);
    expect(refunds.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await balance(alice.token)).toBe(before + 70);
    // Signing in late claims nothing.
    const late = await signIn(stack.client, phones.late);
    expect(await balance(late.token)).toBe(0);
    expect((await stack.client.get(`/api/v1/gifts/${gift.body.id}`, { token: alice.token })).body.status).toBe('refunded');
  });

  it('holds a sender to three gifts a day', async () => {
    clock.advanceMs(24 * 3600_000);
    for (let i = 0; i < 3; i++) expect((await give(alice.token, { toPhone: phones.bob, amountMb: 10 })).status).toBe(201);
    const fourth = await give(alice.token, { toPhone: phones.bob, amountMb: 10 });
    expect(fourth.status).toBe(422);
    expect(fourth.body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'gift.daily', limit: 3 } });
  });

  it('shows the sender the other party\'s number only masked, in the gift and in the history', async () => {
    // A sender of their own: the limits of the earlier tests do not apply.
    const carolPhone = '13500000005';
    await stack.sim.setPlan({ phone: carolPhone, totalMb: 1024, usedMb: 0 });
    const carol = await signIn(stack.client, carolPhone);
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 100 }, { token: carol.token, idempotencyKey: true })).body.status).toBe('completed');
    const dave = await signIn(stack.client, '13300000006');
    const delivered = await give(carol.token, { toPhone: '13300000006', amountMb: 10 });
    const pending = await give(carol.token, { toPhone: '13300000007', amountMb: 10 });
    expect(delivered.body).toMatchObject({ status: 'delivered', toPhone: '133****0006' });
    expect(pending.body).toMatchObject({ status: 'pending_claim', toPhone: '133****0007' });
    expect((await stack.client.get(`/api/v1/gifts/${delivered.body.id}`, { token: carol.token })).body.toPhone).toBe('133****0006');
    expect((await stack.client.get(`/api/v1/gifts/${delivered.body.id}`, { token: dave.token })).body.toPhone).toBe('133****0006');
    const history = await stack.client.get('/api/v1/wallet/entries', { token: carol.token });
    const entryOf = (kind: string) => history.body.items.find((entry: { kind: string }) => entry.kind === kind);
    expect(entryOf('gift').counterparty).toMatchObject({ type: 'user', maskedPhone: '133****0006' });
    // A gift waiting for a number not yet registered went to the gift's escrow, not to a person.
    expect(entryOf('gift_escrow').counterparty).toEqual({ type: 'account', account: 'gift' });
    expect(entryOf('deposit').counterparty).toEqual({ type: 'account', account: 'carrier_plan' });
    const everythingCarolSaw = JSON.stringify([delivered.body, pending.body, history.body]);
    expect(everythingCarolSaw).not.toMatch(/1330000000[67]/);
  });

  it('refuses a gift to oneself and amounts outside 10 … 10240 MB', async () => {
    clock.advanceMs(24 * 3600_000);
    expect((await give(alice.token, { toPhone: phones.alice, amountMb: 10 })).body.error.code).toBe('SELF_GIFT');
    expect((await give(alice.token, { toPhone: phones.bob, amountMb: 9 })).body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'gift.min', limit: 10 } });
    expect((await give(alice.token, { toPhone: phones.bob, amountMb: 10241 })).body.error).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { rule: 'gift.max', limit: 10240 } });
  });

  it('tells a recipient with a bound chat contact in the chat as well, and one without by SMS only', async () => {
    clock.advanceMs(24 * 3600_000);
    const [erin, frank] = [await signIn(stack.client, '13300000008'), await signIn(stack.client, '13300000009')];
    await bindContact(stack.server.deps.dataSource.manager, 'wxid_gift_erin', erin.userId, clock.now());
    for (const phone of ['13300000008', '13300000009']) expect((await give(alice.token, { toPhone: phone, amountMb: 10 })).status).toBe(201);
    const heard = async (phone: string) => (await stack.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items.filter((m: { text: string }) => m.text.includes('10 MB')).map((m: { channel: string }) => m.channel).sort();
    expect(await heard('13300000008')).toEqual(['sms', 'wechat']);
    expect(await heard('13300000009')).toEqual(['sms']);
    expect(await balance(erin.token)).toBe(10);
    expect(await balance(frank.token)).toBe(10);
  });
});
