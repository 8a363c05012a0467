import type { WalletChangedEvent } from '@liuliang/shared';
import { manualClock } from '../../platform/clock';
import { signIn } from '../../test-support/http-client';
import { startTestStack, type TestStack } from '../../test-support/stack';
import { seedUsers } from '../../test-support/users';
import { findUserById } from '../auth';
import { GiftService } from './service';

/** Who hears `walletChanged` after a gift commits: the recipient of a delivery, the sender of a claim or a refund. */
describe('gifts tell wallets that changed', () => {
  let stack: TestStack;
  const clock = manualClock(new Date());
  const heard: Array<[string, WalletChangedEvent['kind']]> = [];
  let gifts: GiftService;
  let senderId = '';

  beforeAll(async () => {
    stack = await startTestStack({}, clock);
    gifts = new GiftService(stack.server.deps, { walletChanged: (userId, event) => heard.push([userId, event.kind]) });
    await stack.sim.setPlan({ phone: '13300000001', totalMb: 4096, usedMb: 0 });
    const { token, userId } = await signIn(stack.client, '13300000001');
    senderId = userId;
    expect((await stack.client.post('/api/v1/storage/deposits', { amountMb: 1000 }, { token, idempotencyKey: true })).body.status).toBe('completed');
  });
  afterAll(() => stack.close());

  it('names the recipient of a delivered gift, the sender of a claimed one and of a refunded one, each after the commit', async () => {
    const sql = stack.server.deps.dataSource.manager;
    const sender = (await findUserById(sql, senderId))!;
    const friend = (await findUserById(sql, (await signIn(stack.client, '13300000002')).userId))!;
    await gifts.send(sender, { toPhone: friend.phone, amountMb: 10 });
    expect(heard).toEqual([[friend.id, 'gift']]);

    await gifts.send(sender, { toPhone: '13300090000', amountMb: 10 });
    expect(heard).toHaveLength(1); // waiting in escrow: nobody's wallet changed but the sender's own, by their own hand
    // Registered without signing in (sign-in would claim through the app's own GiftService).
    const [seeded] = await seedUsers(stack, 1, '1330009');
    await gifts.claimPendingGifts((await findUserById(sql, seeded.userId))!);
    expect(heard[1]).toEqual([sender.id, 'gift_claim']);

    await gifts.send(sender, { toPhone: '13300000004', amountMb: 10 });
    clock.advanceMs(72 * 3600_000 + 1);
    expect(await gifts.refundExpiredGifts()).toBe(1);
    expect(heard[2]).toEqual([sender.id, 'gift_refund']);
    expect(heard).toHaveLength(3);
  });
});
