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
    if (path.startsWith('/bot/bindings/')) return json(404, { error: { code: 'CONTACT_NOT_BOUND', message: 'not bound' } });
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
      if (message.talker().id === self.id) botSaid.push(message.text() ?? '');
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

  it('answers help in a direct message', async () => {
    person('c-xiaohong').say('/help').to(person('bot-self'));
    await waitFor(() => botSaid.find((text) => text.startsWith('Liuliang bot commands:')));
  });

  it('leaves ordinary room chat unanswered', async () => {
    const saidBefore = botSaid.length;
    person('c-xiaohong').say('今天天气不错').to(room());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(botSaid.length).toBe(saidBefore);
  });
});
