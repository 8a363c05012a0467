import { createServer, IncomingMessage } from 'node:http';
import { createCarrierSimAdmin, CarrierSimAdmin } from '../carrier-sim/admin-client';
import { derivePlan } from '../carrier-sim/plans';
import { CarrierSim, startCarrierSim } from '../carrier-sim/sim';
import { CarrierGateway, CarrierUnavailableError, createCarrierGateway } from './gateway';
import { signAnswer } from './signing';

const SECRET = 'gateway-test-secret';
const PHONE = '13912345678';
const CLIENT_TIMEOUT_MS = 300;
/** Room for scheduling on a busy CI machine on top of the client's own timeout. */
const TIMEOUT_SLACK_MS = 700;

let sim: CarrierSim;
let admin: CarrierSimAdmin;
let gateway: CarrierGateway;

beforeAll(async () => {
  sim = await startCarrierSim({ port: 0, secret: SECRET, messageProviderSecret: 'gateway-test-provider-secret', clock: () => Date.parse('2025-03-15T04:00:00Z') });
  admin = createCarrierSimAdmin(sim.url);
  gateway = createCarrierGateway({
    baseUrl: sim.url,
    secret: SECRET,
    timeoutMs: CLIENT_TIMEOUT_MS,
    clock: () => Date.parse('2025-03-15T04:00:00Z'),
  });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await admin.reset();
  await admin.setPlan({ phone: PHONE, totalMb: 10_240, usedMb: 1_000 });
});

describe('reading a plan', () => {
  it('reads the plan the carrier derives for a number it has never seen', async () => {
    const phone = '18612345678';
    const derived = derivePlan(phone, '2025-03');
    expect(await gateway.queryPlan(phone)).toEqual({
      phone,
      carrier: 'unicom',
      province: derived.province,
      month: '2025-03',
      totalMb: derived.totalMb,
      usedMb: derived.usedMb,
      remainingMb: derived.totalMb - derived.usedMb,
    });
  });

  it('throws CarrierUnavailableError when the carrier refuses or cannot be reached', async () => {
    await expect(gateway.queryPlan('12345')).rejects.toBeInstanceOf(CarrierUnavailableError);
    const nowhere = createCarrierGateway({ baseUrl: 'http://127.0.0.1:1', secret: SECRET, timeoutMs: CLIENT_TIMEOUT_MS });
    await expect(nowhere.queryPlan(PHONE)).rejects.toBeInstanceOf(CarrierUnavailableError);
  });
});

describe('deducting plan data', () => {
  it('deducts once and reports what is left', async () => {
    const result = await gateway.deduct({ requestId: 'dep-1', phone: PHONE, amountMb: 240 });
    expect(result).toEqual({ outcome: 'succeeded', remainingMb: 9_000 });
    expect((await gateway.queryPlan(PHONE)).usedMb).toBe(1_240);
  });

  it('deducts only once when the same request id comes twice', async () => {
    const first = await gateway.deduct({ requestId: 'dep-twice', phone: PHONE, amountMb: 500 });
    const second = await gateway.deduct({ requestId: 'dep-twice', phone: PHONE, amountMb: 500 });
    expect(second).toEqual(first);
    expect((await admin.listDeductions(PHONE)).map((d) => d.requestId)).toEqual(['dep-twice']);
    expect((await gateway.queryPlan(PHONE)).remainingMb).toBe(10_240 - 1_000 - 500);
  });

  it('rejects a deduction larger than the remaining plan and deducts nothing', async () => {
    const result = await gateway.deduct({ requestId: 'too-much', phone: PHONE, amountMb: 9_241 });
    expect(result).toEqual({ outcome: 'rejected', code: 'PLAN_INSUFFICIENT' });
    expect((await gateway.queryPlan(PHONE)).usedMb).toBe(1_000);
    expect(await gateway.queryDeduction('too-much')).toEqual({ status: 'failed', amountMb: 9_241 });
  });

  it('takes the whole remaining plan, to the last MB', async () => {
    expect(await gateway.deduct({ requestId: 'all', phone: PHONE, amountMb: 9_240 })).toEqual({ outcome: 'succeeded', remainingMb: 0 });
  });

  it('refuses to send a deduction that is not a positive whole number of MB', async () => {
    for (const amountMb of [0, -5, 1.5]) {
      await expect(gateway.deduct({ requestId: 'bad', phone: PHONE, amountMb })).rejects.toThrow(/positive integer/);
    }
    expect(await admin.listDeductions()).toEqual([]);
  });

  it('answers not_found for a request id the carrier never saw', async () => {
    expect(await gateway.queryDeduction('never-sent')).toEqual({ status: 'not_found' });
  });
});

