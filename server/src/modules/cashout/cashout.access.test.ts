import { newNonce, signedRequestHeaders } from '../../carrier/signing';
import { MAX_SUPPLIERS } from './repository';
import { addSimSupplier, supplierSecret } from '../../test-support/cashout';
import type { Answer } from '../../test-support/http-client';
import { grantOperator } from '../../test-support/sponsors';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { balanceOf, fundWallets } from '../../test-support/wallets';

/**
 * Every cash-out endpoint × every role (SPEC §3.10), and every way to send it bad input: a clear
 * 4xx with its code, and nothing changed (orders, suppliers, the wallet).
 */
const ROLES = ['admin', 'finance', 'support', 'user', 'botUser', 'noToken', 'bot'] as const;
type Role = (typeof ROLES)[number];
type Expected = 'ok' | 401 | 403 | 404;
const row = (expected: Partial<Record<Role, Expected>>, otherwise: Expected): Record<Role, Expected> =>
  Object.fromEntries(ROLES.map((role) => [role, expected[role] ?? (role === 'noToken' ? 401 : role === 'bot' ? 403 : otherwise)])) as Record<Role, Expected>;
const OPERATORS = { admin: 'ok', finance: 'ok', support: 'ok' } as const;
const BOT_CONTACT = 'wx-cashout-bot-user';

