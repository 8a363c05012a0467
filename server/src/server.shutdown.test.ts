import { signIn } from './test-support/http-client';
import { spawnServer, type ServerProcess } from './test-support/processes';
import { startTestStack, type TestStack } from './test-support/stack';
import { SHUTDOWN_AFTER_DRAIN_MS } from './server';

/** Short in the test; production's default is a load balancer's check interval or more. */
const DRAIN_MS = 2_000;
/** Clients sending requests over kept-alive connections at once. */
const CLIENT_LOOPS = 4;
/** How long the load balancer (here: the loops) keeps sending after /readyz first said 503. */
const BALANCER_REACTION_MS = 1_000;

type Outcome = { kind: 'answered'; status: number } | { kind: 'refused' } | { kind: 'reset'; error: string };

/** Refused means the request never reached the service (nothing listens); anything else cut it off. */
async function send(url: string, init?: RequestInit): Promise<Outcome> {
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    return { kind: 'answered', status: response.status };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return { kind: 'refused' };
    return { kind: 'reset', error: `${String(error)} ${code ?? ''}` };
  }
}

describe('a server process stopped with SIGTERM under load', () => {
  let stack: TestStack;
  let server: ServerProcess;

  beforeAll(async () => {
    stack = await startTestStack();
    // Jobs on: the BullMQ worker was what held the exit for ~11 s.
    server = await spawnServer(stack.config, { SHUTDOWN_DRAIN_MS: DRAIN_MS, JOBS_ENABLED: true, JOB_INTERVAL_MS: 1_000, LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await server?.kill();
    await stack?.close();
  });

  it('fails /readyz during the drain, answers every request that reached it, and exits within its bound', async () => {
    await stack.sim.setPlan({ phone: '13800000001', totalMb: 10240, usedMb: 0 });
    const user = await signIn(stack.client, '13800000001');
    const exited = new Promise<{ code: number | null; atMs: number }>((resolve) => server.child.once('exit', (code) => resolve({ code, atMs: Date.now() })));
    let running = true;
    void exited.then(() => (running = false));
    let notReadySinceMs: number | null = null;
    const balancerSends = () => running && (notReadySinceMs === null || Date.now() < notReadySinceMs + BALANCER_REACTION_MS);
    const outcomes: Outcome[] = [];
    const readiness: Array<{ atMs: number; outcome: Outcome }> = [];
    const loops = Array.from({ length: CLIENT_LOOPS }, async () => {
      while (balancerSends()) outcomes.push(await send(`${server.url}/api/v1/wallet`, { headers: { authorization: `Bearer ${user.token}` } }));
    });
    const probing = (async () => {
      while (balancerSends()) {
        const outcome = await send(`${server.url}/readyz`);
        readiness.push({ atMs: Date.now(), outcome });
        if (outcome.kind === 'answered' && outcome.status === 503) notReadySinceMs ??= Date.now();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 500));
    const answeredBefore = outcomes.length;
    const sentAtMs = Date.now();
    server.child.kill('SIGTERM');
    const exit = await exited;
    await Promise.all([...loops, probing]);

    expect(answeredBefore).toBeGreaterThan(0);
    // Every request the balancer sent got an HTTP answer: none reset, none refused.
    expect(outcomes.filter((o) => o.kind !== 'answered')).toEqual([]);
    expect(readiness.filter((r) => r.outcome.kind === 'reset')).toEqual([]);
    // Served through the drain: wallet reads answered 200 after the signal, not refused at once.
    const answeredAfter = outcomes.slice(answeredBefore).filter((o) => o.kind === 'answered' && o.status === 200).length;
    expect(answeredAfter).toBeGreaterThan(CLIENT_LOOPS);
    const duringDrain = readiness.filter((r) => r.atMs > sentAtMs + 100 && r.atMs < sentAtMs + DRAIN_MS - 200).map((r) => r.outcome);
    expect(duringDrain.length).toBeGreaterThan(0);
    expect(duringDrain.every((o) => o.kind === 'answered' && o.status === 503)).toBe(true);
    expect(exit.code).toBe(0);
    expect(exit.atMs - sentAtMs).toBeLessThan(DRAIN_MS + SHUTDOWN_AFTER_DRAIN_MS);
    // What it takes in practice, well inside the bound.
    expect(exit.atMs - sentAtMs).toBeLessThan(DRAIN_MS + 3_000);
  });
});
