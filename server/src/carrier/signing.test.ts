import { startCarrierSim, CarrierSim } from '../carrier-sim/sim';
import { createCarrierSimAdmin } from '../carrier-sim/admin-client';
import { createCarrierGateway } from './gateway';
import { NonceCache } from './nonce-cache';
import { newNonce, REPLAY_WINDOW_MS, signAnswer, signedRequestHeaders, signRequest, verifyAnswer, verifyRequest } from './signing';

const SECRET = 'test-secret';
const PROVIDER_SECRET = 'signing-test-provider-secret';
const NOW_MS = Date.parse('2025-03-15T04:00:00Z');
const BODY = JSON.stringify({ requestId: 'r-1', phone: '13812345678', amountMb: 100 });
const NONCE = '00112233445566778899aabbccddeeff';
const TARGET = { method: 'POST', pathWithQuery: '/plans/deduct' };

type RequestCheckInput = Parameters<typeof verifyRequest>[0];

function checkRequest(overrides: Partial<RequestCheckInput> = {}): ReturnType<typeof verifyRequest> {
  return verifyRequest({
    secret: SECRET,
    target: TARGET,
    timestampHeader: String(NOW_MS),
    nonceHeader: NONCE,
    signatureHeader: signRequest(SECRET, { ...TARGET, timestampMs: NOW_MS, nonce: NONCE, rawBody: BODY }),
    rawBody: BODY,
    nowMs: NOW_MS,
    seenNonces: new NonceCache(),
    ...overrides,
  });
}

