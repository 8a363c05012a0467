import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { httpClient, signIn, type Answer } from '../../test-support/http-client';
import { spawnServer, type ServerProcess } from '../../test-support/processes';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { advanceableClock } from '../../platform/clock';
import { PENDING_GRAB_GRACE_MS } from './store';

/**
 * Red packets across several real server processes. This file has a Redis database of its own
 * (index 7), so that FLUSHDB here cannot touch what other test files keep in Redis.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/7';
/** The expiry test's server processes run their jobs this often, on their own (real) clocks. */
const JOB_INTERVAL_MS = 300;
/** How often the expiry test looks whether the jobs have expired the packet. */
const STATUS_POLL_MS = 250;
/** Job runs of each process watched after the refund, to see that none refunds again. */
const JOB_RUNS_WATCHED = 5;

describe('red packets across two server processes', () => {
  let stack: TestStack;
  let a: ServerProcess;
  let b: ServerProcess;
  let sender: { token: string; userId: string };
  let grabbers: Array<{ userId: string; token: string }>;
  const redis = new Redis(REDIS_URL);
  /** The in-process server's clock: the orphan sweep it runs is moved past the grace period instead of waiting it out. */
  const clock = advanceableClock();

  beforeAll(async () => {
    stack = await startTestStack({ REDIS_URL }, clock);
    [a, b] = await Promise.all([spawnServer(stack.config, { LOG_LEVEL: 'warn' }), spawnServer(stack.config, { LOG_LEVEL: 'warn' })]);
    await stack.sim.setPlan({ phone: '13900000000', totalMb: 40960, usedMb: 0 });
    sender = await signIn(stack.client, '13900000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 10240 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    grabbers = await seedUsers(stack, 1000, '1390001');
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    redis.disconnect();
    await stack.close();
  });

  const sendPacket = async (totalMb: number, count: number) => {
    const answer = await stack.client.post('/api/v1/red-packets', { mode: 'random', totalMb, count }, { token: sender.token, idempotencyKey: true });
    expect(answer.status).toBe(201);
    return answer.body.id as string;
  };
  const grabVia = (url: string, packetId: string, token: string): Promise<Answer> =>
    httpClient(url).post(`/api/v1/red-packets/${packetId}/grab`, {}, { token, idempotencyKey: true });

  /** What MySQL says was given: the source of truth. */
  const grantsOf = async (packetId: string) => {
    const rows: Array<{ user_id: string; amount_mb: string }> = await stack.server.deps.dataSource.query('SELECT user_id, amount_mb FROM red_packet_grabs WHERE packet_id = ?', [packetId]);
    return { count: rows.length, sumMb: rows.reduce((s, r) => s + Number(r.amount_mb), 0), users: new Set(rows.map((r) => r.user_id)).size };
  };
  const expectExact = async (packetId: string, totalMb: number, count: number) => {
    expect(await grantsOf(packetId)).toEqual({ count, sumMb: totalMb, users: count });
    const packet = (await stack.client.get(`/api/v1/red-packets/${packetId}`, { token: sender.token })).body;
    expect(packet).toMatchObject({ status: 'finished', remainingCount: 0, remainingMb: 0 });
    const [escrow] = await stack.server.deps.dataSource.query('SELECT balance_mb FROM accounts WHERE code = ?', [`escrow:red_packet:${packetId}`]);
    expect(Number(escrow.balance_mb)).toBe(0);
  };

  it('gives exactly 100 shares to 1 000 concurrent grabbers spread over both processes', async () => {
    const packetId = await sendPacket(5000, 100);
    const answers = await Promise.all(grabbers.map((g, i) => grabVia(i % 2 ? a.url : b.url, packetId, g.token)));
    const granted = answers.filter((r) => r.status === 200);
    expect(granted).toHaveLength(100);
    expect(granted.reduce((s, r) => s + r.body.amountMb, 0)).toBe(5000);
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.error.code === 'SOLD_OUT')).toBe(true);
    expect(new Set(granted.map((r) => r.body.rank)).size).toBe(100);
    await expectExact(packetId, 5000, 100);
  });

  it('stays exact when Redis loses its state (FLUSHDB) in the middle of a storm', async () => {
    const packetId = await sendPacket(2000, 100);
    let answered = 0;
    let flushed = false;
    const storm = grabbers.map(async (g, i) => {
      const answer = await grabVia(i % 2 ? a.url : b.url, packetId, g.token);
      if (++answered === 40 && !flushed) {
        flushed = true;
        await redis.flushdb();
      }
      return answer;
    });
    const answers = await Promise.all(storm);
    expect(flushed).toBe(true);
    expect(answers.filter((r) => r.status >= 500)).toEqual([]);
    // Anyone turned away while the state was rebuilt tries once more, as a person would.
    const retries = await Promise.all(answers.map((r, i) => (r.status === 200 ? r : grabVia(a.url, packetId, grabbers[i].token))));
    const granted = new Map<string, number>();
    retries.forEach((r, i) => r.status === 200 && granted.set(grabbers[i].userId, r.body.amountMb));
    expect(granted.size).toBe(100);
    await expectExact(packetId, 2000, 100);
  });

  it('stays exact when a process is killed (SIGKILL) mid-storm and restarted', async () => {
    const packetId = await sendPacket(2000, 100);
    let answered = 0;
    let killing: Promise<void> | null = null;
    const storm = grabbers.map(async (g, i) => {
      const answer = await grabVia(i % 2 ? a.url : b.url, packetId, g.token).catch((): Answer => ({ status: 0, body: null, headers: new Headers() }));
      if (++answered === 30 && !killing) killing = b.kill();
      return answer;
    });
    const answers = await Promise.all(storm);
    await killing;
    expect(answers.some((r) => r.status === 0)).toBe(true);
    b = await spawnServer(stack.config, { LOG_LEVEL: 'warn' });
    // Clients whose request died with the process try again (new key) on a live process.
    const lost = answers.map((r, i) => (r.status === 0 ? i : -1)).filter((i) => i >= 0);
    await Promise.all(lost.map((i) => grabVia(i % 2 ? a.url : b.url, packetId, grabbers[i].token)));
    // Shares Redis handed out whose MySQL write died with the process are finished by the
    // orphan sweep once their grace period is over (a BullMQ job in production).
    clock.advanceMs(PENDING_GRAB_GRACE_MS + 1);
    await stack.server.services.redPackets.settleOrphanGrabs();
    const more = await Promise.all(grabbers.slice(0, 300).map((g) => grabVia(b.url, packetId, g.token)));
    expect(more.filter((r) => r.status >= 500)).toEqual([]);
    await expectExact(packetId, 2000, 100);
  });

  it('delivers grabs made through process B to a socket connected to process A', async () => {
    const packetId = await sendPacket(20, 2);
    const socket: Socket = connect(`${a.url}/live`, { auth: { token: sender.token }, transports: ['websocket'] });
    try {
      const seen: string[] = [];
      socket.on('grabbed', (e: { userId: string }) => seen.push(e.userId));
      const finished = new Promise((resolve) => socket.once('finished', resolve));
      expect(await socket.emitWithAck('subscribe', { packetId })).toEqual({ ok: true });
      await grabVia(b.url, packetId, grabbers[0].token);
      await grabVia(b.url, packetId, grabbers[1].token);
      await finished;
      expect(seen.sort()).toEqual([grabbers[0].userId, grabbers[1].userId].sort());
    } finally {
      socket.disconnect();
    }
  });

  it('refuses a socket without a valid token on every process', async () => {
    for (const url of [a.url, b.url]) {
      const socket = connect(`${url}/live`, { auth: {}, transports: ['websocket'], reconnection: false });
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      socket.disconnect();
      expect(error.message).toBe('UNAUTHENTICATED');
    }
  });
});

