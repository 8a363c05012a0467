import { startTestStack, type TestStack } from '../../test-support/stack';
import type { HttpClient } from '../../test-support/http-client';
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
    // /me adds the roles the user acts in (SPEC §3.10): none for a newcomer.
    expect(me.body).toEqual({ ...login.body.user, roles: { operator: null, sponsors: [] } });
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

  it('keeps no sign-in code in clear text in the database: the outbox holds it sealed', async () => {
    await stack.client.post('/api/v1/auth/sms-code', { phone: '13800138005' });
    const code = await latestCode('13800138005');
    const [row] = await stack.server.deps.dataSource.query('SELECT text, sealed FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1', ['13800138005']);
    expect(row.text).not.toContain(code);
    expect(row.sealed).toEqual(expect.any(String));
    expect(Buffer.from(row.sealed, 'base64').toString('latin1')).not.toContain(code);
  });
});

describe('limits on sign-in codes (SPEC §4)', () => {
  /** Three stacks: one that believes X-Forwarded-For, one that does not, one without the dev outbox. */
  let behindProxy: TestStack;
  let direct: TestStack;
  let noOutbox: TestStack;
  beforeAll(async () => {
    const limits = { SMS_CODE_RESEND_SECONDS: 0, SMS_CODES_PER_PHONE_PER_DAY: 3, SMS_CODES_PER_IP_PER_HOUR: 4 };
    [behindProxy, direct, noOutbox] = await Promise.all([startTestStack({ ...limits, TRUST_PROXY: true }), startTestStack({ ...limits, TRUST_PROXY: false }), startTestStack({ DEV_OUTBOX: false })]);
  });
  afterAll(() => Promise.all([behindProxy.close(), direct.close(), noOutbox.close()]));

  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
  const askCode = (client: HttpClient, phone: string, address: string) => client.post('/api/v1/auth/sms-code', { phone }, from(address));
  const codeOf = async (s: TestStack, phone: string) => /(\d{6})/.exec((await s.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items[0].text)![1];

  it('sends at most SMS_CODES_PER_PHONE_PER_DAY codes to one number, then 429 with Retry-After', async () => {
    for (let i = 0; i < 3; i++) expect((await askCode(behindProxy.client, '13900000001', `10.0.0.${i}`)).status).toBe(200);
    const refused = await askCode(behindProxy.client, '13900000001', '10.0.0.9');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'sms-phone-day', limit: 3 } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3600);
  });

  it('sends at most SMS_CODES_PER_IP_PER_HOUR codes for one client address, counted by X-Forwarded-For behind a trusted proxy', async () => {
    for (let i = 0; i < 4; i++) expect((await askCode(behindProxy.client, `1390000010${i}`, '203.0.113.7')).status).toBe(200);
    const refused = await askCode(behindProxy.client, '13900000109', '203.0.113.7');
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'sms-ip-hour' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await askCode(behindProxy.client, '13900000109', '203.0.113.8')).status).toBe(200);
    const [row] = await behindProxy.server.deps.dataSource.query('SELECT COUNT(*) AS n FROM sms_codes WHERE phone = ?', ['13900000109']);
    expect(Number(row.n)).toBe(1);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY: a client cannot pick the address it is counted under', async () => {
    for (let i = 0; i < 4; i++) expect((await askCode(direct.client, `1390000020${i}`, `198.51.100.${i}`)).status).toBe(200);
    const refused = await askCode(direct.client, '13900000209', '198.51.100.99');
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', details: { rule: 'sms-ip-hour' } });
  });

  it("does not let a stranger's wrong guesses lock the owner out: tries are counted per requester", async () => {
    expect((await askCode(behindProxy.client, '13900000301', '192.0.2.1')).status).toBe(200);
    const code = await codeOf(behindProxy, '13900000301');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const guess = await behindProxy.client.post('/api/v1/auth/login', { phone: '13900000301', code: wrong }, from('192.0.2.66'));
      expect(guess.body.error.code).toBe('CODE_INVALID');
    }
    const sixth = await behindProxy.client.post('/api/v1/auth/login', { phone: '13900000301', code }, from('192.0.2.66'));
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('CODE_TOO_MANY_TRIES');
    const owner = await behindProxy.client.post('/api/v1/auth/login', { phone: '13900000301', code }, from('192.0.2.1'));
    expect(owner.status).toBe(200);
  });

  it('serves the dev outbox only when DEV_OUTBOX is on', async () => {
    expect((await noOutbox.client.post('/api/v1/auth/sms-code', { phone: '13900000401' })).status).toBe(200);
    const outbox = await noOutbox.client.get('/api/v1/dev/outbox?to=13900000401');
    expect(outbox.status).toBe(404);
    expect(JSON.stringify(outbox.body)).not.toMatch(/\d{6}/);
  });
});

