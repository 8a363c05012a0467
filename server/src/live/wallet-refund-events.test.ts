import { io as connect, type Socket } from 'socket.io-client';
import { manualClock } from '../platform/clock';
import { eventually } from '../test-support/eventually';
import { signIn } from '../test-support/http-client';
import { startTestStack, type TestStack } from '../test-support/stack';

/**
 * A red packet that expires with shares left refunds them to the sender, and the sender's own
 * sockets hear `walletChanged` (kind red_packet_refund), so an open page refreshes its balance
 * (issue 16). Nobody else hears it.
 */
describe('walletChanged on a red-packet refund', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());
  const sockets: Socket[] = [];
  let sender: { token: string; userId: string };
  let friend: { token: string; userId: string };

  const open = async (token: string) => {
    const socket = connect(`${stack.url}/live`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const heard: string[] = [];
    socket.on('walletChanged', (event: { kind: string }) => heard.push(event.kind));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return heard;
  };

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    await stack.sim.setPlan({ phone: '13600000100', totalMb: 4096, usedMb: 0 });
    sender = await signIn(stack.client, '13600000100');
    friend = await signIn(stack.client, '13600000101');
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 1000 }, { token: sender.token, idempotencyKey: true })).body.status).toBe('completed');
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await stack.close();
  });

  it("tells the sender's sockets once when an expired packet's leftover comes back, and the grabber's none", async () => {
    const left = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 3 }, { token: sender.token, idempotencyKey: true });
    const finished = await stack.client.post('/api/v1/red-packets', { mode: 'equal', perShareMb: 10, count: 1 }, { token: sender.token, idempotencyKey: true });
    expect((await stack.client.post(`/api/v1/red-packets/${left.body.id}/grab`, {}, { token: friend.token, idempotencyKey: true })).status).toBe(200);
    expect((await stack.client.post(`/api/v1/red-packets/${finished.body.id}/grab`, {}, { token: friend.token, idempotencyKey: true })).status).toBe(200);
    const senderHeard = await open(sender.token);
    const friendHeard = await open(friend.token);
    const balanceBefore = (await stack.client.get('/api/v1/wallet', { token: sender.token })).body.balanceMb;

    clock.advanceMs(stack.config.RED_PACKET_VALID_SECONDS * 1000 + 1);
    // Only the packet with shares left is refunded; the finished one has nothing to give back.
    expect(await stack.server.services.redPackets.refundExpiredPackets()).toBe(1);
    await eventually('the refund heard by the sender', () => senderHeard.length > 0);
    expect(senderHeard).toEqual(['red_packet_refund']);
    expect((await stack.client.get('/api/v1/wallet', { token: sender.token })).body.balanceMb).toBe(balanceBefore + 20);
    // A second run refunds nothing and says nothing.
    expect(await stack.server.services.redPackets.refundExpiredPackets()).toBe(0);

    // A barrier: the friend's socket hears a gift sent after the refund, and nothing before it.
    const [friendRow] = await stack.server.deps.dataSource.query('SELECT phone FROM users WHERE id = ?', [friend.userId]);
    expect((await stack.client.post('/api/v1/gifts', { toPhone: friendRow.phone, amountMb: 10 }, { token: sender.token, idempotencyKey: true })).status).toBe(201);
    await eventually('the gift heard by the friend', () => friendHeard.length > 0);
    expect(friendHeard).toEqual(['gift']);
    expect(senderHeard).toEqual(['red_packet_refund']);
  });
});
