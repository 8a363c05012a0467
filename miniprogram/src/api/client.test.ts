import type { HttpRequest, HttpResponse } from './client';
import { createApiClient } from './client';
import { ApiError } from './errors';

function clientAnswering(response: HttpResponse | Error, token: string | null = 'session-token') {
  const requests: HttpRequest[] = [];
  const onUnauthenticated = jest.fn();
  const api = createApiClient({
    baseUrl: 'http://service',
    readToken: () => token,
    onUnauthenticated,
    transport: async (request) => {
      requests.push(request);
      if (response instanceof Error) throw response;
      return response;
    },
  });
  return { api, requests, onUnauthenticated };
}

describe('the API client', () => {
  it('sends the session token and the action key with a request that moves data', async () => {
    const gift = { id: 'g-1', toPhone: '138****0002', amountMb: 100, message: null, status: 'delivered', claimDeadline: null };
    const { api, requests } = clientAnswering({ status: 201, body: gift });
    await expect(api.giveData({ toPhone: '13800000002', amountMb: 100 }, 'key-1')).resolves.toEqual(gift);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: 'http://service/api/v1/gifts',
      headers: { Authorization: 'Bearer session-token', 'Idempotency-Key': 'key-1', 'Content-Type': 'application/json' },
      body: { toPhone: '13800000002', amountMb: 100 },
    });
  });

  it('asks for history pages by cursor', async () => {
    const { api, requests } = clientAnswering({ status: 200, body: { items: [], nextCursor: null } });
    await api.listWalletEntries({ limit: 20, cursor: 'abc/def' });
    expect(requests[0].url).toBe('http://service/api/v1/wallet/entries?limit=20&cursor=abc%2Fdef');
  });

  it('asks for a batch’s codes as text, and reads a 410 that arrives as text', async () => {
    const csv = 'code,amountMb\nABCD-EFGH-JKMN-PQRST,100\n';
    const ok = clientAnswering({ status: 200, body: csv });
    await expect(ok.api.downloadCouponCodes('s-1', 'b/1')).resolves.toBe(csv);
    expect(ok.requests[0]).toMatchObject({ method: 'GET', url: 'http://service/api/v1/sponsors/s-1/coupon-batches/b%2F1/codes', responseType: 'text' });
    const gone = clientAnswering({ status: 410, body: JSON.stringify({ error: { code: 'GONE', message: 'once' } }) });
    await expect(gone.api.downloadCouponCodes('s-1', 'b-1')).rejects.toMatchObject({ code: 'GONE', status: 410 });
  });

  it('throws the service error code from an error body', async () => {
    const { api } = clientAnswering({ status: 422, body: { error: { code: 'INSUFFICIENT_BALANCE', message: 'balance 10 MB' } } });
    await expect(api.bankPlanData({ amountMb: 100 }, 'k')).rejects.toMatchObject({ code: 'INSUFFICIENT_BALANCE', status: 422 });
  });

  it('forgets the session when the service refuses the token', async () => {
    const { api, onUnauthenticated } = clientAnswering({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: '' } } });
    await expect(api.getWallet()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('reports a request that got no answer as a network failure', async () => {
    const { api } = clientAnswering(new Error('Failed to fetch'));
    await expect(api.getWallet()).rejects.toMatchObject({ code: 'NETWORK_FAILURE', status: 0 });
  });

  it('refuses an answer that does not have the shape of the shared schema', async () => {
    const { api } = clientAnswering({ status: 200, body: { balanceMb: '12' } });
    const failure = await api.getWallet().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
  });

  it('sends no Authorization header before sign-in', async () => {
    const { api, requests } = clientAnswering({ status: 200, body: { sent: true, resendAfterSeconds: 60 } }, null);
    await api.requestSmsCode('13800000001');
    expect(requests[0].headers.Authorization).toBeUndefined();
  });

  it('renews a refused access token once with the refresh token, then asks again with the same action key', async () => {
    const requests: HttpRequest[] = [];
    let token = 'stale-token';
    const renewed = jest.fn((tokens: { token: string; refreshToken: string }) => (token = tokens.token));
    const gift = { id: 'g-1', toPhone: '138****0002', amountMb: 100, message: null, status: 'delivered', claimDeadline: null };
    const api = createApiClient({
      baseUrl: '',
      readToken: () => token,
      readRefreshToken: () => 'refresh-1',
      onRenewed: renewed,
      transport: async (request) => {
        requests.push(request);
        if (request.url.endsWith('/auth/refresh')) return { status: 200, body: { token: 'fresh-token', refreshToken: 'refresh-2', expiresInSeconds: 3600 } };
        return request.headers.Authorization === 'Bearer fresh-token' ? { status: 201, body: gift } : { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: '' } } };
      },
    });
    await expect(api.giveData({ toPhone: '13800000002', amountMb: 100 }, 'key-1')).resolves.toEqual(gift);
    expect(requests.map((r) => r.url)).toEqual(['/api/v1/gifts', '/api/v1/auth/refresh', '/api/v1/gifts']);
    expect(requests[1].body).toEqual({ refreshToken: 'refresh-1' });
    expect(requests[2].headers['Idempotency-Key']).toBe('key-1');
    expect(renewed).toHaveBeenCalledWith({ token: 'fresh-token', refreshToken: 'refresh-2', expiresInSeconds: 3600 });
  });

  it('forgets the session when renewing fails too, and renews once for many refused requests', async () => {
    const requests: HttpRequest[] = [];
    const onUnauthenticated = jest.fn();
    const api = createApiClient({
      baseUrl: '',
      readToken: () => 'stale-token',
      readRefreshToken: () => 'refresh-old',
      onUnauthenticated,
      transport: async (request) => {
        requests.push(request);
        return { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: '' } } };
      },
    });
    await Promise.all([expect(api.getWallet()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' }), expect(api.getMe()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' })]);
    expect(requests.filter((r) => r.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(onUnauthenticated).toHaveBeenCalled();
  });
});