describe('sessions: short access tokens, refresh, sign-out', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ ACCESS_TOKEN_SECONDS: 900, SMS_CODE_RESEND_SECONDS: 0 });
  });
  afterAll(() => stack.close());

  async function login(phone: string) {
    await stack.client.post('/api/v1/auth/sms-code', { phone });
    const code = /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${phone}`)).body.items[0].text)![1];
    return (await stack.client.post('/api/v1/auth/login', { phone, code })).body;
  }

  it('hands out an access token that lives ACCESS_TOKEN_SECONDS, with a refresh token', async () => {
    const session = await login('13500000001');
    expect(session).toMatchObject({ token: expect.any(String), refreshToken: expect.any(String), expiresInSeconds: 900 });
    const claims = JSON.parse(Buffer.from(session.token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(900);
  });

  it('renews the access token with the refresh token, and replaces the refresh token', async () => {
    const session = await login('13500000002');
    const renewed = await stack.client.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect(renewed.status).toBe(200);
    expect(renewed.body.refreshToken).not.toBe(session.refreshToken);
    expect((await stack.client.get('/api/v1/me', { token: renewed.body.token })).body.phone).toBe('13500000002');
    const next = await stack.client.post('/api/v1/auth/refresh', { refreshToken: renewed.body.refreshToken });
    expect(next.status).toBe(200);
  });

  it('signs the whole session out when a replaced refresh token comes back (two holders of one token)', async () => {
    const session = await login('13500000003');
    const renewed = (await stack.client.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).body;
    const replay = await stack.client.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken });
    expect({ status: replay.status, code: replay.body.error.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await stack.client.get('/api/v1/me', { token: renewed.token })).status).toBe(401);
    expect((await stack.client.post('/api/v1/auth/refresh', { refreshToken: renewed.refreshToken })).status).toBe(401);
  });

  it('refuses a signed-out session at once: its access token on every route and socket, and its refresh token', async () => {
    const session = await login('13500000004');
    const other = await login('13500000004');
    expect((await stack.client.post('/api/v1/auth/logout', undefined, { token: session.token })).body).toEqual({ signedOut: true });
    expect((await stack.client.get('/api/v1/me', { token: session.token })).status).toBe(401);
    expect((await stack.client.post('/api/v1/red-packets/0123456789abcdefghjkmnpqrs/grab', {}, { token: session.token, idempotencyKey: true })).status).toBe(401);
    expect((await stack.client.post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
    const { io } = await import('socket.io-client');
    const socket = io(`${stack.url}/live`, { auth: { token: session.token }, transports: ['websocket'], reconnection: false });
    const refusal = await new Promise<string>((resolve) => {
      socket.on('connect_error', (error) => resolve(error.message));
      socket.on('connect', () => resolve('connected'));
    });
    socket.close();
    expect(refusal).toBe('UNAUTHENTICATED');
    // Another device's session of the same person goes on.
    expect((await stack.client.get('/api/v1/me', { token: other.token })).status).toBe(200);
  });

  it('answers a garbage refresh token 401 and a logout without a token 401', async () => {
    expect((await stack.client.post('/api/v1/auth/refresh', { refreshToken: 'x'.repeat(43) })).status).toBe(401);
    expect((await stack.client.post('/api/v1/auth/refresh', { refreshToken: 'x'.repeat(200) })).status).toBe(400);
    expect((await stack.client.post('/api/v1/auth/logout', undefined)).status).toBe(401);
  });
});