describe('request signatures', () => {
  it('signs method, path, timestamp, nonce and body as lowercase hex HMAC-SHA256', () => {
    // Reference from outside Node:
    // printf 'request\nPOST\n/plans/query\n1700000000000\n0011…eeff\n{}' | openssl dgst -sha256 -hmac k
    const request = { method: 'POST', pathWithQuery: '/plans/query', timestampMs: 1_700_000_000_000, nonce: NONCE, rawBody: '{}' };
    expect(signRequest('k', request)).toBe('ce6f703913ab7c81d1d66f9439e93519254c1aa58d5357dca52309ca78deeca8');
    for (const changed of [
      { ...request, timestampMs: 1_700_000_000_001 },
      { ...request, method: 'PUT' },
      { ...request, pathWithQuery: '/plans/deduct' },
      { ...request, pathWithQuery: '/plans/query?x=1' },
      { ...request, nonce: newNonce() },
    ]) {
      expect(signRequest('k', changed)).not.toBe(signRequest('k', request));
    }
  });

  it('accepts a good signature, also at the edges of the replay window', () => {
    expect(checkRequest()).toEqual({ ok: true });
    expect(checkRequest({ nowMs: NOW_MS + REPLAY_WINDOW_MS })).toEqual({ ok: true });
    expect(checkRequest({ nowMs: NOW_MS - REPLAY_WINDOW_MS })).toEqual({ ok: true });
  });

  it('rejects a tampered body and a wrong secret as BAD_SIGNATURE', () => {
    expect(checkRequest({ rawBody: BODY.replace('100', '1000') })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    const otherSecret = signRequest('other-secret', { ...TARGET, timestampMs: NOW_MS, nonce: NONCE, rawBody: BODY });
    expect(checkRequest({ signatureHeader: otherSecret })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });

  it('rejects a signed request sent to another path, query or method as BAD_SIGNATURE', () => {
    for (const target of [
      { method: 'POST', pathWithQuery: '/plans/query' },
      { method: 'POST', pathWithQuery: '/plans/deduct?again=1' },
      { method: 'PUT', pathWithQuery: '/plans/deduct' },
    ]) {
      expect(checkRequest({ target })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    }
  });

  it('rejects a missing or malformed signature or nonce as BAD_SIGNATURE', () => {
    expect(checkRequest({ signatureHeader: undefined })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(checkRequest({ signatureHeader: 'zz' })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    for (const nonceHeader of [undefined, '', 'abc', NONCE.toUpperCase()]) {
      expect(checkRequest({ nonceHeader })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    }
  });

  it('rejects stale, future and malformed timestamps as STALE_REQUEST', () => {
    for (const timestampMs of [NOW_MS - REPLAY_WINDOW_MS - 1, NOW_MS + REPLAY_WINDOW_MS + 1]) {
      const signatureHeader = signRequest(SECRET, { ...TARGET, timestampMs, nonce: NONCE, rawBody: BODY });
      expect(checkRequest({ timestampHeader: String(timestampMs), signatureHeader })).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    }
    for (const timestampHeader of [undefined, '', '-5', '1e12', 'now']) {
      expect(checkRequest({ timestampHeader })).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    }
  });

  it('accepts a nonce once inside the window, and again only once its request would be stale anyway', () => {
    const seenNonces = new NonceCache();
    expect(checkRequest({ seenNonces })).toEqual({ ok: true });
    expect(checkRequest({ seenNonces, nowMs: NOW_MS + 1_000 })).toMatchObject({ ok: false, code: 'REPLAYED_REQUEST' });
    expect(checkRequest({ seenNonces, nowMs: NOW_MS + REPLAY_WINDOW_MS })).toMatchObject({ ok: false, code: 'REPLAYED_REQUEST' });
    expect(seenNonces.size).toBe(1);
    // Past the window the timestamp alone refuses it, and the store has let the nonce go.
    expect(checkRequest({ seenNonces, nowMs: NOW_MS + REPLAY_WINDOW_MS + 1 })).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    expect(seenNonces.remember(newNonce(), NOW_MS + REPLAY_WINDOW_MS + 1, NOW_MS + REPLAY_WINDOW_MS + 1)).toBe('fresh');
    expect(seenNonces.size).toBe(1);
  });

  it('does not record the nonce of a forged request', () => {
    const seenNonces = new NonceCache();
    expect(checkRequest({ seenNonces, signatureHeader: 'f'.repeat(64) })).toMatchObject({ code: 'BAD_SIGNATURE' });
    expect(seenNonces.size).toBe(0);
    expect(checkRequest({ seenNonces })).toEqual({ ok: true });
  });

  it('refuses new nonces while its bounded store is full of live ones, rather than forget them', () => {
    const seenNonces = new NonceCache(2);
    expect(seenNonces.remember(newNonce(), NOW_MS, NOW_MS)).toBe('fresh');
    expect(seenNonces.remember(newNonce(), NOW_MS, NOW_MS)).toBe('fresh');
    expect(checkRequest({ seenNonces })).toMatchObject({ ok: false, code: 'REPLAY_STORE_FULL' });
    expect(checkRequest({ seenNonces, nowMs: NOW_MS + REPLAY_WINDOW_MS + 1, timestampHeader: String(NOW_MS + 1), signatureHeader: signRequest(SECRET, { ...TARGET, timestampMs: NOW_MS + 1, nonce: NONCE, rawBody: BODY }) })).toEqual({ ok: true });
    expect(seenNonces.size).toBe(1);
  });
});

describe('answer signatures', () => {
  const request = { method: 'POST', pathWithQuery: '/plans/query', nonce: NONCE };
  const checkAnswer = (overrides: Partial<Parameters<typeof verifyAnswer>[0]> = {}): ReturnType<typeof verifyAnswer> =>
    verifyAnswer({
      secret: SECRET,
      request,
      status: 200,
      timestampHeader: String(NOW_MS),
      signatureHeader: signAnswer(SECRET, { request, status: 200, timestampMs: NOW_MS, rawBody: '{}' }),
      rawBody: '{}',
      nowMs: NOW_MS,
      ...overrides,
    });

  it('signs the request it answers, its status, timestamp and body', () => {
    // printf 'answer\nPOST\n/plans/query\n0011…eeff\n200\n1700000000001\n{}' | openssl dgst -sha256 -hmac k
    expect(signAnswer('k', { request, status: 200, timestampMs: 1_700_000_000_001, rawBody: '{}' })).toBe(
      '83a357dbfa9bf05027a0bdbb0e24240f85766172153b99823fdd173f2d71c01e',
    );
  });

  it('accepts only an answer signed for this very request, status and body', () => {
    expect(checkAnswer()).toEqual({ ok: true });
    expect(checkAnswer({ request: { ...request, nonce: newNonce() } })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(checkAnswer({ status: 201 })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(checkAnswer({ rawBody: '{"x":1}' })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(checkAnswer({ signatureHeader: null })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(checkAnswer({ nowMs: NOW_MS + REPLAY_WINDOW_MS + 1 })).toMatchObject({ ok: false, code: 'STALE_REQUEST' });
    // A request's signature never passes for an answer's.
    const asRequest = signRequest(SECRET, { ...request, timestampMs: NOW_MS, rawBody: '{}' });
    expect(checkAnswer({ signatureHeader: asRequest })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
  });
});

describe('the simulator over HTTP', () => {
  const PHONE = '13812345678';
  let sim: CarrierSim;

  beforeAll(async () => {
    sim = await startCarrierSim({ port: 0, secret: SECRET, messageProviderSecret: PROVIDER_SECRET, clock: () => NOW_MS });
  });
  afterAll(() => sim.close());

  async function post(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; code: unknown }> {
    const response = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body });
    const json = (await response.json()) as { error?: { code?: unknown } };
    return { status: response.status, code: json.error?.code };
  }
  const headersFor = (secret: string, path: string, body: string, timestampMs = NOW_MS): Record<string, string> =>
    signedRequestHeaders(secret, { method: 'POST', pathWithQuery: path, timestampMs, nonce: newNonce(), rawBody: body });

  it('answers 401 to a bad signature and deducts nothing', async () => {
    const admin = createCarrierSimAdmin(sim.url);
    await admin.setPlan({ phone: PHONE, totalMb: 10_240, usedMb: 0 });
    const body = JSON.stringify({ requestId: 'forged', phone: PHONE, amountMb: 500 });

    const wrongSecret = await post('/plans/deduct', headersFor('not-the-secret', '/plans/deduct', body), body);
    const tampered = await post('/plans/deduct', headersFor(SECRET, '/plans/deduct', body.replace('500', '5000')), body);
    const otherPath = await post('/plans/deduct', headersFor(SECRET, '/plans/query', body), body);
    const unsigned = await post('/plans/deduct', { 'content-type': 'application/json' }, body);

    for (const answer of [wrongSecret, tampered, otherPath]) expect(answer).toEqual({ status: 401, code: 'BAD_SIGNATURE' });
    expect(unsigned.status).toBe(401);
    expect(await admin.listDeductions(PHONE)).toEqual([]);
    const gateway = createCarrierGateway({ baseUrl: sim.url, secret: SECRET, timeoutMs: 2_000, clock: () => NOW_MS });
    expect((await gateway.queryPlan(PHONE)).usedMb).toBe(0);
    expect(await gateway.queryDeduction('forged')).toEqual({ status: 'not_found' });
  });

  it('answers 401 STALE_REQUEST to a request signed outside the window and does nothing', async () => {
    const body = JSON.stringify({ requestId: 'late', phone: PHONE, amountMb: 10 });
    const late = await post('/plans/deduct', headersFor(SECRET, '/plans/deduct', body, NOW_MS - REPLAY_WINDOW_MS - 1_000), body);
    expect(late).toEqual({ status: 401, code: 'STALE_REQUEST' });
    expect(await createCarrierSimAdmin(sim.url).listDeductions(PHONE)).toEqual([]);
  });

  it('answers 401 REPLAYED_REQUEST to a captured request sent again inside the window, and sends one SMS', async () => {
    const body = JSON.stringify({ to: '13812340000', text: '【流量】验证码 123456' });
    const captured = headersFor(PROVIDER_SECRET, '/sms/send', body);
    expect((await post('/sms/send', captured, body)).status).toBe(200);
    expect(await post('/sms/send', captured, body)).toEqual({ status: 401, code: 'REPLAYED_REQUEST' });
    expect(await createCarrierSimAdmin(sim.url).listMessages('13812340000')).toHaveLength(1);
  });

  it('signs its answers for the request they answer', async () => {
    const body = JSON.stringify({ phone: PHONE });
    const nonce = newNonce();
    const response = await fetch(`${sim.url}/plans/query`, {
      method: 'POST',
      headers: signedRequestHeaders(SECRET, { method: 'POST', pathWithQuery: '/plans/query', timestampMs: NOW_MS, nonce, rawBody: body }),
      body,
    });
    const answer = {
      secret: SECRET,
      status: response.status,
      timestampHeader: response.headers.get('x-timestamp'),
      signatureHeader: response.headers.get('x-signature'),
      rawBody: await response.text(),
      nowMs: NOW_MS,
    };
    expect(verifyAnswer({ ...answer, request: { method: 'POST', pathWithQuery: '/plans/query', nonce } })).toEqual({ ok: true });
    expect(verifyAnswer({ ...answer, request: { method: 'POST', pathWithQuery: '/plans/query', nonce: newNonce() } })).toMatchObject({ ok: false });
  });
});
