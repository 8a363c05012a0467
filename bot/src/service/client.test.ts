import { idempotencyKeyFor, ServiceClient } from './client';
import { ServiceError } from './errors';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeService(status: number, answer: unknown) {
  const calls: Call[] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
    });
    const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
    return new Response(status === 204 ? null : text, { status });
  };
  const client = new ServiceClient({ serviceUrl: 'http://service.test/', botToken: 'secret', fetch: fetchImpl as typeof fetch });
  return { client, calls };
}

describe('ServiceClient', () => {
  it('acts for the contact who spoke with the bot token, X-Acting-Contact and the idempotency key, never naming a user', async () => {
    const { client, calls } = fakeService(201, { id: 'g1', status: 'delivered', toPhone: '13900139000', amountMb: 100 });
    const outcome = await client.sendGift('wxid-speaker', { toPhone: '13900139000', amountMb: 100 }, 'msg:m1');
    expect(outcome).toEqual({ id: 'g1', status: 'delivered' });
    expect(calls).toEqual([
      {
        url: 'http://service.test/api/v1/gifts',
        method: 'POST',
        headers: expect.objectContaining({ authorization: 'Bot secret', 'x-acting-contact': 'wxid-speaker', 'idempotency-key': 'msg:m1' }) as unknown as Record<string, string>,
        body: { toPhone: '13900139000', amountMb: 100 },
      },
    ]);
    expect(calls[0]?.headers).not.toHaveProperty('x-acting-user');
  });

  it('sends no acting contact when the bot acts for itself, and escapes ids in paths', async () => {
    const { client, calls } = fakeService(204, '');
    await client.replaceRoomMembers('abc@chatroom', ['c1', 'c2']);
    expect(calls[0]?.url).toBe('http://service.test/api/v1/bot/rooms/abc%40chatroom/members');
    expect(calls[0]?.method).toBe('PUT');
    expect(calls[0]?.headers).not.toHaveProperty('x-acting-contact');
    expect(calls[0]?.body).toEqual({ contactIds: ['c1', 'c2'] });
  });

  it('turns an error body into a ServiceError with its stable code', async () => {
    const { client } = fakeService(409, { error: { code: 'SOLD_OUT', message: 'all shares taken' } });
    await expect(client.grabInRoom('u', 'r@chatroom', undefined, 'msg:m2')).rejects.toEqual(new ServiceError('SOLD_OUT', 409, 'all shares taken'));
  });

  it('reads an unbound contact as null, not as an error', async () => {
    const { client } = fakeService(403, { error: { code: 'CONTACT_NOT_BOUND', message: 'not bound' } });
    await expect(client.findBinding('c1')).resolves.toBeNull();
  });

  it('refuses an answer that breaks the contract', async () => {
    const { client } = fakeService(200, { balanceMb: 'lots' });
    await expect(client.getWallet('u')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('calls a proxy error page INTERNAL and an unreachable service SERVICE_UNREACHABLE', async () => {
    const { client } = fakeService(502, '<html>bad gateway</html>');
    await expect(client.getWallet('u')).rejects.toMatchObject({ code: 'INTERNAL', status: 502 });
    const down = new ServiceClient({
      serviceUrl: 'http://service.test',
      botToken: 't',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(down.getWallet('u')).rejects.toMatchObject({ code: 'SERVICE_UNREACHABLE', status: 0 });
  });
});

describe('idempotencyKeyFor', () => {
  it('derives the key from the chat message, so a redelivered message replays', () => {
    expect(idempotencyKeyFor('m1')).toBe('msg:m1');
    expect(idempotencyKeyFor('m1', 'after-resync')).toBe('msg:m1:after-resync');
  });

  it('stays within 255 characters for any message id', () => {
    const key = idempotencyKeyFor('x'.repeat(400));
    expect(key.length).toBeLessThanOrEqual(255);
    expect(key).toBe(idempotencyKeyFor('x'.repeat(400)));
  });
});
