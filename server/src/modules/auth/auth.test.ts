import { startTestStack, type TestStack } from '../../test-support/stack';
import { DEFAULT_NICKNAME_PATTERN } from './users';

describe('signing in with an SMS code', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  const latestCode = async (phone: string) => /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items[0].text)![1];

  it('registers on first sign-in with carrier and province from the carrier, and serves /me', async () => {
    expect((await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138000' })).body).toEqual({ sent: true, resendAfterSeconds: 60 });
    const login = await stack.client.post('/api/v1/auth/login', { phone: '13800138000', code: await latestCode('13800138000') });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ phone: '13800138000', carrier: 'cmcc', nickname: expect.stringMatching(DEFAULT_NICKNAME_PATTERN) });
    expect(login.body.user.province).toEqual(expect.any(String));
    const me = await stack.client.get('/api/v1/me', { token: login.body.token });
    expect(me.body).toEqual(login.body.user);
  });

  it('gives a new user a default nickname that reveals nothing of their number', async () => {
    const nicknames = new Set<string>();
    for (const phone of ['13800138010', '13800138011', '13800138012']) {
      await stack.client.post('/api/v1/auth/sms-code', { phone });
      const login = await stack.client.post('/api/v1/auth/login', { phone, code: await latestCode(phone) });
      const { nickname } = login.body.user;
      expect(nickname).toMatch(DEFAULT_NICKNAME_PATTERN);
      expect(nickname).not.toMatch(/\d/);
      for (const digit of phone.slice(-4)) expect(nickname).not.toContain(digit);
      nicknames.add(nickname);
    }
    // Drawn at random, not derived from anything: three sign-ins, three names.
    expect(nicknames.size).toBe(3);
  });

  it('stores codes only as hashes', async () => {
    await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138001' });
    const code = await latestCode('13800138001');
    const rows = await stack.server.deps.dataSource.query('SELECT code_hash FROM sms_codes WHERE phone = ?', ['13800138001']);
    expect(rows[0].code_hash).not.toContain(code);
    expect(rows[0].code_hash).toHaveLength(64);
  });

  it('refuses a second code within 60 seconds (429)', async () => {
    await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138002' });
    const again = await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138002' });
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('RATE_LIMITED');
  });

  it('allows five tries, then refuses even the right code', async () => {
    await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138003' });
    const code = await latestCode('13800138003');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const attempt = await stack.client.post('/api/v1/auth/login', { phone: '13800138003', code: wrong });
      expect(attempt.body.error.code).toBe('CODE_INVALID');
    }
    const right = await stack.client.post('/api/v1/auth/login', { phone: '13800138003', code });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('CODE_TOO_MANY_TRIES');
  });

  it('uses a code once', async () => {
    await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138004' });
    const code = await latestCode('13800138004');
    expect((await stack.client.post('/api/v1/auth/login', { phone: '13800138004', code })).status).toBe(200);
    expect((await stack.client.post('/api/v1/auth/login', { phone: '13800138004', code })).body.error.code).toBe('CODE_EXPIRED');
  });

  it('answers health, readiness, metrics by route template and the OpenAPI document', async () => {
    expect((await stack.client.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await stack.client.get('/livez')).status).toBe(200);
    expect((await stack.client.get('/readyz')).body).toEqual({ status: 'ok', database: 'ok', redis: 'ok' });
    const metrics = await stack.client.get('/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds_bucket{le="0.005",method="POST",route="/api/v1/auth/login"');
    const openapi = await stack.client.get('/api/v1/openapi.json');
    expect(openapi.body.paths['/api/v1/gifts'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', required: true })]));
  });
});
