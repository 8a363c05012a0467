import { createMessageProvider } from '../../carrier/sms-provider';
import { manualClock } from '../../platform/clock';
import { signIn, type Answer } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';
import { LEDGER_REGISTRY } from '../../ledger-registrations';
import { auditLedger } from '../ledger/audit';
import { deliverDueMessages } from '../outbox/sender';

const DAY_MS = 24 * 60 * 60 * 1000;
const ADMIN = '13910000001';

describe('fund early warning on a sponsor budget', () => {
  let stack: TestStack;
  const clock = manualClock(new Date('2026-05-10T02:00:00Z'));
  let adminToken = '';
  let serial = 0;

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    await grantOperator(stack, ADMIN, 'admin');
    adminToken = (await signIn(stack.client, ADMIN)).token;
  });
  afterAll(() => stack.close());

  const db = () => stack.server.deps.dataSource;
  const patch = (sid: string, body: unknown, token: string) => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, body, { token });
  const topup = (sid: string, amountMb: number) =>
    stack.client.post(`/api/v1/ops/sponsors/${sid}/topups`, { amountMb, reference: `more-${serial++}` }, { token: adminToken, idempotencyKey: true });
  const budgetOf = async (sid: string, token: string): Promise<number> => (await stack.client.get(`/api/v1/sponsors/${sid}`, { token })).body.budgetMb;

  /** The fund warnings written for `sid`, one line per level, channel and recipient, with how many. */
  async function warningsOf(sid: string): Promise<string[]> {
    const rows: Array<{ template: string; channel: string; recipient: string; n: string }> = await db().query(
      `SELECT template, channel, recipient, COUNT(*) AS n FROM outbox WHERE template IN (?, ?) GROUP BY template, channel, recipient`,
      [`fund_warn:${sid}`, `fund_alert:${sid}`],
    );
    return rows.map((r) => `${r.template.split(':')[0]} ${r.channel} ${r.recipient} ×${r.n}`).sort();
  }
  const oncePerContact = (level: 'warn' | 'alert', times = 1) => [
    `fund_${level} email finance@sponsor.example ×${times}`,
    `fund_${level} email ops@sponsor.example ×${times}`,
    `fund_${level} sms 13910000021 ×${times}`,
    `fund_${level} sms 13910000022 ×${times}`,
  ];
  const CONTACTS = [{ phone: '13910000021', email: 'ops@sponsor.example' }, { phone: '13910000022' }, { email: 'finance@sponsor.example' }];

  async function sponsorWithLevels(ownerPhone: string, budgetMb: number, warnMb: number, alertMb: number) {
    const sid = await sponsorWithBudget(stack.client, adminToken, ownerPhone, budgetMb);
    const owner = await signIn(stack.client, ownerPhone);
    expect((await patch(sid, { warnMb, alertMb, contacts: CONTACTS }, owner.token)).status).toBe(200);
    return { sid, token: owner.token };
  }

  it('warns every contact once per level and channel when 50 racing publishes take the budget through both levels', async () => {
    const { sid, token } = await sponsorWithLevels('13910000011', 5000, 3000, 1000);
    expect(await warningsOf(sid)).toEqual([]);
    const drafts: string[] = [];
    for (let i = 0; i < 50; i++) drafts.push((await stack.client.post(`/api/v1/sponsors/${sid}/activities`, activityRequest(clock.now(), { budgetMb: 100 }), { token })).body.id);
    // While they race, participants check in at an activity published before: rewards leave
    // the activity's escrow, not the budget, and must not disturb the count.
    const running = drafts.pop()!;
    await stack.client.post(`/api/v1/sponsors/${sid}/activities/${running}/publish`, undefined, { token, idempotencyKey: true });
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(stack.client, `139100001${String(i).padStart(2, '0')}`)));
    const answers = await Promise.all([
      ...drafts.map((aid) => stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/publish`, undefined, { token, idempotencyKey: true })),
      ...users.map((u) => stack.client.post(`/api/v1/activities/${running}/checkin`, undefined, { token: u.token, idempotencyKey: true })),
    ]);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(await budgetOf(sid, token)).toBe(0);
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert'), ...oncePerContact('warn')]);
    expect(await auditLedger(db().manager, LEDGER_REGISTRY)).toEqual([]);
  });

  it('delivers the warning by SMS and e-mail to the provider, and shows both in the dev outbox', async () => {
    const { sid, token } = await sponsorWithLevels('13910000012', 1000, 600, 100);
    await publishedActivity(stack.client, token, sid, activityRequest(clock.now(), { budgetMb: 500 }));
    const provider = createMessageProvider({ baseUrl: stack.simUrl, secret: stack.config.MESSAGE_PROVIDER_SECRET, timeoutMs: 1000 });
    while ((await deliverDueMessages(stack.server.deps, provider)) > 0);
    const mails = await stack.sim.listMessages('ops@sponsor.example');
    expect(mails).toContainEqual(expect.objectContaining({ channel: 'email', subject: expect.stringContaining('预算预警'), text: expect.stringContaining('已降至预警线 600 MB') }));
    expect(await stack.sim.listMessages('13910000022')).toContainEqual(
      expect.objectContaining({ channel: 'sms', text: expect.stringMatching(/^【流量】赞助商0012 的流量预算可用余额为 500 MB/) }),
    );
    const devOutbox = await stack.client.get('/api/v1/dev/outbox?to=finance@sponsor.example');
    expect(devOutbox.body.items).toContainEqual(expect.objectContaining({ channel: 'email', status: 'sent' }));
  });

  it('re-arms a level only when a top-up takes the budget back above it, and warns again at the next crossing', async () => {
    const { sid, token } = await sponsorWithLevels('13910000013', 4000, 3000, 1000);
    await publishedActivity(stack.client, token, sid, activityRequest(clock.now(), { budgetMb: 3500 })); // 500: both fire
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert'), ...oncePerContact('warn')]);
    await topup(sid, 1500); // 2000: above the alert only, which re-arms
    await publishedActivity(stack.client, token, sid, activityRequest(clock.now(), { budgetMb: 100 })); // 1900: nothing crossed
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert'), ...oncePerContact('warn')]);
    await publishedActivity(stack.client, token, sid, activityRequest(clock.now(), { budgetMb: 1000 })); // 900: the alert again
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert', 2), ...oncePerContact('warn')]);
    await topup(sid, 3000); // 3900: both re-arm
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert', 2), ...oncePerContact('warn')]);
    await publishedActivity(stack.client, token, sid, activityRequest(clock.now(), { budgetMb: 900 })); // 3000: at the warning level
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert', 2), ...oncePerContact('warn', 2)]);
  });

  it('re-arms when an ended activity returns its rest above a level, and warns when a budget lot expires below one', async () => {
    const { sid, token } = await sponsorWithLevels('13910000014', 2000, 1500, 500);
    const aid = await publishedActivity(stack.client, token, sid, activityRequest(clock.now(), { budgetMb: 1000 })); // 1000: warn
    expect(await warningsOf(sid)).toEqual(oncePerContact('warn'));
    await stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/end`, undefined, { token, idempotencyKey: true }); // 2000: re-armed
    expect(await budgetOf(sid, token)).toBe(2000);
    const [state] = await db().query('SELECT warn_tripped, alert_tripped FROM sponsors WHERE id = ?', [sid]);
    expect(state).toEqual({ warn_tripped: 0, alert_tripped: 0 });
    // A year on, the top-up's lot has expired: the sweep takes it and the budget falls through both levels.
    clock.advanceMs(366 * DAY_MS);
    await stack.server.services.sponsors.sweepExpiredBudgets();
    expect(await warningsOf(sid)).toEqual([...oncePerContact('alert'), ...oncePerContact('warn', 2)]);
    expect(await auditLedger(db().manager, LEDGER_REGISTRY)).toEqual([]);
    clock.advanceMs(-366 * DAY_MS);
  });

  it('judges a level moved by PATCH at once, and does not warn again when only the contacts change', async () => {
    const sid = await sponsorWithBudget(stack.client, adminToken, '13910000015', 1000);
    const { token } = await signIn(stack.client, '13910000015');
    expect((await patch(sid, { contacts: CONTACTS }, token)).status).toBe(200);
    expect((await patch(sid, { warnMb: 2000, alertMb: 100 }, token)).status).toBe(200);
    expect(await warningsOf(sid)).toEqual(oncePerContact('warn'));
    expect((await patch(sid, { contacts: CONTACTS.slice(0, 1) }, token)).status).toBe(200);
    expect((await patch(sid, { warnMb: 2000, alertMb: 100, contacts: CONTACTS }, token)).status).toBe(200);
    expect(await warningsOf(sid)).toEqual(oncePerContact('warn'));
  });

  describe('PATCH /sponsors/:sid with bad input or the wrong caller', () => {
    let sid = '';
    let ownerToken = '';
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      ({ sid, token: ownerToken } = await sponsorWithLevels('13910000016', 1000, 500, 100));
      const staff = '13910000017';
      await stack.client.post(`/api/v1/sponsors/${sid}/members`, { phone: staff, role: 'staff' }, { token: ownerToken });
      tokens.staff = (await signIn(stack.client, staff)).token;
      const other = await sponsorWithLevels('13910000018', 1000, 500, 100);
      tokens.otherOwner = other.token;
      tokens.user = (await signIn(stack.client, '13910000019')).token;
    });
    const snapshot = async () =>
      JSON.stringify([
        await db().query('SELECT * FROM sponsors WHERE id = ?', [sid]),
        await db().query('SELECT COUNT(*) AS n FROM outbox WHERE template LIKE ?', [`fund_%:${sid}`]),
      ]);
    const asOwner = (body: unknown) => () => patch(sid, body, ownerToken);
    const cases: Array<[string, () => Promise<Answer>, number, string]> = [
      ['warnMb equal to alertMb', asOwner({ warnMb: 300, alertMb: 300 }), 400, 'VALIDATION_FAILED'],
      ['warnMb below alertMb', asOwner({ warnMb: 100, alertMb: 300 }), 400, 'VALIDATION_FAILED'],
      ['alertMb alone at the stored warnMb', asOwner({ alertMb: 500 }), 400, 'VALIDATION_FAILED'],
      ['warnMb alone below the stored alertMb', asOwner({ warnMb: 50 }), 400, 'VALIDATION_FAILED'],
      ['a negative warnMb', asOwner({ warnMb: -1, alertMb: 0 }), 400, 'VALIDATION_FAILED'],
      ['a negative alertMb', asOwner({ warnMb: 500, alertMb: -5 }), 400, 'VALIDATION_FAILED'],
      ['a fractional warnMb', asOwner({ warnMb: 500.5 }), 400, 'VALIDATION_FAILED'],
      ['a warnMb as a string', asOwner({ warnMb: '500' }), 400, 'VALIDATION_FAILED'],
      ['a contact with a malformed e-mail', asOwner({ contacts: [{ email: 'ops@' }] }), 400, 'VALIDATION_FAILED'],
      ['a contact with a malformed phone', asOwner({ contacts: [{ phone: '12345678901' }] }), 400, 'VALIDATION_FAILED'],
      ['a contact with neither phone nor e-mail', asOwner({ contacts: [{}] }), 400, 'VALIDATION_FAILED'],
      ['a contact with an unknown field', asOwner({ contacts: [{ phone: '13910000021', wechat: 'x' }] }), 400, 'VALIDATION_FAILED'],
      ['contacts that are not a list', asOwner({ contacts: 'ops@sponsor.example' }), 400, 'VALIDATION_FAILED'],
      ['an unknown field', asOwner({ warnMb: 600, name: '改名' }), 400, 'VALIDATION_FAILED'],
      ['a staff member', () => patch(sid, { warnMb: 600 }, tokens.staff), 403, 'FORBIDDEN'],
      ['the owner of another sponsor', () => patch(sid, { warnMb: 600 }, tokens.otherOwner), 404, 'NOT_FOUND'],
      ['a user of no sponsor', () => patch(sid, { warnMb: 600 }, tokens.user), 404, 'NOT_FOUND'],
      ['no token', () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { warnMb: 600 }), 401, 'UNAUTHENTICATED'],
      [
        'the bot itself',
        () => stack.client.call('PATCH', `/api/v1/sponsors/${sid}`, { warnMb: 600 }, { headers: { authorization: `Bot ${stack.config.BOT_TOKEN}` } }),
        403,
        'FORBIDDEN',
      ],
      ['a guessed sponsor id', () => patch('0123456789abcdefghjkmnpqrs', { warnMb: 600 }, ownerToken), 404, 'NOT_FOUND'],
      // PUT (what weapp can send) is the same operation, checked alike.
      ['PUT with warnMb below alertMb', () => stack.client.call('PUT', `/api/v1/sponsors/${sid}`, { warnMb: 100, alertMb: 300 }, { token: ownerToken }), 400, 'VALIDATION_FAILED'],
      ['PUT with a malformed e-mail', () => stack.client.call('PUT', `/api/v1/sponsors/${sid}`, { contacts: [{ email: 'x@' }] }, { token: ownerToken }), 400, 'VALIDATION_FAILED'],
      ['PUT by a staff member', () => stack.client.call('PUT', `/api/v1/sponsors/${sid}`, { warnMb: 600 }, { token: tokens.staff }), 403, 'FORBIDDEN'],
      ['PUT with no token', () => stack.client.call('PUT', `/api/v1/sponsors/${sid}`, { warnMb: 600 }), 401, 'UNAUTHENTICATED'],
    ];
    it.each(cases)('%s: refused, nothing changed', async (_name, send, status, code) => {
      const before = await snapshot();
      const answer = await send();
      expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
      expect(JSON.stringify(answer.body)).not.toMatch(/at .+\.(ts|js):\d+/);
      expect(await snapshot()).toBe(before);
    });
  });
});
