import { manualClock } from '../../platform/clock';
import { startServer, type RunningServer } from '../../server';
import { eventually } from '../../test-support/eventually';
import { signIn, type CallOptions } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { activityRequest, grantOperator, publishedActivity, sponsorWithBudget } from '../../test-support/sponsors';
import { auditLedger } from '../ledger/audit';
import { inTransaction } from '../../db/sql';
import { LEDGER_REGISTRY } from '../../ledger-registrations';
import { shanghaiDay } from '@liuliang/shared';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const ROOM = 'room-rain@chatroom';

describe('红包雨 (red packet rain)', () => {
  // The schedulers' clock: the drops and expiries move with it, never with a sleep.
  const clock = manualClock(new Date());
  let stack: TestStack;
  /** A second server on the same database and Redis: another process's scheduler, in this one. */
  let twin: RunningServer;
  let admin: string;
  const member = { phone: '13700000031', contactId: 'wx-rain-member', token: '' };

  const bot = (options: CallOptions = {}, actingContactId?: string): CallOptions => ({
    ...options,
    headers: { authorization: `Bot ${stack.config.BOT_TOKEN}`, ...(actingContactId ? { 'x-acting-contact': actingContactId } : {}) },
  });
  const db = () => stack.server.deps.dataSource;
  const count = async (sql: string, params: unknown[]) => Number((await db().query(sql, params))[0].n);
  const balanceOf = async (code: string) => Number((await db().query('SELECT balance_mb FROM accounts WHERE code = ?', [code]))[0]?.balance_mb ?? 0);
  const expectAuditClean = async () => expect(await auditLedger(db().manager, LEDGER_REGISTRY)).toEqual([]);
  const dropOnBoth = () =>
    Promise.all([stack.server.services.rain.dropDueRain(), twin.services.rain.dropDueRain(), stack.server.services.rain.dropDueRain(), twin.services.rain.dropDueRain()]);

  /** A rain activity of a fresh sponsor (budget 10 000 MB), published; its window opened 10 minutes ago. */
  async function publishedRain(ownerPhone: string, rain: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
    const owner = await signIn(stack.client, ownerPhone);
    const sid = await sponsorWithBudget(stack.client, admin, ownerPhone, 10_000);
    const request = activityRequest(new Date(clock.now().getTime() - 9 * MINUTE_MS), { type: 'red_packet_rain', title: '整点红包雨', budgetMb: 1000, rain, ...overrides });
    const aid = await publishedActivity(stack.client, owner.token, sid, request);
    return { sid, aid, owner: owner.token };
  }

  beforeAll(async () => {
    stack = await startTestStack({ SMS_CODE_RESEND_SECONDS: 0 }, clock);
    twin = await startServer(stack.config, clock);
    await grantOperator(stack, '13700000001', 'admin');
    admin = (await signIn(stack.client, '13700000001')).token;
    // The bot reports the room (so a rain may choose it), and the member binds their chat contact.
    expect((await stack.client.put(`/api/v1/bot/rooms/${encodeURIComponent(ROOM)}/members`, { contactIds: [member.contactId, 'wx-rain-lurker'] }, bot())).status).toBe(200);
    member.token = (await signIn(stack.client, member.phone)).token;
    await stack.client.post('/api/v1/auth/sms-code', { phone: member.phone }, bot({ idempotencyKey: true }));
    const code = /(\d{6})/.exec((await stack.client.get(`/api/v1/dev/outbox?to=${member.phone}`)).body.items[0].text)![1];
    expect((await stack.client.post('/api/v1/bot/bindings', { contactId: member.contactId, phone: member.phone, code }, bot({ idempotencyKey: true }))).status).toBe(200);
  });
  afterAll(async () => {
    await twin.close();
    await stack.close();
  });

  it('drops each scheduled time exactly once while two server processes and two in-process schedulers sweep', async () => {
    const start = clock.now().getTime();
    // Drop 0 is already due by every clock; drop 1 is due in an hour of the injected clock.
    const rain = { times: [new Date(start - 5 * MINUTE_MS).toISOString(), new Date(start + HOUR_MS).toISOString()], roomIds: [ROOM], count: 5, totalMb: 100 };
    const other: ServerProcess = await spawnServer(stack.config, { JOBS_ENABLED: true, JOB_INTERVAL_MS: 3_000, LOG_LEVEL: 'warn' });
    let aid = '';
    try {
      ({ aid } = await publishedRain('13700000002', rain));
      // The spawned process's scheduler (its jobs on, on the real clock) finds drop 0 due.
      await eventually('the other process to drop the first rain', async () => (await count('SELECT COUNT(*) AS n FROM activity_rain_drops WHERE activity_id = ?', [aid])) > 0);
      await dropOnBoth();
      expect(await count(`SELECT COUNT(*) AS n FROM red_packets WHERE funder_id = ?`, [aid])).toBe(2);

      clock.advanceMs(HOUR_MS);
      const settled = await dropOnBoth();
      expect(settled.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await other.stop();
    }
    expect(await db().query('SELECT drop_index, status, funded_mb FROM activity_rain_drops WHERE activity_id = ? ORDER BY drop_index', [aid])).toEqual([
      { drop_index: 0, status: 'dropped', funded_mb: '200' },
      { drop_index: 1, status: 'dropped', funded_mb: '200' },
    ]);
    // A packet on the page and one in the room at each time, each of 5 shares and 100 MB, paid by the escrow.
    const packets: Array<{ room_id: string | null; count: number; total_mb: string; sender_id: string | null }> = await db().query(
      'SELECT room_id, count, total_mb, sender_id FROM red_packets WHERE funder_id = ? ORDER BY seq',
      [aid],
    );
    expect(packets.map((p) => [p.room_id, Number(p.count), Number(p.total_mb), p.sender_id])).toEqual([
      [null, 5, 100, null],
      [ROOM, 5, 100, null],
      [null, 5, 100, null],
      [ROOM, 5, 100, null],
    ]);
    expect(await balanceOf(`escrow:activity:${aid}`)).toBe(1000 - 400);
    // The bot is told to post each room drop, in the sponsor's name.
    const posts: Array<{ text: string }> = await db().query(`SELECT text FROM outbox WHERE recipient = ? AND template = ?`, [`room:${ROOM}`, `activity_rain:${aid}`]);
    expect(posts).toHaveLength(2);
    expect(posts[0].text).toMatch(/^【赞助商0002赞助】红包雨来了！/);
    await expectAuditClean();
  });

  it('shows open packets on the page to grab, lets room members grab with 抢, and returns what they leave to the escrow, then the rest to the budget once', async () => {
    const { sid, aid, owner } = await publishedRain('13700000003', { times: [new Date(clock.now().getTime() - MINUTE_MS).toISOString()], roomIds: [ROOM], count: 3, totalMb: 30 });
    await dropOnBoth();
    const page = (await stack.client.get(`/api/v1/activities/${aid}`, { token: member.token })).body;
    expect(page.rain).toMatchObject({ count: 3, totalMb: 30, roomIds: [], drops: [{ status: 'dropped' }] });
    expect(page.rain.openPackets).toEqual([expect.objectContaining({ count: 3, totalMb: 30, remainingCount: 3, grabbed: false })]);
    const pagePacket = page.rain.openPackets[0].id;
    const grabbed = await stack.client.post(`/api/v1/red-packets/${pagePacket}/grab`, {}, { token: member.token, idempotencyKey: true });
    expect(grabbed.status).toBe(200);
    expect((await stack.client.get(`/api/v1/activities/${aid}`, { token: member.token })).body.rain.openPackets[0]).toMatchObject({
      id: pagePacket,
      grabbed: true,
      remainingCount: 2,
    });
    const packet = (await stack.client.get(`/api/v1/red-packets/${pagePacket}`, { token: member.token })).body;
    expect(packet).toMatchObject({ senderId: null, senderNickname: '赞助商0003', greeting: '【赞助商0003赞助】整点红包雨' });
    // In the room, 抢 through the bot takes the room's newest open packet: the rain's.
    const inRoom = await stack.client.post(`/api/v1/bot/rooms/${encodeURIComponent(ROOM)}/grab`, {}, bot({ idempotencyKey: true }, member.contactId));
    expect(inRoom.status).toBe(200);
    const takenMb = grabbed.body.amountMb + inRoom.body.amountMb;
    expect((await stack.client.get('/api/v1/wallet', { token: member.token })).body.balanceMb).toBeGreaterThanOrEqual(takenMb);

    clock.advanceMs(25 * HOUR_MS);
    await Promise.all([stack.server.services.redPackets.refundExpiredPackets(), twin.services.redPackets.refundExpiredPackets()]);
    expect(
      await count(`SELECT COUNT(*) AS n FROM transfers WHERE kind = 'red_packet_refund' AND to_account_id = (SELECT id FROM accounts WHERE code = ?)`, [`escrow:activity:${aid}`]),
    ).toBe(2);
    expect(await balanceOf(`escrow:activity:${aid}`)).toBe(1000 - takenMb);
    const seen = (await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}`, { token: owner })).body;
    expect(seen).toMatchObject({ paidMb: takenMb, remainingMb: 1000 - takenMb, rain: { roomIds: [ROOM], openPackets: [] } });
    const report = (await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/report`, { token: owner })).body;
    expect(report).toMatchObject({ budgetMb: 1000, spentMb: takenMb, remainingMb: 1000 - takenMb, escrowMb: 1000 - takenMb, returnedMb: 0 });
    await expectAuditClean();

    const ends = await Promise.all([1, 2].map(() => stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/end`, undefined, { token: owner, idempotencyKey: true })));
    expect(ends.map((e) => e.status)).toEqual([200, 200]);
    const returns: Array<{ amount_mb: string }> = await db().query(`SELECT amount_mb FROM transfers WHERE kind = 'activity_return' AND ref_id = ?`, [aid]);
    expect(returns.map((r) => Number(r.amount_mb))).toEqual([1000 - takenMb]);
    expect((await stack.client.get('/api/v1/sponsors/mine', { token: owner })).body.items[0].budgetMb).toBe(10_000 - takenMb);
    await expectAuditClean();
  });

  it('passes leftovers that come back after the end on to the budget, exactly once', async () => {
    const start = clock.now().getTime();
    const { sid, aid, owner } = await publishedRain(
      '13700000004',
      { times: [new Date(start - MINUTE_MS).toISOString()], count: 4, totalMb: 80 },
      { endsAt: new Date(start + 2 * HOUR_MS).toISOString() },
    );
    await dropOnBoth();
    const [open] = (await stack.client.get(`/api/v1/activities/${aid}`, { token: member.token })).body.rain.openPackets;
    // A packet never outlives its activity: the escrow's data is only known to last that long.
    expect(open.expiresAt).toBe(new Date(start + 2 * HOUR_MS).toISOString());
    const grabbed = await stack.client.post(`/api/v1/red-packets/${open.id}/grab`, {}, { token: member.token, idempotencyKey: true });
    expect(grabbed.status).toBe(200);

    // Ended with the packet still open: the end returns what the escrow holds, not the packet.
    expect((await stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/end`, undefined, { token: owner, idempotencyKey: true })).status).toBe(200);
    expect(await balanceOf(`escrow:activity:${aid}`)).toBe(0);
    expect((await stack.client.get('/api/v1/sponsors/mine', { token: owner })).body.items[0].budgetMb).toBe(10_000 - 80);
    await expectAuditClean();

    clock.advanceMs(3 * HOUR_MS);
    await Promise.all([
      stack.server.services.redPackets.refundExpiredPackets(),
      twin.services.redPackets.refundExpiredPackets(),
      stack.server.services.redPackets.refundExpiredPackets(),
    ]);
    const returns: Array<{ amount_mb: string }> = await db().query(`SELECT amount_mb FROM transfers WHERE kind = 'activity_return' AND ref_id = ? ORDER BY id`, [aid]);
    expect(returns.map((r) => Number(r.amount_mb))).toEqual([1000 - 80, 80 - grabbed.body.amountMb]);
    expect(await balanceOf(`escrow:activity:${aid}`)).toBe(0);
    expect((await stack.client.get('/api/v1/sponsors/mine', { token: owner })).body.items[0].budgetMb).toBe(10_000 - grabbed.body.amountMb);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}`, { token: owner })).body).toMatchObject({ status: 'ended', paidMb: grabbed.body.amountMb });
    await expectAuditClean();
  });

  it('skips the drops due while the activity is paused, and does not rain them on resume', async () => {
    const start = clock.now().getTime();
    const { sid, aid, owner } = await publishedRain('13700000005', { times: [new Date(start + MINUTE_MS).toISOString()], count: 2, totalMb: 20 });
    expect((await stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/pause`, undefined, { token: owner })).status).toBe(200);
    clock.advanceMs(2 * MINUTE_MS);
    await dropOnBoth();
    expect((await stack.client.post(`/api/v1/sponsors/${sid}/activities/${aid}/resume`, undefined, { token: owner })).status).toBe(200);
    await dropOnBoth();
    expect(await db().query('SELECT status, skip_reason, funded_mb FROM activity_rain_drops WHERE activity_id = ?', [aid])).toEqual([
      { status: 'skipped', skip_reason: 'paused', funded_mb: '0' },
    ]);
    expect(await count('SELECT COUNT(*) AS n FROM red_packets WHERE funder_id = ?', [aid])).toBe(0);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}`, { token: owner })).body).toMatchObject({ paidMb: 0, rain: { drops: [{ status: 'skipped' }] } });
    expect(await balanceOf(`escrow:activity:${aid}`)).toBe(1000);
    await expectAuditClean();
  });

  it('records a drop the escrow cannot pay whole as skipped, and pays none of it', async () => {
    const start = clock.now().getTime();
    const { sid, aid, owner } = await publishedRain('13700000006', { times: [new Date(start + MINUTE_MS).toISOString()], count: 5, totalMb: 50 });
    // The escrow holds less than a drop: as if most of the budget had gone back (budget and books moved together, so the audit holds).
    await inTransaction(db(), async (sql) => {
      await sql.query('UPDATE activities SET budget_mb = 49 WHERE id = ?', [aid]);
      await stack.server.deps.ledger.transfer(sql, {
        fromCode: `escrow:activity:${aid}`,
        toCode: `escrow:sponsor:${sid}`,
        amountMb: 951,
        kind: 'activity_return',
        ref: { type: 'activity', id: aid },
      });
    });
    await expectAuditClean();
    clock.advanceMs(2 * MINUTE_MS);
    await dropOnBoth();
    expect(await db().query('SELECT status, skip_reason, funded_mb FROM activity_rain_drops WHERE activity_id = ?', [aid])).toEqual([
      { status: 'skipped', skip_reason: 'budget', funded_mb: '0' },
    ]);
    expect(await count('SELECT COUNT(*) AS n FROM red_packets WHERE funder_id = ?', [aid])).toBe(0);
    expect(await balanceOf(`escrow:activity:${aid}`)).toBe(49);
    expect((await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}`, { token: owner })).body).toMatchObject({ paidMb: 0, remainingMb: 49 });
    await expectAuditClean();
  });
  it("keeps a targeted rain's page packets to those the targeting lets in, even when an outsider grabs by the packet's id", async () => {
    const start = clock.now().getTime();
    // Targeted at the newcomer's carrier, which is not the member's.
    const newcomer = await signIn(stack.client, '13300000041');
    const carrierOf = async (token: string) => (await stack.client.get('/api/v1/me', { token })).body.carrier;
    const carrier = await carrierOf(newcomer.token);
    expect(await carrierOf(member.token)).not.toBe(carrier);
    const { aid } = await publishedRain('13700000007', { times: [new Date(start - MINUTE_MS).toISOString()], count: 2, totalMb: 20 }, { targeting: { carriers: [carrier] } });
    await dropOnBoth();
    const [open] = (await stack.client.get(`/api/v1/activities/${aid}`, { token: newcomer.token })).body.rain.openPackets;
    expect((await stack.client.get(`/api/v1/activities/${aid}`, { token: member.token })).status).toBe(404);
    const walletBefore = (await stack.client.get('/api/v1/wallet', { token: member.token })).body.balanceMb;
    const outsider = await stack.client.post(`/api/v1/red-packets/${open.id}/grab`, {}, { token: member.token, idempotencyKey: true });
    expect([outsider.status, outsider.body.error?.code]).toEqual([403, 'NOT_ELIGIBLE']);
    expect((await stack.client.get('/api/v1/wallet', { token: member.token })).body.balanceMb).toBe(walletBefore);
    expect(await count('SELECT COUNT(*) AS n FROM red_packet_grabs WHERE packet_id = ?', [open.id])).toBe(0);
    const insider = await stack.client.post(`/api/v1/red-packets/${open.id}/grab`, {}, { token: newcomer.token, idempotencyKey: true });
    expect(insider.status).toBe(200);
    await expectAuditClean();
  });

  it("reports a rain's grabs as its rewards: distinct grabbers, one reward a grab, each day the Shanghai day of the grab", async () => {
    const start = clock.now().getTime();
    // The second drop falls half an hour into the next Asia/Shanghai day.
    const nextShanghaiMidnight = Date.parse(`${shanghaiDay(new Date(start + 24 * HOUR_MS))}T00:00:00+08:00`);
    const second = nextShanghaiMidnight + 30 * MINUTE_MS;
    const { sid, aid, owner } = await publishedRain('13700000008', { times: [new Date(start - MINUTE_MS).toISOString(), new Date(second).toISOString()], count: 3, totalMb: 30 });
    const friend = await signIn(stack.client, '13300000042');
    const report = async () => {
      const answer = await stack.client.get(`/api/v1/sponsors/${sid}/activities/${aid}/report`, { token: owner });
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const grabOpen = async (token: string) => {
      const [open] = (await stack.client.get(`/api/v1/activities/${aid}`, { token })).body.rain.openPackets;
      const grabbed = await stack.client.post(`/api/v1/red-packets/${open.id}/grab`, {}, { token, idempotencyKey: true });
      expect(grabbed.status).toBe(200);
      return grabbed.body.amountMb as number;
    };

    await dropOnBoth();
    expect(await report()).toMatchObject({ participants: 0, rewards: 0, byDay: [], spentMb: 30, remainingMb: 970 });
    const firstDay = [await grabOpen(member.token), await grabOpen(friend.token)];
    clock.advanceMs(second - start + MINUTE_MS);
    await dropOnBoth();
    const secondDay = await grabOpen(member.token);

    const seen = await report();
    expect(seen).toMatchObject({
      budgetMb: 1000,
      participants: 2,
      rewards: 3,
      byDay: [
        { date: shanghaiDay(new Date(start)), spentMb: firstDay[0] + firstDay[1], participants: 2 },
        { date: shanghaiDay(new Date(second + MINUTE_MS)), spentMb: secondDay, participants: 1 },
      ],
    });
    // Both drops left the escrow (their packets are still open); spent and remaining still make the budget.
    expect(seen.spentMb).toBe(60);
    expect(seen.spentMb + seen.remainingMb).toBe(seen.budgetMb);
    expect(seen.escrowMb).toBe(await balanceOf(`escrow:activity:${aid}`));
    await expectAuditClean();
  });
});
