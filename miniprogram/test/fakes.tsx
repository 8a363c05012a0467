import { render } from '@testing-library/react';
import type { Crowdfund, RedPacket, RedPacketCover, User } from '@liuliang/shared';
import type { ReactElement } from 'react';
import type { ApiClient } from '../src/api/client';
import { FALLBACK_LIMITS } from '../src/forms/limits';
import type { LiveListeners, LiveSocket } from '../src/live/live';
import { taroSessionStore } from '../src/session/session';
import { ServicesProvider, type Services } from '../src/services';

export const ALICE: User = {
  id: 'u-alice',
  phone: '13800000001',
  nickname: '张三',
  carrier: 'cmcc',
  province: '广东',
  avatarUrl: null,
  createdAt: '2025-11-01T00:00:00.000Z',
};

/** An ApiClient whose every method fails loudly unless the test gives it an answer. */
export function fakeApi(answers: Partial<{ [K in keyof ApiClient]: jest.Mock }> = {}): { [K in keyof ApiClient]: jest.Mock } {
  const unexpected = (name: string) => jest.fn(() => Promise.reject(new Error(`unexpected call of ${name}`)));
  const names: (keyof ApiClient)[] = [
    'requestSmsCode',
    'login',
    'logout',
    'getLimits',
    'getMe',
    'getWallet',
    'listWalletEntries',
    'getStorage',
    'bankPlanData',
    'giveData',
    'sendRedPacket',
    'getRedPacket',
    'grabRedPacket',
    'getRedPacketCover',
    'listRedPacketRecords',
    'rename',
    'uploadAvatar',
    'clearAvatar',
    'getNoticeReads',
    'markNoticesRead',
    'lookupRecipient',
    'getGift',
    'getDeposit',
    'createCrowdfund',
    'getCrowdfund',
    'listCrowdfunds',
    'pledge',
    'cancelCrowdfund',
    'tip',
    'getTipLeaderboard',
    'listShareGroups',
    'createShareGroup',
    'addShareGroupMember',
    'removeShareGroupMember',
    'moveShareGroupPool',
    'closeShareGroup',
    'listActivities',
    'checkIn',
    'inviteCode',
    'shareActivity',
    'helpShare',
    'listMySponsors',
    'listSponsorActivities',
    'updateSponsor',
    'listSponsors',
    'listActivityRewards',
    'createActivity',
    'changeActivity',
    'getActivityReport',
    'updateActivity',
    'broadcastAudience',
    'broadcast',
    'getMessageSettings',
    'setMessageSettings',
    'createSponsor',
    'topUpSponsor',
    'listCashoutProducts',
    'placeCashoutOrder',
    'getCashoutOrder',
    'listCashoutOrders',
    'listSuppliers',
    'updateSupplier',
    'lookUpOrders',
    'listCouponBatches',
    'createCouponBatch',
    'downloadCouponCodes',
    'redeemCoupon',
  ];
  const api = {} as { [K in keyof ApiClient]: jest.Mock };
  for (const name of names) api[name] = answers[name] ?? unexpected(name);
  // Every form page asks for the limits; a test that is not about them gets the defaults.
  api.getLimits = answers.getLimits ?? jest.fn().mockResolvedValue(FALLBACK_LIMITS);
  // The tab pages show the message centre's unread count; a test that is not about it has read nothing,
  // sent no packets, and (when it gives no wallet) sees no badge.
  api.getNoticeReads = answers.getNoticeReads ?? jest.fn().mockResolvedValue({ readIds: [] });
  api.listRedPacketRecords = answers.listRedPacketRecords ?? jest.fn().mockResolvedValue({ items: [], nextCursor: null, summary: { count: 0, totalMb: 0, luckiestCount: 0 } });
  // The packet and crowdfund pages show a tip leaderboard; a test that is not about tips gets an empty one.
  api.getTipLeaderboard = answers.getTipLeaderboard ?? jest.fn().mockResolvedValue({ items: [] });
  // The sponsor page lists coupon batches; a test that is not about coupons gets none.
  api.listCouponBatches = answers.listCouponBatches ?? jest.fn().mockResolvedValue({ items: [], nextCursor: null });
  // 我的 shows the message settings; a test that is not about them gets activity messages on.
  api.getMessageSettings = answers.getMessageSettings ?? jest.fn().mockResolvedValue({ activityMessages: true });
  return api;
}

/** A socket that the test drives: `serverSends` plays an event from the service. */
export class FakeLiveSocket implements LiveSocket {
  connected = true;
  readonly emitted: { event: string; args: unknown[] }[] = [];
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();

  on<E extends keyof LiveListeners>(event: E, listener: LiveListeners[E]): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)?.add(listener as (payload: never) => void);
  }

  off<E extends keyof LiveListeners>(event: E, listener: LiveListeners[E]): void {
    this.listeners.get(event)?.delete(listener as (payload: never) => void);
  }

  emit(event: string, ...args: unknown[]): void {
    this.emitted.push({ event, args });
    const ack = args[1];
    if (event === 'subscribe' && typeof ack === 'function') ack({ ok: true });
  }

  disconnect(): void {
    this.connected = false;
  }

  serverSends<E extends keyof LiveListeners>(event: E, ...payload: Parameters<LiveListeners[E]>): void {
    this.listeners.get(event)?.forEach((listener) => (listener as (...args: unknown[]) => void)(...payload));
  }
}

export function signIn(user: User = ALICE): void {
  taroSessionStore.save({ token: 'token-of-alice', user });
}

export function renderWithServices(ui: ReactElement, services: Partial<Services> & { api: unknown }) {
  const value: Services = {
    session: taroSessionStore,
    connectLive: () => new FakeLiveSocket(),
    ...services,
    api: services.api as ApiClient,
  };
  return render(<ServicesProvider value={value}>{ui}</ServicesProvider>);
}

export function aPacket(overrides: Partial<RedPacket> = {}): RedPacket {
  return {
    id: 'p-1',
    mode: 'random',
    status: 'open',
    senderId: 'u-bob',
    senderNickname: '李四',
    greeting: '周末快乐',
    hasPassphrase: false,
    roomId: null,
    count: 3,
    totalMb: 300,
    remainingCount: 3,
    remainingMb: 300,
    expiresAt: '2025-11-27T04:00:00.000Z',
    grabs: [],
    luckiest: null,
    ...overrides,
  };
}

export function aCover(overrides: Partial<RedPacketCover> = {}): RedPacketCover {
  return { id: 'p-1', mode: 'random', status: 'open', senderNickname: '李四', senderAvatarUrl: null, greeting: '周末快乐', hasPassphrase: false, roomPacket: false, ...overrides };
}

export function aCrowdfund(overrides: Partial<Crowdfund> = {}): Crowdfund {
  return {
    id: 'cf-1',
    title: '换新手机',
    creator: { userId: 'u-bob', nickname: '李四' },
    goalMb: 1000,
    raisedMb: 0,
    status: 'open',
    deadline: '2025-11-29T04:00:00.000Z',
    createdAt: '2025-11-26T04:00:00.000Z',
    closedAt: null,
    pledges: [],
    ...overrides,
  };
}