describe('deducting when the carrier misbehaves', () => {
  async function deductTimed(requestId: string): Promise<{ outcome: string; elapsedMs: number }> {
    const startedMs = Date.now();
    const result = await gateway.deduct({ requestId, phone: PHONE, amountMb: 300 });
    return { outcome: result.outcome, elapsedMs: Date.now() - startedMs };
  }

  it('reports unknown within its timeout when the answer is held, and the deduction is found afterwards', async () => {
    await admin.setFaults({ timeoutRate: 1 });
    const { outcome, elapsedMs } = await deductTimed('held');
    expect(outcome).toBe('unknown');
    expect(elapsedMs).toBeLessThan(CLIENT_TIMEOUT_MS + TIMEOUT_SLACK_MS);

    await admin.setFaults({});
    expect(await gateway.queryDeduction('held')).toEqual({ status: 'succeeded', amountMb: 300 });
    expect((await admin.listDeductions(PHONE)).map((d) => [d.requestId, d.status])).toEqual([['held', 'succeeded']]);
    expect((await gateway.queryPlan(PHONE)).usedMb).toBe(1_300);
  });

  it('reports unknown when the connection drops after the work, and the deduction is found afterwards', async () => {
    await admin.setFaults({ lostAnswerRate: 1 });
    const { outcome, elapsedMs } = await deductTimed('lost');
    expect(outcome).toBe('unknown');
    expect(elapsedMs).toBeLessThan(CLIENT_TIMEOUT_MS + TIMEOUT_SLACK_MS);

    await admin.setFaults({});
    expect(await gateway.queryDeduction('lost')).toEqual({ status: 'succeeded', amountMb: 300 });
    expect(await admin.listDeductions(PHONE)).toHaveLength(1);
  });

  it('retrying a deduction whose answer was lost does not deduct again', async () => {
    await admin.setFaults({ lostAnswerRate: 1 });
    expect((await gateway.deduct({ requestId: 'retry', phone: PHONE, amountMb: 300 })).outcome).toBe('unknown');
    await admin.setFaults({});
    expect(await gateway.deduct({ requestId: 'retry', phone: PHONE, amountMb: 300 })).toEqual({
      outcome: 'succeeded',
      remainingMb: 10_240 - 1_300,
    });
    expect(await admin.listDeductions(PHONE)).toHaveLength(1);
  });

  it('reports unknown on a carrier outage and deducts nothing', async () => {
    await admin.setFaults({ errorRate: 1 });
    expect(await gateway.deduct({ requestId: 'outage', phone: PHONE, amountMb: 300 })).toEqual({
      outcome: 'unknown',
      reason: 'carrier answered 503',
    });
    await expect(gateway.queryDeduction('outage')).rejects.toBeInstanceOf(CarrierUnavailableError);

    await admin.setFaults({});
    expect(await gateway.queryDeduction('outage')).toEqual({ status: 'not_found' });
    expect(await admin.listDeductions()).toEqual([]);
  });

  it('throws CarrierUnavailableError from queryDeduction when the answer never comes', async () => {
    await admin.setFaults({ timeoutRate: 1 });
    await expect(gateway.queryDeduction('anything')).rejects.toBeInstanceOf(CarrierUnavailableError);
  });

  it('reports unknown when the latency exceeds its timeout, yet the deduction is done', async () => {
    await admin.setFaults({ latencyMs: CLIENT_TIMEOUT_MS * 2 });
    expect((await gateway.deduct({ requestId: 'slow', phone: PHONE, amountMb: 300 })).outcome).toBe('unknown');
    await admin.setFaults({});
    expect(await gateway.queryDeduction('slow')).toEqual({ status: 'succeeded', amountMb: 300 });
  });
});