describe('red packet expiry with two processes running their jobs', () => {
  let stack: TestStack;
  let processes: ServerProcess[] = [];
  beforeAll(async () => {
    stack = await startTestStack({ REDIS_URL: 'redis://127.0.0.1:6379/8' });
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await stack.close();
  });

  it('refunds what is left exactly once, and answers later grabs with 409 EXPIRED', async () => {
    const jobs = { JOBS_ENABLED: true, JOB_INTERVAL_MS, RED_PACKET_VALID_SECONDS: 3, LOG_LEVEL: 'warn' };
    processes = await Promise.all([spawnServer(stack.config, jobs), spawnServer(stack.config, jobs)]);
    await stack.sim.setPlan({ phone: '13910000000', totalMb: 10240, usedMb: 0 });
    const sender = await signIn(stack.client, '13910000000');
    const friends = await seedUsers(stack, 2, '1391001');
    await stack.client.post('/api/v1/storage/deposits', { amountMb: 1000 }, { token: sender.token, idempotencyKey: true });
    const created = await httpClient(processes[0].url).post('/api/v1/red-packets', { mode: 'equal', perShareMb: 100, count: 5 }, { token: sender.token, idempotencyKey: true });
    const packetId = created.body.id;
    expect((await grabVia(processes[1].url, packetId, friends[0].token)).status).toBe(200);

    const deadline = Date.now() + 30_000;
    let status = 'open';
    while (status === 'open' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
      status = (await stack.client.get(`/api/v1/red-packets/${packetId}`, { token: sender.token })).body.status;
    }
    expect(status).toBe('expired');
    // A few more runs of both processes' jobs (on their own clocks, in other processes, so this
    // waits in real time): still one refund.
    await new Promise((resolve) => setTimeout(resolve, JOB_RUNS_WATCHED * JOB_INTERVAL_MS));
    const refunds = await stack.server.deps.dataSource.query(`SELECT amount_mb FROM transfers WHERE kind = 'red_packet_refund' AND ref_id = ?`, [packetId]);
    expect(refunds.map((r: { amount_mb: string }) => Number(r.amount_mb))).toEqual([400]);
    expect((await stack.client.get('/api/v1/wallet', { token: sender.token })).body.balanceMb).toBe(900);
    for (const p of processes) {
      const late = await grabVia(p.url, packetId, friends[1].token);
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('EXPIRED');
    }
  });

  function grabVia(url: string, packetId: string, token: string) {
    return httpClient(url).post(`/api/v1/red-packets/${packetId}/grab`, {}, { token, idempotencyKey: true });
  }
});
