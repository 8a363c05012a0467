import { io } from 'socket.io-client';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { createBot, quietWechatyLog, type LiuliangBot } from './bot';
import { silentLogger } from './logger';
import type { LiveSocket } from './live/reporter';

interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A stand-in for the service: answers by route, remembers every call. */
function fakeService() {
  const calls: Call[] = [];
  const json = (status: number, body?: unknown): Response =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const path = new URL(String(input)).pathname.replace('/api/v1', '');
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ method, path, headers: (init?.headers ?? {}) as Record<string, string>, body });
    const headers = (init?.headers ?? {}) as Record<string, string>;
    // Nobody here is bound until they bind in a direct chat; then the service acts for them.
    const bound = (contactId: string) => calls.some((call) => call.method === 'POST' && call.path === '/bot/bindings' && (call.body as { contactId: string }).contactId === contactId);
    const acting = headers['x-acting-contact'];
    if (acting !== undefined && !bound(acting)) return json(403, { error: { code: 'CONTACT_NOT_BOUND', message: 'not bound' } });
    if (path.startsWith('/bot/bindings/')) return json(403, { error: { code: 'CONTACT_NOT_BOUND', message: 'not bound' } });
    if (path === '/auth/sms-code') return json(204);
    if (method === 'POST' && path === '/bot/bindings') {
      const { contactId, phone } = body as { contactId: string; phone: string };
      return json(200, { contactId, userId: '7', phone, nickname: `用户${phone.slice(-4)}` });
    }
    if (path === '/bot/outbox/claim') return json(200, { items: [] });
    if (path.includes('/members')) return json(204);
    return json(404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
  };
  return { calls, fetch: fetchImpl as typeof fetch };
}

