import { signIn, type Answer, type CallOptions } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';

/**
 * SPEC §3.10: every new endpoint × every role → allowed, or refused with the status SPEC says
 * (401 no token, 403 a role that may not, 404 where even the object's existence is not the
 * caller's business). One row per endpoint, one column per role.
 */
const ROLES = ['admin', 'finance', 'support', 'owner', 'staff', 'otherOwner', 'user', 'botUser', 'noToken', 'bot'] as const;
type Role = (typeof ROLES)[number];
type Expected = 'ok' | 401 | 403 | 404;

/** The columns most rows share: people → the given answer; no token → 401; the bare bot → 403. */
function row(expected: Partial<Record<Role, Expected>>, otherwise: Expected): Record<Role, Expected> {
  return Object.fromEntries(ROLES.map((role) => [role, expected[role] ?? (role === 'noToken' ? 401 : role === 'bot' ? 403 : otherwise)])) as Record<Role, Expected>;
}
const OPERATORS_ONLY = { admin: 'ok', finance: 'ok' } as const;
const MEMBERS_READ = { admin: 'ok', finance: 'ok', support: 'ok', owner: 'ok', staff: 'ok', otherOwner: 404, user: 404, botUser: 403 } as const;
const MEMBERS_MANAGE = { admin: 403, finance: 403, support: 403, owner: 'ok', staff: 'ok', otherOwner: 404, user: 404, botUser: 403 } as const;
const OWNER_ONLY = { admin: 403, finance: 403, support: 403, owner: 'ok', staff: 403, otherOwner: 404, user: 404, botUser: 403 } as const;

