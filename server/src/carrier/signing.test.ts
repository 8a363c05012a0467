import { startCarrierSim, CarrierSim } from '../carrier-sim/sim';
import { createCarrierSimAdmin } from '../carrier-sim/admin-client';
import { createCarrierGateway } from './gateway';
import { REPLAY_WINDOW_MS, signBody, signedHeaders, verifySignature } from './signing';

const SECRET = 'test-secret';
const NOW_MS = Date.parse('2025-03-15T04:00:00Z');
const BODY = JSON.stringify({ requestId: 'r-1', phone: '13812345678', amountMb: 100 });

function check(overrides: Partial<Parameters<typeof verifySignature>[0]> = {}): ReturnType<typeof verifySignature> {
  return verifySignature({
    secret: SECRET,
    timestampHeader: String(NOW_MS),
    signatureHeader: signBody(SECRET, NOW_MS, BODY),
    rawBody: BODY,
    nowMs: NOW_MS,
    ...overrides,
  });
}

describe('request signatures', () => {
  it('signs as lowercase hex HMAC-SHA256 of "timestamp.body"', () => {
    // Reference value from outside Node: printf '1700000000000.{}' | openssl dgst -sha256 -hmac k
    expect(signBody('k', 1_700_000_000_000, '{}')).toBe('eec42247bc49c051fec352ebafa4f9b4ed1189fd7fef74e33988666a2c97b905');
    expect(signBody('k', 1_700_000_000_000, '{}')).not.toBe(signBody('k', 1_700_000_000_001, '{}'));
  });

  it('accepts a good signature, also at the edges of the replay window', () => {
    expect(check()).toEqual({ ok: true });
    expect(check({ nowMs: NOW_MS + REPLAY_WINDOW_MS })).toEqual({ ok: true });
    expect(check({ nowMs: NOW_MS - REPLAY_WINDOW_MS })).toEqual({ ok: true });
  });

  it('rejects a tampered body and a wrong secret as BAD_SIGNATURE', () => {
    expect(check({ rawBody: BODY.replace('100', '1000') })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(check({ signatureHeader: signBody('other-secret', NOW_MS, BODY) })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('rejects a missing or malformed signature as BAD_SIGNATURE', () => {
    expect(check({ signatureHeader: undefined })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(check({ signatureHeader: 'zz' })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('rejects stale, future and malformed timestamps as STALE_REQUEST', () => {
    const stale = NOW_MS - REPLAY_WINDOW_MS - 1;
    const future = NOW_MS + REPLAY_WINDOW_MS + 1;
    expect(check({ timestampHeader: String(stale), signatureHeader: signBody(SECRET, stale, BODY) })).toMatchObject({
      ok: false,
      code: 'STALE_REQUEST',
    });
    expect(check({ timestampHeader: String(future), signatureHeader: signBody(SECRET, future, BODY) })).toMatchObject({
      ok: false,
      code: 'STALE_REQUEST',
    });
    for (const timestampHeader of [undefined, '', '-5', '1e12', 'now']) {
      expect(check({ timestampHeader })).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    }
  });
});

describe('the simulator over HTTP', () => {
  const PHONE = '13812345678';
  let sim: CarrierSim;

  beforeAll(async () => {
    sim = await startCarrierSim({ port: 0, secret: SECRET, messageProviderSecret: 'signing-test-provider-secret', clock: () => NOW_MS });
  });
  afterAll(() => sim.close());

  async function post(headers: Record<string, string>, body: string): Promise<{ status: number; code: unknown }> {
    const response = await fetch(`${sim.url}/plans/deduct`, { method: 'POST', headers, body });
    const json = (await response.json()) as { error?: { code?: unknown } };
    return { status: response.status, code: json.error?.code };
  }

  it('answers 401 to a bad signature and deducts nothing', async () => {
    const admin = createCarrierSimAdmin(sim.url);
    await admin.setPlan({ phone: PHONE, totalMb: 10_240, usedMb: 0 });
    const body = JSON.stringify({ requestId: 'forged', phone: PHONE, amountMb: 500 });

    const wrongSecret = await post(signedHeaders('not-the-secret', NOW_MS, body), body);
    const tampered = await post(signedHeaders(SECRET, NOW_MS, body.replace('500', '5000')), body);
    const unsigned = await post({ 'content-type': 'application/json' }, body);

    for (const answer of [wrongSecret, tampered]) expect(answer).toEqual({ status: 401, code: 'BAD_SIGNATURE' });
    expect(unsigned.status).toBe(401);
    expect(await admin.listDeductions(PHONE)).toEqual([]);
    const gateway = createCarrierGateway({ baseUrl: sim.url, secret: SECRET, timeoutMs: 2_000, clock: () => NOW_MS });
    expect((await gateway.queryPlan(PHONE)).usedMb).toBe(0);
    expect(await gateway.queryDeduction('forged')).toEqual({ status: 'not_found' });
  });

  it('answers 401 STALE_REQUEST to a replayed request and the gateway reports it as rejected', async () => {
    const lateClock = (): number => NOW_MS - REPLAY_WINDOW_MS - 1_000;
    const gateway = createCarrierGateway({ baseUrl: sim.url, secret: SECRET, timeoutMs: 2_000, clock: lateClock });
    const result = await gateway.deduct({ requestId: 'late', phone: PHONE, amountMb: 10 });
    expect(result).toEqual({ outcome: 'rejected', code: 'STALE_REQUEST' });
    expect(await createCarrierSimAdmin(sim.url).listDeductions(PHONE)).toEqual([]);
  });
});