async function waitFor<T>(look: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('createBot on the mock puppet', () => {
  let bot: LiuliangBot;
  const service = fakeService();
  const mocker = new mock.Mocker();
  const botSaid: string[] = [];
  /** What the bot said where: the room's id, or the contact's id for a direct chat. */
  const botSaidIn: Array<{ where: string; text: string }> = [];

  beforeAll(async () => {
    quietWechatyLog('silent');
    bot = createBot({
      puppet: new PuppetMock({ mocker }),
      serviceUrl: 'http://service.test',
      botToken: 'bot-secret',
      fetch: service.fetch,
      logger: silentLogger,
      outboxPollIntervalMs: 50,
      // No live service here: a socket that never connects.
      createLiveSocket: () => io('http://127.0.0.1:9/live', { autoConnect: false }) as LiveSocket,
    });
    await bot.start();
    const self = mocker.createContact({ id: 'bot-self', name: '流量小助手' });
    const xiaoming = mocker.createContact({ id: 'c-xiaoming', name: '小明' });
    const xiaohong = mocker.createContact({ id: 'c-xiaohong', name: '小红' });
    mocker.createRoom({ id: 'room-1@chatroom', topic: '流量群', memberIdList: [self.id, xiaoming.id, xiaohong.id] });
    self.on('message', (message) => {
      if (message.talker().id !== self.id) return;
      botSaid.push(message.text() ?? '');
      botSaidIn.push({ where: message.room()?.id ?? message.listener()?.id ?? '?', text: message.text() ?? '' });
    });
    mocker.login(self);
  });

  afterAll(async () => {
    await bot.stop();
  });

  const room = () => mocker.RoomMock.load('room-1@chatroom');
  const person = (id: string) => mocker.ContactMock.load(id);

  it('puts each room\'s members, without the bot, on the service\'s list at login', async () => {
    const put = await waitFor(() => service.calls.find((call) => call.method === 'PUT'));
    expect(put.path).toBe('/bot/rooms/room-1%40chatroom/members');
    expect(put.body).toEqual({ contactIds: ['c-xiaoming', 'c-xiaohong'] });
    expect(put.headers).toMatchObject({ authorization: 'Bot bot-secret' });
  });

  it('polls the outbox once logged in', async () => {
    await waitFor(() => service.calls.find((call) => call.path === '/bot/outbox/claim'));
  });

  it('tells an unbound contact how to bind, and does nothing else', async () => {
    const before = service.calls.length;
    person('c-xiaoming').say('转赠 @小红 100M', [person('c-xiaohong')]).to(room());
    const reply = await waitFor(() => botSaid.find((text) => text.includes('绑定')));
    expect(reply).toContain('@小明');
    const made = service.calls.slice(before).filter((call) => call.path !== '/bot/outbox/claim');
    expect(made.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /bot/bindings/c-xiaoming']);
  });

  it('keeps binding out of the room: a phone said there gets only a hint to chat privately, and the code prompt and the confirmation come in the direct chat', async () => {
    const before = { calls: service.calls.length, said: botSaidIn.length };
    person('c-xiaohong').say('绑定 13800138000').to(room());
    const hint = await waitFor(() => botSaidIn.slice(before.said).find((line) => line.where === 'room-1@chatroom'));
    expect(hint.text).toContain('私聊');
    expect(hint.text).not.toMatch(/138|8000|\*{4}|\d{3,}/);
    person('c-xiaohong').say('绑定 123456').to(room());
    await waitFor(() => (botSaidIn.slice(before.said).filter((line) => line.where === 'room-1@chatroom').length === 2 ? true : undefined));
    const inRoom = service.calls.slice(before.calls).filter((call) => call.path !== '/bot/outbox/claim');
    expect(inRoom).toEqual([]); // no code sent, nothing bound

    person('c-xiaohong').say('绑定 13800138000').to(person('bot-self'));
    const prompt = await waitFor(() => botSaidIn.slice(before.said).find((line) => line.where === 'c-xiaohong' && line.text.includes('验证码已发送')));
    expect(prompt.text).toContain('138****8000');
    person('c-xiaohong').say('绑定 123456').to(person('bot-self'));
    await waitFor(() => botSaidIn.slice(before.said).find((line) => line.where === 'c-xiaohong' && line.text.startsWith('绑定成功')));
    const made = service.calls.slice(before.calls).filter((call) => call.path !== '/bot/outbox/claim');
    expect(made.map((call) => `${call.method} ${call.path}`)).toEqual(['POST /auth/sms-code', 'POST /bot/bindings']);
    expect(made[1]?.body).toEqual({ contactId: 'c-xiaohong', phone: '13800138000', code: '123456' });
    // Nothing about the binding reached the room.
    expect(botSaidIn.filter((line) => line.where === 'room-1@chatroom').map((line) => line.text).join('\n')).not.toMatch(/138|8000|绑定成功|验证码已发送/);
  });

  it('acts by naming the contact who spoke, never a user id', async () => {
    const before = service.calls.length;
    person('c-xiaohong').say('余额').to(room());
    const wallet = await waitFor(() => service.calls.slice(before).find((call) => call.path === '/wallet'));
    expect(wallet.headers).toMatchObject({ 'x-acting-contact': 'c-xiaohong' });
    expect(wallet.headers).not.toHaveProperty('x-acting-user');
  });

  it('answers help in a direct message', async () => {
    person('c-xiaohong').say('/help').to(person('bot-self'));
    await waitFor(() => botSaid.find((text) => text.startsWith('Liuliang bot commands:')));
  });

  it('leaves ordinary room chat unanswered', async () => {
    const before = { calls: service.calls.length, said: botSaidIn.length };
    person('c-xiaohong').say('今天天气不错').to(room());
    // Any room line may be the passphrase of an open packet: the bot tries it, and stays silent when it is not.
    await waitFor(() => service.calls.slice(before.calls).find((call) => call.path === '/bot/rooms/room-1%40chatroom/grab'));
    // A command said after it is the barrier, instead of a pause: by the time the bot has
    // answered it, it has long finished with the chat line.
    person('c-xiaohong').say('/help').to(room());
    await waitFor(() => botSaidIn.slice(before.said).find((line) => line.where === 'room-1@chatroom' && line.text.includes('Liuliang bot commands:')));
    // One line in the room: the answer to the barrier; nothing for the chat.
    expect(botSaidIn.slice(before.said).filter((line) => line.where === 'room-1@chatroom')).toHaveLength(1);
  });
});