describe('access to sponsors, activities and operators, by role', () => {
  let stack: TestStack;
  let sid = '';
  let aid = '';
  let inviteAid = '';
  let shareAid = '';
  let shareCode = '';
  const phones: Record<Exclude<Role, 'noToken' | 'bot'>, string> = {
    admin: '13700000001',
    finance: '13700000002',
    support: '13700000003',
    owner: '13700000004',
    staff: '13700000005',
    otherOwner: '13700000006',
    user: '13700000007',
    botUser: '13700000008',
  };
  const auth: Partial<Record<Role, CallOptions['headers']>> = {};
  const BOT_CONTACT = 'wx-access-bot-user';

  beforeAll(async () => {
    stack = await startTestStack();
    await grantOperator(stack, phones.admin, 'admin');
    await grantOperator(stack, phones.finance, 'finance');
    await grantOperator(stack, phones.support, 'support');
    for (const role of ['admin', 'finance', 'support', 'owner', 'staff', 'otherOwner', 'user'] as const) {
      auth[role] = { authorization: `Bearer ${(await signIn(stack.client, phones[role])).token}` };
    }
    const botHeaders = { authorization: `Bot ${stack.config.BOT_TOKEN}` };
    await stack.client.post('/api/v1/auth/sms-code', { phone: phones.botUser }, { headers: botHeaders });
    const code = /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${phones.botUser}`)).body.items[0].text)![1];
    expect((await stack.client.post('/api/v1/bot/bindings', { contactId: BOT_CONTACT, phone: phones.botUser, code }, { headers: botHeaders, idempotencyKey: true })).status).toBe(
      200,
    );
    auth.botUser = { ...botHeaders, 'x-acting-contact': BOT_CONTACT };
    auth.bot = botHeaders;
    auth.noToken = {};

    const adminToken = auth.admin!.authorization!.slice('Bearer '.length);
    const ownerToken = auth.owner!.authorization!.slice('Bearer '.length);
    sid = await sponsorWithBudget(stack.client, adminToken, phones.owner, 100_000);
    await sponsorWithBudget(stack.client, adminToken, phones.otherOwner, 1000);
    await stack.client.post(`/api/v1/sponsors/${sid}/members`, { phone: phones.staff, role: 'staff' }, { token: ownerToken });
    aid = await publishedActivity(stack.client, ownerToken, sid, activityRequest(new Date(), { budgetMb: 1000 }));
    inviteAid = await publishedActivity(stack.client, ownerToken, sid, activityRequest(new Date(), { type: 'invite', budgetMb: 1000 }));
    shareAid = await publishedActivity(stack.client, ownerToken, sid, activityRequest(new Date(), { type: 'share', budgetMb: 1000, helpersNeeded: 100 }));
    shareCode = (await stack.client.post(`/api/v1/activities/${shareAid}/share`, undefined, { token: ownerToken })).body.code;
  });
  afterAll(() => stack.close());

  let serial = 0;
  const call = (role: Role, method: string, path: string, body?: unknown, moves = false): Promise<Answer> =>
    stack.client.call(method, `/api/v1${path}`, body, { headers: auth[role], idempotencyKey: moves ? true : undefined });
  /** A fresh draft of the sponsor's, made by its owner, for the rows whose call uses one up. */
  const freshDraft = async () => (await call('owner', 'POST', `/sponsors/${sid}/activities`, activityRequest(new Date()))).body.id as string;

  const endpoints: Array<[string, Record<Role, Expected>, (role: Role) => Promise<Answer>]> = [
    ['POST /ops/operators', row({ admin: 'ok' }, 403), (role) => call(role, 'POST', '/ops/operators', { phone: `1360000${String(serial++).padStart(4, '0')}`, role: 'support' })],
    ['POST /ops/sponsors', row(OPERATORS_ONLY, 403), (role) => call(role, 'POST', '/ops/sponsors', { name: '新赞助商', ownerPhone: '13600009999' }, true)],
    [
      'POST /ops/sponsors/:sid/topups',
      row({ ...OPERATORS_ONLY, support: 403, owner: 403, staff: 403, otherOwner: 404, user: 404, botUser: 403 }, 403),
      (role) => call(role, 'POST', `/ops/sponsors/${sid}/topups`, { amountMb: 10, reference: `ref-${serial++}` }, true),
    ],
    ['GET /ops/sponsors', row({ admin: 'ok', finance: 'ok', support: 'ok' }, 403), (role) => call(role, 'GET', '/ops/sponsors')],
    ['GET /sponsors/mine', row({ botUser: 403 }, 'ok'), (role) => call(role, 'GET', '/sponsors/mine')],
    ['GET /sponsors/:sid', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}`)],
    ['PATCH /sponsors/:sid', row(OWNER_ONLY, 403), (role) => call(role, 'PATCH', `/sponsors/${sid}`, { warnMb: 2000, alertMb: 1000 })],
    ['PUT /sponsors/:sid', row(OWNER_ONLY, 403), (role) => call(role, 'PUT', `/sponsors/${sid}`, { warnMb: 3000, alertMb: 1000 })],
    ['POST /sponsors/:sid/members', row(OWNER_ONLY, 403), (role) => call(role, 'POST', `/sponsors/${sid}/members`, { phone: '13600008888', role: 'staff' })],
    [
      'DELETE /sponsors/:sid/members/:phone',
      row(OWNER_ONLY, 403),
      async (role) => {
        await call('owner', 'POST', `/sponsors/${sid}/members`, { phone: '13600007777', role: 'staff' });
        return call(role, 'DELETE', `/sponsors/${sid}/members/13600007777`);
      },
    ],
    ['POST /sponsors/:sid/activities', row(MEMBERS_MANAGE, 403), (role) => call(role, 'POST', `/sponsors/${sid}/activities`, activityRequest(new Date()))],
    ['GET /sponsors/:sid/activities', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/activities`)],
    ['GET /sponsors/:sid/activities/:aid', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/activities/${aid}`)],
    ['POST …/:aid/publish', row(MEMBERS_MANAGE, 403), async (role) => call(role, 'POST', `/sponsors/${sid}/activities/${await freshDraft()}/publish`, undefined, true)],
    ['POST …/:aid/pause', row(MEMBERS_MANAGE, 403), (role) => call(role, 'POST', `/sponsors/${sid}/activities/${aid}/pause`)],
    ['POST …/:aid/resume', row(MEMBERS_MANAGE, 403), (role) => call(role, 'POST', `/sponsors/${sid}/activities/${aid}/resume`)],
    ['POST …/:aid/end', row(MEMBERS_MANAGE, 403), async (role) => call(role, 'POST', `/sponsors/${sid}/activities/${await freshDraft()}/end`, undefined, true)],
    ['GET …/:aid/report', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/activities/${aid}/report`)],
    ['GET …/:aid/report?format=csv', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/activities/${aid}/report?format=csv`)],
    ['GET …/:aid/rewards', row(MEMBERS_READ, 403), (role) => call(role, 'GET', `/sponsors/${sid}/activities/${aid}/rewards`)],
    [
      'PATCH …/:aid (templates of a running activity)',
      row(MEMBERS_MANAGE, 403),
      (role) => call(role, 'PATCH', `/sponsors/${sid}/activities/${aid}`, { templates: { rewarded: '{nickname} 获得 {amount}' } }),
    ],
    ['PUT …/:aid (the same for weapp)', row(MEMBERS_MANAGE, 403), (role) => call(role, 'PUT', `/sponsors/${sid}/activities/${aid}`, { templates: { ended: '{activity} 结束了' } })],
    ['GET …/:aid/broadcasts/audience', row(MEMBERS_MANAGE, 403), (role) => call(role, 'GET', `/sponsors/${sid}/activities/${aid}/broadcasts/audience?audience=participants`)],
    [
      'POST …/:aid/broadcasts',
      row(MEMBERS_MANAGE, 403),
      (role) => call(role, 'POST', `/sponsors/${sid}/activities/${aid}/broadcasts`, { template: '{nickname} 你好', audience: 'participants' }, true),
    ],
    ['GET /me/message-settings', row({}, 'ok'), (role) => call(role, 'GET', '/me/message-settings')],
    ['PUT /me/message-settings', row({}, 'ok'), (role) => call(role, 'PUT', '/me/message-settings', { activityMessages: true })],
    ['GET /activities', row({}, 'ok'), (role) => call(role, 'GET', '/activities')],
    ['GET /activities/:id', row({}, 'ok'), (role) => call(role, 'GET', `/activities/${aid}`)],
    ['POST /activities/:id/checkin', row({}, 'ok'), (role) => call(role, 'POST', `/activities/${aid}/checkin`, undefined, true)],
    ['POST /activities/:id/invite', row({}, 'ok'), (role) => call(role, 'POST', `/activities/${inviteAid}/invite`)],
    ['POST /activities/:id/share', row({}, 'ok'), (role) => call(role, 'POST', `/activities/${shareAid}/share`)],
    ['POST /activities/shares/:code/help', row({}, 'ok'), (role) => call(role, 'POST', `/activities/shares/${shareCode}/help`, undefined, true)],
  ];

  it.each(endpoints)('%s', async (_name, expected, send) => {
    const answers: Partial<Record<Role, Expected | number>> = {};
    for (const role of ROLES) {
      const answer = await send(role);
      answers[role] = answer.status < 300 ? 'ok' : answer.status;
      if (answer.status >= 300)
        expect(answer.body.error.code).toBe({ 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[answer.status as 401 | 403 | 404] ?? 'unexpected status');
    }
    expect(answers).toEqual(expected);
  });

  it('answers a guessed sponsor or activity id with 404, even to an admin', async () => {
    for (const path of [
      '/sponsors/0123456789abcdefghjkmnpqrs',
      `/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs`,
      '/activities/0123456789abcdefghjkmnpqrs',
      `/sponsors/${sid}/activities/${aid}x/report`,
      `/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs/rewards`,
    ]) {
      expect((await call('admin', 'GET', path)).status).toBe(404);
    }
    expect((await call('owner', 'POST', '/activities/0123456789abcdefghjkmnpqrs/checkin', undefined, true)).status).toBe(404);
    const guessed = `/sponsors/${sid}/activities/0123456789abcdefghjkmnpqrs`;
    expect((await call('owner', 'PATCH', guessed, { title: '猜的' })).status).toBe(404);
    expect((await call('owner', 'GET', `${guessed}/broadcasts/audience?audience=participants`)).status).toBe(404);
    expect((await call('owner', 'POST', `${guessed}/broadcasts`, { template: '你好', audience: 'participants' }, true)).status).toBe(404);
  });
});