describe('cash-out access and bad input', () => {
  let stack: TestStack;
  const people: Partial<Record<Role, SeededUser>> = {};
  const headers: Partial<Record<Role, Record<string, string>>> = {};
  let other: SeededUser;
  let supplierId = '';
  let otherOrderId = '';

  beforeAll(async () => {
    stack = await startTestStack();
    const seeded = await seedUsers(stack, 6, '1350004');
    [people.admin, people.finance, people.support, people.user, people.botUser, other] = seeded;
    for (const role of ['admin', 'finance', 'support'] as const) await grantOperator(stack, people[role]!.phone, role);
    await fundWallets(
      stack.server.deps,
      seeded.map((u) => u.userId),
      5_000,
    );
    for (const role of ['admin', 'finance', 'support', 'user'] as const) headers[role] = { authorization: `Bearer ${people[role]!.token}` };
    const bot = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    await stack.client.post('/api/v1/auth/sms-code', { phone: people.botUser!.phone }, { headers: bot });
    const code = /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${people.botUser!.phone}`)).body.items[0].text)![1];
    await stack.client.post('/api/v1/bot/bindings', { contactId: BOT_CONTACT, phone: people.botUser!.phone, code }, { headers: bot, idempotencyKey: true });
    headers.botUser = { ...bot, 'x-acting-contact': BOT_CONTACT };
    headers.bot = bot;
    headers.noToken = {};
    supplierId = await addSimSupplier(stack.client, stack.sim, stack.simUrl, people.admin!.token, { name: 'acc', behaviour: 'refuse', priority: 1 });
    otherOrderId = (await stack.client.post('/api/v1/cashout/orders', { productId: 'cmcc-10' }, { token: other.token, idempotencyKey: true })).body.id;
  }, 60_000);
  afterAll(() => stack?.close());

  let serial = 0;
  const call = (role: Role, method: string, path: string, body?: unknown, moves = false): Promise<Answer> =>
    stack.client.call(method, `/api/v1${path}`, body, { headers: headers[role], idempotencyKey: moves ? true : undefined });

  const endpoints: Array<[string, Record<Role, Expected>, (role: Role) => Promise<Answer>]> = [
    ['GET /cashout/products', row({ botUser: 'ok' }, 'ok'), (role) => call(role, 'GET', '/cashout/products')],
    ['POST /cashout/orders', row({ botUser: 'ok' }, 'ok'), (role) => call(role, 'POST', '/cashout/orders', { productId: 'cmcc-10' }, true)],
    ['GET /cashout/orders', row({ botUser: 'ok' }, 'ok'), (role) => call(role, 'GET', '/cashout/orders')],
    ["GET /cashout/orders/:id (another user's)", row({}, 404), (role) => call(role, 'GET', `/cashout/orders/${otherOrderId}`)],
    ['POST /ops/suppliers', row({ admin: 'ok' }, 403), (role) => call(role, 'POST', '/ops/suppliers', supplierRequest(`role-${serial++}`))],
    ['PATCH /ops/suppliers/:id', row({ admin: 'ok' }, 403), (role) => call(role, 'PATCH', `/ops/suppliers/${supplierId}`, { priority: 2 })],
    ['GET /ops/suppliers', row(OPERATORS, 403), (role) => call(role, 'GET', '/ops/suppliers')],
    ['GET /ops/orders', row(OPERATORS, 403), (role) => call(role, 'GET', '/ops/orders')],
    ['GET /ops/incidents', row(OPERATORS, 403), (role) => call(role, 'GET', '/ops/incidents')],
    ['GET /ops/reconciliation', row({ admin: 'ok', finance: 'ok' }, 403), (role) => call(role, 'GET', '/ops/reconciliation?date=2026-12-01')],
  ];

  it.each(endpoints)('%s', async (_name, expected, send) => {
    const answers: Partial<Record<Role, Expected | number>> = {};
    for (const role of ROLES) {
      const answer = await send(role);
      answers[role] = answer.status < 300 ? 'ok' : answer.status;
      if (answer.status >= 300) expect(answer.body.error.code).toBe({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[answer.status as 401 | 403 | 404]);
    }
    expect(answers).toEqual(expected);
  });

  function supplierRequest(name: string, overrides: Record<string, unknown> = {}) {
    return {
      name,
      endpoint: `${stack.simUrl}/suppliers/${name}`,
      secret: 'a-secret-long-enough-0123',
      carriers: ['cmcc'],
      provinces: [],
      priority: 1,
      dailyCapMb: 1000,
      enabled: true,
      ...overrides,
    };
  }
  const signedCallback = (rawBody: string) => {
    const path = `/api/v1/suppliers/${supplierId}/callbacks`;
    const signed = signedRequestHeaders(supplierSecret('acc'), { method: 'POST', pathWithQuery: path, timestampMs: Date.now(), nonce: newNonce(), rawBody });
    return stack.client.call('POST', path, undefined, { headers: signed, rawBody });
  };

  const BAD: Array<[string, number, string, () => Promise<Answer>]> = [
    ['order without a body', 400, 'VALIDATION_FAILED', () => call('user', 'POST', '/cashout/orders', {}, true)],
    ['order with a numeric product', 400, 'VALIDATION_FAILED', () => call('user', 'POST', '/cashout/orders', { productId: 10 }, true)],
    ['order with an unknown field', 400, 'VALIDATION_FAILED', () => call('user', 'POST', '/cashout/orders', { productId: 'cmcc-10', phone: '13900000000' }, true)],
    ["order of another carrier's product", 404, 'NOT_FOUND', () => call('user', 'POST', '/cashout/orders', { productId: 'unicom-20' }, true)],
    ['order of a product that does not exist', 404, 'NOT_FOUND', () => call('user', 'POST', '/cashout/orders', { productId: 'cmcc-99' }, true)],
    ['order without an Idempotency-Key', 400, 'IDEMPOTENCY_KEY_MISSING', () => call('user', 'POST', '/cashout/orders', { productId: 'cmcc-10' })],
    ['order larger than the wallet', 422, 'INSUFFICIENT_BALANCE', () => call('user', 'POST', '/cashout/orders', { productId: 'cmcc-11264' }, true)],
    ['orders page of 0', 400, 'VALIDATION_FAILED', () => call('user', 'GET', '/cashout/orders?limit=0')],
    ['orders cursor not from the list', 400, 'VALIDATION_FAILED', () => call('user', 'GET', '/cashout/orders?cursor=zzz')],
    ['a guessed order id', 404, 'NOT_FOUND', () => call('user', 'GET', '/cashout/orders/0123456789abcdefghjkmnpqrs')],
    ['a malformed order id', 404, 'NOT_FOUND', () => call('user', 'GET', '/cashout/orders/..%2Fetc')],
    ['supplier without fields', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', { name: 'x' })],
    ['supplier with a short secret', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad1', { secret: 'short' }))],
    ['supplier with a non-http endpoint', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad2', { endpoint: 'ftp://x.example' }))],
    ['supplier with a negative cap', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad3', { dailyCapMb: -1 }))],
    ['supplier with a fractional cap', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad4', { dailyCapMb: 1.5 }))],
    ['supplier with an unknown carrier', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad5', { carriers: ['acme'] }))],
    // Credentials in the address would be shown to every operator who reads suppliers (finance, support) and logged with failures.
    [
      'supplier endpoint with credentials',
      400,
      'VALIDATION_FAILED',
      () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad9', { endpoint: 'https://user:pw@supplier.example/api' })),
    ],
    [
      'supplier change to an endpoint with credentials',
      400,
      'VALIDATION_FAILED',
      () => call('admin', 'PATCH', `/ops/suppliers/${supplierId}`, { endpoint: 'http://key@127.0.0.1:9/x' }),
    ],
    ['supplier serving one carrier twice', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad6', { carriers: ['cmcc', 'cmcc'] }))],
    ['supplier listing a province twice', 400, 'VALIDATION_FAILED', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad7', { provinces: ['广东', '广东'] }))],
    [
      'supplier province with a right-to-left override',
      400,
      'VALIDATION_FAILED',
      () => call('admin', 'POST', '/ops/suppliers', supplierRequest('bad8', { provinces: ['\u202E广东'] })),
    ],
    ['supplier with a taken name', 409, 'NAME_TAKEN', () => call('admin', 'POST', '/ops/suppliers', supplierRequest('acc'))],
    ['supplier change with nothing', 400, 'VALIDATION_FAILED', () => call('admin', 'PATCH', `/ops/suppliers/${supplierId}`, {})],
    ['supplier change of a text priority', 400, 'VALIDATION_FAILED', () => call('admin', 'PATCH', `/ops/suppliers/${supplierId}`, { priority: 'high' })],
    ['supplier change of a guessed id', 404, 'NOT_FOUND', () => call('admin', 'PATCH', '/ops/suppliers/0123456789abcdefghjkmnpqrs', { priority: 3 })],
    ['ops orders by a malformed phone', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/orders?phone=123')],
    ['ops orders by an unknown status', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/orders?status=lost')],
    ['reconciliation without a date', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/reconciliation')],
    ['reconciliation of month 13', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/reconciliation?date=2026-13-01')],
    ['reconciliation of February 31st', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/reconciliation?date=2026-02-31')],
    ['reconciliation as xml', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/reconciliation?date=2026-12-01&format=xml')],
    ['incidents cursor not from the list', 400, 'VALIDATION_FAILED', () => call('admin', 'GET', '/ops/incidents?cursor=abc')],
    ['callback without a signature', 401, 'STALE_REQUEST', () => stack.client.post(`/api/v1/suppliers/${supplierId}/callbacks`, { attemptId: 'x', status: 'succeeded' })],
    ['signed callback that is not JSON', 400, 'VALIDATION_FAILED', () => signedCallback('{not json')],
    ['signed callback with an unknown status', 400, 'VALIDATION_FAILED', () => signedCallback(JSON.stringify({ attemptId: 'x', status: 'maybe' }))],
  ];

  it.each(BAD)('%s → %i %s, nothing changed', async (_name, status, code, send) => {
    const before = await snapshot();
    const answer = await send();
    expect([answer.status, answer.body.error?.code]).toEqual([status, code]);
    expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.(js|ts):\d+/);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a supplier past the bound that routing and reconciliation read, so none is silently left out of them', async () => {
    const existing = (await call('admin', 'GET', '/ops/suppliers')).body.items.length;
    // Disabled and low in priority, so that no order of the other rows goes to them.
    for (let i = existing; i < MAX_SUPPLIERS; i += 25) {
      const batch = Array.from({ length: Math.min(25, MAX_SUPPLIERS - i) }, (_, j) => `bound-${i + j}`);
      const made = await Promise.all(batch.map((name) => call('admin', 'POST', '/ops/suppliers', supplierRequest(name, { priority: 0, enabled: false }))));
      expect(made.map((a) => a.status)).toEqual(batch.map(() => 201));
    }
    const before = await snapshot();
    const past = await call('admin', 'POST', '/ops/suppliers', supplierRequest('bound-past', { priority: 0, enabled: false }));
    expect([past.status, past.body.error?.code, past.body.error?.details]).toEqual([422, 'LIMIT_EXCEEDED', { rule: 'supplier.count', limit: MAX_SUPPLIERS }]);
    expect(await snapshot()).toEqual(before);
    expect((await call('admin', 'GET', '/ops/suppliers')).body.items).toHaveLength(MAX_SUPPLIERS);
  });

  async function snapshot() {
    const sql = stack.server.deps.dataSource;
    const [orders] = await sql.query('SELECT COUNT(*) AS n FROM cashout_orders');
    const [suppliers] = await sql.query('SELECT COUNT(*) AS n, MAX(updated_at) AS at FROM suppliers');
    return { orders: Number(orders.n), suppliers: Number(suppliers.n), updated: String(suppliers.at), wallet: await balanceOf(stack.server.deps, people.user!.userId) };
  }
});
