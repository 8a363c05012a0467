import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';

/** `PATCH /me {nickname}` and the recipient look-up of a gift's confirm sheet (issue 16). */
describe('profile and recipients', () => {
  let stack: TestStack;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };

  beforeAll(async () => {
    stack = await startTestStack({ RECIPIENT_LOOKUPS_PER_HOUR: 4 });
    await stack.sim.setPlan({ phone: '13400000001', totalMb: 10240, usedMb: 0 });
    alice = await signIn(stack.client, '13400000001');
    bob = await signIn(stack.client, '13400000002');
  });
  afterAll(() => stack.close());

  const rename = (body: unknown, token?: string) => stack.client.call('PATCH', '/api/v1/me', body, token ? { token } : {});

  it('renames the caller: trimmed, shown by /me and in the grab list of a packet', async () => {
    const answer = await rename({ nickname: '  小明  ' }, alice.token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: alice.userId, nickname: '小明' });
    expect((await stack.client.get('/api/v1/me', { token: alice.token })).body.nickname).toBe('小明');
    // PUT takes the same body (weapp's wx.request cannot send PATCH).
    expect((await stack.client.put('/api/v1/me', { nickname: '小明' }, { token: alice.token })).body.nickname).toBe('小明');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 100 }, { token: alice.token, idempotencyKey: true })).status).toBe(201);
    const packet = (await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 1 }, { token: alice.token, idempotencyKey: true })).body;
    expect(packet.senderNickname).toBe('小明');
    await stack.client.post(`/api/v1/red-packets/${packet.id}/grab`, {}, { token: alice.token, idempotencyKey: true });
    const view = (await stack.client.get(`/api/v1/red-packets/${packet.id}`, { token: bob.token })).body;
    expect(view.grabs.map((g: { nickname: string }) => g.nickname)).toEqual(['小明']);
  });

  it('refuses a blank, too long or unsafe nickname, extra fields and no token, and changes nothing', async () => {
    const before = (await stack.client.get('/api/v1/me', { token: bob.token })).body.nickname;
    const cases: Array<[string, unknown]> = [
      ['missing', {}],
      ['blank', { nickname: '   ' }],
      ['21 characters', { nickname: 'x'.repeat(21) }],
      ['a newline', { nickname: '小\n红' }],
      ['a right-to-left override', { nickname: '小\u202E红' }],
      ['a zero-width space', { nickname: '小\u200B红' }],
      ['a number', { nickname: 42 }],
      ['an extra field', { nickname: '小红', phone: '13400000009' }],
    ];
    for (const [name, body] of cases) {
      const answer = await rename(body, bob.token);
      expect({ name, status: answer.status, code: answer.body.error.code }).toEqual({ name, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await rename({ nickname: '小红' })).status).toBe(401);
    const asBot = await stack.client.call('PATCH', '/api/v1/me', { nickname: '小红' }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } });
    expect(asBot.status).toBe(403);
    expect((await stack.client.get('/api/v1/me', { token: bob.token })).body.nickname).toBe(before);
  });

  it('names a registered recipient with a masked number, says an unregistered one is not, and rate-limits look-ups per user', async () => {
    const registered = await stack.client.get('/api/v1/recipients?phone=13400000001', { token: bob.token });
    expect(registered.body).toEqual({ maskedPhone: '134****0001', registered: true, nickname: '小明' });
    const stranger = await stack.client.get('/api/v1/recipients?phone=13400000099', { token: bob.token });
    expect(stranger.body).toEqual({ maskedPhone: '134****0099', registered: false, nickname: null });
    for (const query of ['', 'phone=1340000', 'phone=12000000000', 'phone=13400000001&extra=1']) {
      const answer = await stack.client.get(`/api/v1/recipients?${query}`, { token: bob.token });
      expect({ query, status: answer.status, code: answer.body.error.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await stack.client.get('/api/v1/recipients?phone=13400000001')).status).toBe(401);
    await stack.client.get('/api/v1/recipients?phone=13400000003', { token: bob.token });
    await stack.client.get('/api/v1/recipients?phone=13400000004', { token: bob.token });
    const limited = await stack.client.get('/api/v1/recipients?phone=13400000005', { token: bob.token });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).not.toBeNull();
    // Another user's allowance is their own.
    expect((await stack.client.get('/api/v1/recipients?phone=13400000002', { token: alice.token })).status).toBe(200);
  });
});
