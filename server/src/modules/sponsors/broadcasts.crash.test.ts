import { signIn } from '../../test-support/http-client';
import { eventually } from '../../test-support/eventually';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers, type SeededUser } from '../../test-support/users';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';

/**
 * A broadcast to 500 people, its sending process SIGKILLed mid-way and another started: every
 * recipient gets exactly one message, those who opted out and those over the daily cap none.
 * (Quiet hours, with an injected clock, are in activity-messages.test.ts; a process of its own
 * runs on the system clock, so quiet hours are switched off here to keep the test time-free.)
 */
describe('a broadcast that survives a crash', () => {
  let stack: TestStack;
  const processes: ServerProcess[] = [];
  const jobs = { LOG_LEVEL: 'warn', JOBS_ENABLED: true, JOB_INTERVAL_MS: 600 } as const;
  beforeAll(async () => {
    // Two extra processes on a shared machine: the carrier gets time to answer sign-ups.
    stack = await startTestStack({ BROADCAST_BATCH_SIZE: 10, QUIET_HOURS_START: 0, QUIET_HOURS_END: 0, CARRIER_TIMEOUT_MS: 3000 });
  });
  afterAll(async () => {
    for (const p of processes) await p.stop();
    await stack.close();
  });

  it('sends each of 500 recipients exactly one message across a SIGKILL and a restart, and none to the opted-out or capped', async () => {
    const db = stack.server.deps.dataSource;
    await grantOperator(stack, '13400000001', 'admin');
    const admin = await signIn(stack.client, '13400000001');
    const owner = await signIn(stack.client, '13400000002');
    const sid = await sponsorWithBudget(stack.client, admin.token, '13400000002', 100_000);
    const aid = await publishedActivity(stack.client, owner.token, sid, activityRequest(new Date(), { title: '大广播' }));
    // The sponsors' own people take part: the audience "eligible, not joined" is exactly the 500 seeded.
    for (const person of [admin, owner]) await stack.client.post(`/api/v1/activities/${aid}/checkin`, undefined, { token: person.token, idempotencyKey: true });
    const users = await seedUsers(stack, 500, '1340100');
    const optedOut = users.slice(0, 20);
    const capped = users.slice(20, 40);
    for (const user of optedOut) expect((await stack.client.put('/api/v1/me/message-settings', { activityMessages: false }, { token: user.token })).status).toBe(200);
    // The capped have had their 3 activity messages today from another sponsor's activity: a reward and two broadcasts.
    const otherSid = await sponsorWithBudget(stack.client, admin.token, '13400000003', 10_000);
    const otherOwner = await signIn(stack.client, '13400000003');
    const otherAid = await publishedActivity(stack.client, otherOwner.token, otherSid, activityRequest(new Date(), { title: '别家活动' }));
    await stack.client.post(`/api/v1/activities/${aid}/checkin`, undefined, { token: otherOwner.token, idempotencyKey: true });
    for (const user of capped) await stack.client.post(`/api/v1/activities/${otherAid}/checkin`, undefined, { token: user.token, idempotencyKey: true });
    for (const text of ['一', '二'])
      await stack.client.post(
        `/api/v1/sponsors/${otherSid}/activities/${otherAid}/broadcasts`,
        { template: text, audience: 'participants' },
        { token: otherOwner.token, idempotencyKey: true },
      );
    await stack.server.services.activities.messages.sendDueBroadcasts();
    const rowsOf = async (activityId: string) =>
      (await db.query('SELECT recipient, status FROM outbox WHERE activity_id = ?', [activityId])) as Array<{ recipient: string; status: string }>;
    expect((await rowsOf(otherAid)).filter((r) => capped.some((u) => u.phone === r.recipient))).toHaveLength(60);

    // Nothing reaches the provider until the broadcast is written: a kill between a send and its
    // record would resend one SMS (the outbox is at-least-once), which is not what this tests.
    await stack.sim.setFaults({ errorRate: 1 });
    const first = await spawnServer(stack.config, jobs);
    processes.push(first);
    const sent = await stack.client.post(
      `/api/v1/sponsors/${sid}/activities/${aid}/broadcasts`,
      { template: '{nickname}，{activity}等你来', audience: 'eligible_not_joined' },
      { token: owner.token, idempotencyKey: true },
    );
    expect(sent.body).toEqual({ id: expect.any(String), recipients: 500 });
    const writtenAtKill = await eventually('the first batches', async () => {
      const n = (await rowsOf(aid)).length;
      return n > 0 ? n : null;
    });
    await first.kill();
    const [midway] = await db.query('SELECT status FROM broadcasts WHERE id = ?', [sent.body.id]);
    expect({ status: midway.status, midway: writtenAtKill < 460 }).toEqual({ status: 'sending', midway: true });

    const second = await spawnServer(stack.config, jobs);
    processes.push(second);
    await eventually('the broadcast to finish', async () => (await db.query('SELECT status FROM broadcasts WHERE id = ?', [sent.body.id]))[0].status === 'done', 60_000);
    await stack.sim.setFaults({});
    await eventually('every message delivered', async () => (await rowsOf(aid)).every((r) => r.status === 'sent'), 60_000);

    const rows: Array<{ recipient: string }> = await db.query('SELECT recipient FROM outbox WHERE activity_id = ? AND template = ?', [aid, `activity_broadcast:${aid}`]);
    const expected = users
      .slice(40)
      .map((u: SeededUser) => u.phone)
      .sort();
    expect(rows.map((r) => r.recipient).sort()).toEqual(expected);
    const delivered = (await stack.sim.listMessages()).filter((m) => m.text.endsWith('大广播等你来'));
    expect(delivered.map((m) => m.to).sort()).toEqual(expected);
    const skips: Array<{ reason: string; n: string }> = await db.query(
      'SELECT reason, COUNT(*) AS n FROM activity_message_skips WHERE activity_id = ? GROUP BY reason ORDER BY reason',
      [aid],
    );
    expect(skips.map((s) => [s.reason, Number(s.n)])).toEqual([
      ['opted_out', 20],
      ['over_cap', 20],
    ]);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/report`, { token: owner.token })).body.messages).toMatchObject({ sent: 460 + 3, optedOut: 20 });
  }, 180_000);
});