/** What a man in the middle (or a fake carrier) sends back: status, extra headers and raw body. */
interface ForgedAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

async function startFakeCarrier(answer: (req: IncomingMessage, rawBody: string) => Promise<ForgedAnswer>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      answer(req, Buffer.concat(chunks).toString('utf8')).then(
        (forged) => res.writeHead(forged.status, { 'content-type': 'application/json', ...forged.headers }).end(forged.body),
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('answers the gateway cannot trust', () => {
  const NOW_MS = Date.parse('2025-03-15T04:00:00Z');
  const succeeded = (requestId: string): string => JSON.stringify({ requestId, status: 'succeeded', amountMb: 300, remainingMb: 1 });

  async function gatewayBehind(fake: { url: string }): Promise<CarrierGateway> {
    return createCarrierGateway({ baseUrl: fake.url, secret: SECRET, timeoutMs: CLIENT_TIMEOUT_MS, clock: () => NOW_MS });
  }

  it('reports unknown, never succeeded, for an unsigned or wrongly signed "ok", and for an unsigned refusal', async () => {
    const answers: Array<(req: IncomingMessage) => ForgedAnswer> = [
      () => ({ status: 200, body: succeeded('forged-ok') }),
      (req) => {
        const request = { method: 'POST', pathWithQuery: req.url ?? '/', nonce: String(req.headers['x-nonce']) };
        const body = succeeded('forged-ok');
        const signature = signAnswer('not-the-carrier-secret', { request, status: 200, timestampMs: NOW_MS, rawBody: body });
        return { status: 200, headers: { 'x-timestamp': String(NOW_MS), 'x-signature': signature }, body };
      },
      // A forged "certainly not deducted" would fail a deposit the carrier may have deducted.
      () => ({ status: 422, body: JSON.stringify({ requestId: 'forged-ok', status: 'failed', code: 'PLAN_INSUFFICIENT' }) }),
    ];
    for (const forge of answers) {
      const fake = await startFakeCarrier(async (req) => forge(req));
      try {
        const result = await (await gatewayBehind(fake)).deduct({ requestId: 'forged-ok', phone: PHONE, amountMb: 300 });
        expect(result).toMatchObject({ outcome: 'unknown', reason: expect.stringMatching(/not trusted/) });
        await expect((await gatewayBehind(fake)).queryDeduction('forged-ok')).rejects.toBeInstanceOf(CarrierUnavailableError);
      } finally {
        await fake.close();
      }
    }
  });

  it('does not take a genuine answer replayed from an earlier exchange', async () => {
    // In the middle: forwards the first query to the carrier, then replays its genuine answer.
    let captured: ForgedAnswer | undefined;
    const fake = await startFakeCarrier(async (req, rawBody) => {
      if (captured) return captured;
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'x-timestamp', 'x-nonce', 'x-signature']) headers[name] = String(req.headers[name]);
      const response = await fetch(`${sim.url}${req.url}`, { method: 'POST', headers, body: rawBody });
      captured = {
        status: response.status,
        headers: { 'x-timestamp': response.headers.get('x-timestamp') ?? '', 'x-signature': response.headers.get('x-signature') ?? '' },
        body: await response.text(),
      };
      return captured;
    });
    try {
      const relayed = await gatewayBehind(fake);
      expect(await relayed.queryDeduction('replayed')).toEqual({ status: 'not_found' });
      expect((await gateway.deduct({ requestId: 'replayed', phone: PHONE, amountMb: 300 })).outcome).toBe('succeeded');
      // The stale "not found" would let a deposit the carrier did deduct be failed.
      await expect(relayed.queryDeduction('replayed')).rejects.toBeInstanceOf(CarrierUnavailableError);
      expect(await gateway.queryDeduction('replayed')).toEqual({ status: 'succeeded', amountMb: 300 });
    } finally {
      await fake.close();
    }
  });
});
