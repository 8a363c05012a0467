import { connect } from 'node:net';
import { newNonce, signedRequestHeaders } from '../carrier/signing';
import { createCarrierSimAdmin } from './admin-client';
import { derivePlan } from './plans';
import { CarrierSim, startCarrierSim } from './sim';

const SECRET = 'sim-test-secret';
const PHONE = '13512345678';
let nowMs = Date.parse('2025-03-31T15:00:00Z'); // 23:00 on 31 March in Shanghai
let sim: CarrierSim;

beforeAll(async () => {
  sim = await startCarrierSim({ port: 0, secret: SECRET, messageProviderSecret: 'sim-test-provider-secret', clock: () => nowMs });
});
afterAll(() => sim.close());
beforeEach(() => createCarrierSimAdmin(sim.url).reset());

async function signedPost(path: string, rawBody: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = signedRequestHeaders(SECRET, { method: 'POST', pathWithQuery: path, timestampMs: nowMs, nonce: newNonce(), rawBody });
  const response = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body: rawBody });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function errorCode(answer: { body: Record<string, unknown> }): unknown {
  return (answer.body.error as { code?: unknown } | undefined)?.code;
}

describe('the carrier simulator', () => {
  it('answers 400 to a body that is not JSON', async () => {
    const answer = await signedPost('/plans/query', '{"phone": ');
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('INVALID_JSON');
  });

  it('answers 413 to a body over 64 KB without reading it', async () => {
    const answer = await signedPost('/sms/send', JSON.stringify({ to: PHONE, text: 'x'.repeat(70 * 1024) }));
    expect(answer.status).toBe(413);
    expect(await createCarrierSimAdmin(sim.url).listMessages()).toEqual([]);
  });

  it('answers 404 to unknown paths and methods', async () => {
    expect((await signedPost('/plans/unknown', '{}')).status).toBe(404);
    expect((await fetch(`${sim.url}/plans/query`)).status).toBe(404);
    expect((await fetch(`${sim.url}/admin/nothing`)).status).toBe(404);
    expect((await signedPost('/constructor', '{}')).status).toBe(404);
  });

  it('answers 400 to invalid numbers and amounts, and deducts nothing', async () => {
    expect((await signedPost('/plans/query', JSON.stringify({ phone: '12012345678' }))).status).toBe(400);
    for (const amountMb of [0, -1, 1.5, '100', null]) {
      const answer = await signedPost('/plans/deduct', JSON.stringify({ requestId: `bad-${String(amountMb)}`, phone: PHONE, amountMb }));
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('VALIDATION_FAILED');
    }
    expect((await signedPost('/plans/deduct', 'null')).status).toBe(400);
    expect(await createCarrierSimAdmin(sim.url).listDeductions()).toEqual([]);
  });

  it('keeps serving after a malformed HTTP request', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(Number(new URL(sim.url).port), '127.0.0.1', () => socket.end('GARBAGE \u0000 HTTP/9\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    expect((await signedPost('/plans/query', JSON.stringify({ phone: PHONE }))).status).toBe(200);
  });

  it('starts a number afresh from its derived plan when the Shanghai month turns', async () => {
    const admin = createCarrierSimAdmin(sim.url);
    await admin.setPlan({ phone: PHONE, totalMb: 10_240, usedMb: 10_000 });
    expect((await signedPost('/plans/deduct', JSON.stringify({ requestId: 'march', phone: PHONE, amountMb: 240 }))).status).toBe(200);
    expect((await signedPost('/plans/query', JSON.stringify({ phone: PHONE }))).body).toMatchObject({ month: '2025-03', remainingMb: 0 });

    nowMs += 60 * 60_000; // midnight in Shanghai: 1 April
    const april = derivePlan(PHONE, '2025-04');
    expect((await signedPost('/plans/query', JSON.stringify({ phone: PHONE }))).body).toMatchObject({
      month: '2025-04',
      totalMb: april.totalMb,
      usedMb: april.usedMb,
    });
  });

  it('refuses an admin plan that uses more than its total', async () => {
    const response = await fetch(`${sim.url}/admin/plans`, {
      method: 'POST',
      body: JSON.stringify({ phone: PHONE, totalMb: 100, usedMb: 101 }),
    });
    expect(response.status).toBe(400);
  });

  it('refuses fault rates outside 0..1', async () => {
    const response = await fetch(`${sim.url}/admin/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 1.5 }) });
    expect(response.status).toBe(400);
  });

  it('repeats the same faults for the same seed', async () => {
    const admin = createCarrierSimAdmin(sim.url);
    const statuses = async (): Promise<number[]> => {
      await admin.setFaults({ errorRate: 0.5, seed: 1234 });
      const answers: number[] = [];
      for (let i = 0; i < 12; i += 1) answers.push((await signedPost('/plans/query', JSON.stringify({ phone: PHONE }))).status);
      return answers;
    };
    const first = await statuses();
    expect(first).toEqual(await statuses());
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });

  it('lists deductions by number, failed ones included', async () => {
    await createCarrierSimAdmin(sim.url).setPlan({ phone: PHONE, totalMb: 1_000, usedMb: 0 });
    await signedPost('/plans/deduct', JSON.stringify({ requestId: 'a', phone: PHONE, amountMb: 600 }));
    await signedPost('/plans/deduct', JSON.stringify({ requestId: 'b', phone: PHONE, amountMb: 600 }));
    await signedPost('/plans/deduct', JSON.stringify({ requestId: 'c', phone: '13612345678', amountMb: 1 }));
    const items = await createCarrierSimAdmin(sim.url).listDeductions(PHONE);
    expect(items.map((d) => [d.requestId, d.amountMb, d.status])).toEqual([
      ['a', 600, 'succeeded'],
      ['b', 600, 'failed'],
    ]);
    expect(items[0].at).toBe(new Date(nowMs).toISOString());
  });
});

describe('closing the simulator', () => {
  it('releases answers held by a timeout fault at once', async () => {
    const own = await startCarrierSim({ port: 0, secret: SECRET, messageProviderSecret: 'sim-test-provider-secret' });
    await createCarrierSimAdmin(own.url).setFaults({ timeoutRate: 1 });
    const rawBody = JSON.stringify({ phone: PHONE });
    const held = fetch(`${own.url}/plans/query`, { method: 'POST', headers: signedRequestHeaders(SECRET, { method: 'POST', pathWithQuery: '/plans/query', timestampMs: Date.now(), nonce: newNonce(), rawBody }), body: rawBody });
    const outcome = held.then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));

    const startedMs = Date.now();
    await own.close();
    expect(await outcome).toBe('dropped');
    expect(Date.now() - startedMs).toBeLessThan(1_000);
  });
});
