import { io as connect, type Socket } from 'socket.io-client';
import { httpClient, signIn, type Answer } from './test-support/http-client';
import { spawnServer, type ServerProcess } from './test-support/processes';
import { startOwnRedis, type OwnServer } from './test-support/own-services';
import { startTestStack, type TestStack } from './test-support/stack';
import { seedUsers } from './test-support/users';

/** Bound on waiting for the process to see Redis again. */
const RECOVERY_TIMEOUT_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failedAnswer = (): Answer => ({ status: 0, body: null, headers: new Headers() });

/**
 * A server process on a Redis of its own, which dies (SIGKILL) in the middle of a grab storm
 * with live clients listening: the process must live through it and serve again once Redis is
 * back, without a restart.
 */
describe('a server process when Redis dies and comes back', () => {
  let stack: TestStack;
  let redis: OwnServer;
  let server: ServerProcess;
  let sender: { token: string; userId: string };
  let grabbers: Array<{ userId: string; token: string }>;
  let socket: Socket | undefined;

  beforeAll(async () => {
    stack = await startTestStack();
    redis = await startOwnRedis();
    server = await spawnServer(stack.config, { REDIS_URL: redis.url, LOG_LEVEL: 'warn', JOBS_ENABLED: true, JOB_INTERVAL_MS: 2_000 });
    await stack.sim.setPlan({ phone: '13500000000', totalMb: 40960, usedMb: 0 });
    sender = await signIn(stack.client, '13500000000');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 4096 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
    grabbers = await seedUsers(stack, 300, '1350001');
  });
  afterAll(async () => {
    socket?.disconnect();
    await server?.kill();
    await redis?.destroy();
    await stack?.close();
  });

  it('stays alive when Redis is killed mid-storm, reports redis down on /readyz, and serves again once Redis is back', async () => {
    const client = httpClient(server.url);
    const sendPacket = async (count: number) => {
      const answer = await client.post('/api/v1/red-packets', { mode: 'random', totalMb: count * 10, count }, { token: sender.token, idempotencyKey: true });
      expect(answer.status).toBe(201);
      return answer.body.id as string;
    };
    const grab = (packetId: string, token: string) => client.post(`/api/v1/red-packets/${packetId}/grab`, {}, { token, idempotencyKey: true }).catch(failedAnswer);
    const packetId = await sendPacket(100);
    // A live client following the packet: every grab publishes through the adapter's Redis.
    socket = connect(`${server.url}/live`, { auth: { token: sender.token }, transports: ['websocket'] });
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    expect(await socket.emitWithAck('subscribe', { packetId })).toEqual({ ok: true });

    let answered = 0;
    let killing: Promise<void> | null = null;
    const storm = grabbers.slice(0, 200).map(async (g) => {
      const answer = await grab(packetId, g.token);
      if (++answered === 40 && !killing) killing = redis.kill();
      return answer;
    });
    const answers = await Promise.all(storm);
    await killing;
    // Requests keep coming while Redis stays down, long enough for ioredis to give up on them.
    const duringOutage: Answer[] = [];
    const outageEnds = Date.now() + 4_000;
    for (let i = 200; Date.now() < outageEnds; i = (i + 1) % grabbers.length) {
      duringOutage.push(...(await Promise.all([grab(packetId, grabbers[i].token), client.get(`/api/v1/red-packets/${packetId}`, { token: sender.token }).catch(failedAnswer)])));
    }

    if (server.child.exitCode !== null) throw new Error(`the process died with Redis:\n${server.log()}`);
    expect(server.child.signalCode).toBeNull();
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    // Every request got an HTTP answer: none was cut off by a dying process.
    expect([...answers, ...duringOutage].filter((a) => a.status === 0)).toEqual([]);
    // Refused, not failed: the client can tell "not done, try again" from "maybe done".
    expect([...answers, ...duringOutage].filter((a) => a.status === 500)).toEqual([]);
    const refused = duringOutage.filter((a) => a.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => a.body.error.code === 'UNAVAILABLE' && Number(a.headers.get('retry-after')) > 0)).toBe(true);
    const ready = await client.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ redis: 'down', database: 'ok' });

    await redis.restart();
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
    while ((await client.get('/readyz')).status !== 200) {
      if (Date.now() > deadline) throw new Error(`the process did not see Redis again:\n${server.log()}`);
      await sleep(200);
    }
    expect(server.child.exitCode).toBeNull();
    // The same process serves the money path again: a fresh packet is sent and grabbed.
    const afterId = await sendPacket(2);
    const granted = await grab(afterId, grabbers[0].token);
    expect(granted.status).toBe(200);
    expect(granted.body.amountMb).toBeGreaterThan(0);
  });
});
