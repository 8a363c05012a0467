import {
  CashoutOrderListSchema,
  CashoutOrderSchema,
  CashoutProductListSchema,
  OpsOrderListSchema,
  SupplierListSchema,
  SupplierSchema,
  type CashoutOrder,
  type CashoutProduct,
  type OpsOrder,
  type Supplier,
  type SupplierUpdateRequest,
  CrowdfundPageSchema,
  CrowdfundSchema,
  PledgeSchema,
  TipLeaderboardSchema,
  TipSchema,
  type Crowdfund,
  type CrowdfundCreate,
  type CrowdfundSummary,
  type Pledge,
  type Tip,
  type TipLeaderboard,
  type TipRequest,
  type TipTarget,
  LimitsSchema,
  type Limits,
  DepositSchema,
  GiftSchema,
  GrabResultSchema,
  LoginResponseSchema,
  RefreshResponseSchema,
  SignedOutSchema,
  RedPacketSchema,
  ShareGroupSchema,
  SmsCodeResponseSchema,
  StorageSchema,
  UserSchema,
  WalletEntrySchema,
  WalletSchema,
  pageOf,
  type Deposit,
  type DepositRequest,
  type Gift,
  type GiftRequest,
  type GrabRequest,
  type GrabResult,
  type LoginRequest,
  type LoginResponse,
  type Page,
  type RefreshResponse,
  type RedPacket,
  type RedPacketCreate,
  type ShareGroup,
  type ShareGroupCreate,
  type Storage,
  type User,
  type Wallet,
  type WalletEntry,
  CreatedRedPacketSchema,
  RecipientSchema,
  NoticeReadsSchema,
  type NoticeReads,
  RedPacketCoverSchema,
  RedPacketRecordsSchema,
  type CreatedRedPacket,
  type Recipient,
  type RedPacketCover,
  type RedPacketRecords,
  type RedPacketRole,
  ActivityReportSchema,
  OpsSponsorSchema,
  ActivityRewardLineSchema,
  type ActivityRewardLine,
  type OpsSponsor,
  type SponsorUpdateRequest,
  ActivitySchema,
  AudienceSchema,
  BroadcastSchema,
  MessageSettingsSchema,
  CheckinResultSchema,
  HelpResultSchema,
  InviteCodeSchema,
  ShareSchema,
  type HelpResult,
  type InviteCode,
  type Share,
  MeSchema,
  MySponsorsSchema,
  SponsorSchema,
  TopupSchema,
  type Activity,
  type ActivityCreateRequest,
  type ActivityUpdateRequest,
  type Audience,
  type Broadcast,
  type BroadcastAudience,
  type BroadcastRequest,
  type MessageSettings,
  type ActivityReport,
  type CheckinResult,
  type Me,
  type MySponsor,
  type Sponsor,
  type Topup,
  CouponBatchSchema,
  CouponRedeemResultSchema,
  type CouponBatch,
  type CouponBatchCreateRequest,
  type CouponRedeemResult,
} from '@liuliang/shared';
import { ApiError } from './errors';

export const API_PREFIX = '/api/v1';
/** The service caps pages at 100; the history screen asks for fewer to stay quick on a phone. */
export const HISTORY_PAGE_SIZE = 20;

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** `text`: the answer is not JSON (a CSV); an error body then arrives as text too. */
  responseType?: 'json' | 'text';
}
export interface HttpResponse {
  status: number;
  body: unknown;
}
/** Sends one request. Resolves for every HTTP answer; rejects only when no answer arrived. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

export interface ApiClientOptions {
  transport: HttpTransport;
  /** '' on H5 (same origin as the page), the service's address on weapp. */
  baseUrl: string;
  readToken: () => string | null;
  /** The refresh token of the session, if any: a refused access token is renewed with it once. */
  readRefreshToken?: () => string | null;
  /** Keeps the renewed tokens. */
  onRenewed?: (tokens: RefreshResponse) => void;
  /** Called once a request is refused for a missing or stale token (and renewing failed), before the error is thrown. */
  onUnauthenticated?: () => void;
}

/** Anything with zod's safeParse: the shared schemas validate every answer before a page sees it. */
interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

interface CallOptions {
  body?: unknown;
  idempotencyKey?: string;
  responseType?: 'json' | 'text';
}

/** The service's error body, `{"error": {"code", "message"}}`, or null if the body is something else. */
function readErrorBody(answer: unknown): { code: string; message: string; details?: unknown } | null {
  const body = typeof answer === 'string' ? parseJson(answer) : answer;
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string') return null;
  return { code, message: typeof message === 'string' ? message : '', details };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The one typed client of `/api/v1` that every page uses (SPEC §4). */
export function createApiClient(options: ApiClientOptions) {
  const { transport, baseUrl, readToken, readRefreshToken, onRenewed, onUnauthenticated } = options;
  /** One renewal at a time: every request refused meanwhile waits for the same one. */
  let renewing: Promise<boolean> | null = null;

  async function send(method: HttpRequest['method'], path: string, callOptions: CallOptions): Promise<HttpResponse> {
    const headers: Record<string, string> = { Accept: callOptions.responseType === 'text' ? 'text/csv, application/json' : 'application/json' };
    if (callOptions.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = readToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (callOptions.idempotencyKey) headers['Idempotency-Key'] = callOptions.idempotencyKey;
    try {
      return await transport({ method, url: `${baseUrl}${API_PREFIX}${path}`, headers, body: callOptions.body, responseType: callOptions.responseType });
    } catch (cause) {
      throw new ApiError('NETWORK_FAILURE', 0, cause instanceof Error ? cause.message : 'no answer');
    }
  }

  /** Swaps the refresh token for a new access token; false when the session is over. */
  function renew(): Promise<boolean> {
    renewing ??= (async () => {
      const refreshToken = readRefreshToken?.();
      if (!refreshToken) return false;
      const answer = await send('POST', '/auth/refresh', { body: { refreshToken } }).catch(() => null);
      const tokens = answer && answer.status === 200 ? RefreshResponseSchema.safeParse(answer.body) : null;
      if (!tokens?.success) return false;
      onRenewed?.(tokens.data);
      return true;
    })().finally(() => {
      renewing = null;
    });
    return renewing;
  }

  async function call<T>(method: HttpRequest['method'], path: string, schema: AnswerSchema<T>, callOptions: CallOptions = {}): Promise<T> {
    let response = await send(method, path, callOptions);
    // An access token lives an hour: renew it once and ask again (the same idempotency key, so
    // a request that moves data still moves it at most once).
    if (response.status === 401 && !path.startsWith('/auth/') && (await renew())) response = await send(method, path, callOptions);

    if (response.status < 200 || response.status >= 300) {
      const failure = readErrorBody(response.body);
      const code = failure?.code ?? (response.status >= 500 ? 'INTERNAL' : 'UNEXPECTED_RESPONSE');
      if (code === 'UNAUTHENTICATED' || response.status === 401) onUnauthenticated?.();
      throw new ApiError(code, response.status, failure?.message ?? `HTTP ${response.status}`, failure?.details);
    }
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) throw new ApiError('UNEXPECTED_RESPONSE', response.status, `unexpected answer to ${method} ${path}`);
    return parsed.data;
  }

  const walletPage = pageOf(WalletEntrySchema) as unknown as AnswerSchema<Page<WalletEntry>>;
  const crowdfundPage = CrowdfundPageSchema as unknown as AnswerSchema<Page<CrowdfundSummary>>;
  const crowdfundPath = (crowdfundId: string) => `/crowdfunds/${encodeURIComponent(crowdfundId)}`;
  const shareGroupPage = pageOf(ShareGroupSchema) as unknown as AnswerSchema<Page<ShareGroup>>;
  const shareGroupPath = (groupId: string, rest = '') => `/share-groups/${encodeURIComponent(groupId)}${rest}`;
  const activityPage = pageOf(ActivitySchema) as unknown as AnswerSchema<Page<Activity>>;
  const mySponsors = MySponsorsSchema as unknown as AnswerSchema<{ items: MySponsor[] }>;
  const opsSponsorPage = pageOf(OpsSponsorSchema) as unknown as AnswerSchema<Page<OpsSponsor>>;
  const rewardPage = pageOf(ActivityRewardLineSchema) as unknown as AnswerSchema<Page<ActivityRewardLine>>;
  const couponBatchPage = pageOf(CouponBatchSchema) as unknown as AnswerSchema<Page<CouponBatch>>;
  const couponBatchesPath = (sponsorId: string, rest = '') => `/sponsors/${encodeURIComponent(sponsorId)}/coupon-batches${rest}`;
  const csvText: AnswerSchema<string> = { safeParse: (value) => (typeof value === 'string' && value !== '' ? { success: true, data: value } : { success: false }) };

  return {
    requestSmsCode: (phone: string) => call('POST', '/auth/sms-code', SmsCodeResponseSchema, { body: { phone } }),
    login: (request: LoginRequest): Promise<LoginResponse> => call('POST', '/auth/login', LoginResponseSchema, { body: request }),
    /** Signs this session out at the service; the caller forgets it on the device whatever the answer. */
    logout: (): Promise<{ signedOut: true }> => call('POST', '/auth/logout', SignedOutSchema),
    /** The configured limits; read once a session through useLimits, not per page. */
    getLimits: (): Promise<Limits> => call('GET', '/limits', LimitsSchema),
    /** The user with the roles they act in (operator, sponsor memberships). */
    getMe: (): Promise<Me> => call('GET', '/me', MeSchema),
    getWallet: (): Promise<Wallet> => call('GET', '/wallet', WalletSchema),
    listWalletEntries: (page: { limit?: number; cursor?: string | null } = {}): Promise<Page<WalletEntry>> =>
      call('GET', `/wallet/entries${queryString({ limit: page.limit ?? HISTORY_PAGE_SIZE, cursor: page.cursor ?? undefined })}`, walletPage),
    getStorage: (): Promise<Storage> => call('GET', '/storage', StorageSchema),
    bankPlanData: (request: DepositRequest, idempotencyKey: string): Promise<Deposit> =>
      call('POST', '/storage/deposits', DepositSchema, { body: request, idempotencyKey }),
    giveData: (request: GiftRequest, idempotencyKey: string): Promise<Gift> => call('POST', '/gifts', GiftSchema, { body: request, idempotencyKey }),
    sendRedPacket: (request: RedPacketCreate, idempotencyKey: string): Promise<CreatedRedPacket> =>
      call('POST', '/red-packets', CreatedRedPacketSchema, { body: request, idempotencyKey }),
    getRedPacket: (packetId: string): Promise<RedPacket> => call('GET', `/red-packets/${encodeURIComponent(packetId)}`, RedPacketSchema),
    grabRedPacket: (packetId: string, request: GrabRequest, idempotencyKey: string): Promise<GrabResult> =>
      call('POST', `/red-packets/${encodeURIComponent(packetId)}/grab`, GrabResultSchema, { body: request, idempotencyKey }),
    /** What a link shows before sign-in: no token needed. */
    getRedPacketCover: (packetId: string): Promise<RedPacketCover> => call('GET', `/red-packets/${encodeURIComponent(packetId)}/cover`, RedPacketCoverSchema),
    listRedPacketRecords: (role: RedPacketRole, cursor: string | null = null): Promise<RedPacketRecords> =>
      call('GET', `/me/red-packets${queryString({ role, cursor: cursor ?? undefined })}`, RedPacketRecordsSchema),
    // PUT, not PATCH: weapp's wx.request cannot send PATCH; the service takes both.
    rename: (nickname: string): Promise<User> => call('PUT', '/me', UserSchema, { body: { nickname } }),
    /** A face as base64 (PNG, JPEG, WebP or GIF, ≤ AVATAR_MAX_BYTES); the answer carries its new URL. */
    uploadAvatar: (imageBase64: string): Promise<User> => call('PUT', '/me/avatar', UserSchema, { body: { image: imageBase64 } }),
    clearAvatar: (): Promise<User> => call('DELETE', '/me/avatar', UserSchema),
    getNoticeReads: (): Promise<NoticeReads> => call('GET', '/me/notices/read', NoticeReadsSchema),
    markNoticesRead: (ids: readonly string[]): Promise<NoticeReads> => call('POST', '/me/notices/read', NoticeReadsSchema, { body: { ids } }),
    lookupRecipient: (phone: string): Promise<Recipient> => call('GET', `/recipients${queryString({ phone })}`, RecipientSchema),
    getGift: (giftId: string): Promise<Gift> => call('GET', `/gifts/${encodeURIComponent(giftId)}`, GiftSchema),
    getDeposit: (depositId: string): Promise<Deposit> => call('GET', `/storage/deposits/${encodeURIComponent(depositId)}`, DepositSchema),
    createCrowdfund: (request: CrowdfundCreate, idempotencyKey: string): Promise<Crowdfund> => call('POST', '/crowdfunds', CrowdfundSchema, { body: request, idempotencyKey }),
    getCrowdfund: (crowdfundId: string): Promise<Crowdfund> => call('GET', crowdfundPath(crowdfundId), CrowdfundSchema),
    /** The caller's crowdfunds: those they created, or those they pledged to; newest first. */
    listCrowdfunds: (page: { mine: 'created' | 'pledged'; cursor?: string | null }): Promise<Page<CrowdfundSummary>> =>
      call('GET', `/crowdfunds${queryString({ mine: page.mine, cursor: page.cursor ?? undefined })}`, crowdfundPage),
    pledge: (crowdfundId: string, amountMb: number, idempotencyKey: string): Promise<Pledge> =>
      call('POST', `${crowdfundPath(crowdfundId)}/pledges`, PledgeSchema, { body: { amountMb }, idempotencyKey }),
    cancelCrowdfund: (crowdfundId: string, idempotencyKey: string): Promise<Crowdfund> => call('POST', `${crowdfundPath(crowdfundId)}/cancel`, CrowdfundSchema, { idempotencyKey }),
    tip: (request: TipRequest, idempotencyKey: string): Promise<Tip> => call('POST', '/tips', TipSchema, { body: request, idempotencyKey }),
    getTipLeaderboard: (target: TipTarget): Promise<TipLeaderboard> => call('GET', `/tips/leaderboard${queryString({ type: target.type, id: target.id })}`, TipLeaderboardSchema),
    /** The family share group the signed-in person belongs to: at most one item. */
    listShareGroups: (): Promise<Page<ShareGroup>> => call('GET', '/share-groups', shareGroupPage),
    createShareGroup: (request: ShareGroupCreate, idempotencyKey: string): Promise<ShareGroup> => call('POST', '/share-groups', ShareGroupSchema, { body: request, idempotencyKey }),
    addShareGroupMember: (groupId: string, phone: string): Promise<ShareGroup> => call('POST', shareGroupPath(groupId, '/members'), ShareGroupSchema, { body: { phone } }),
    /** `memberRef`: the member's user id, or the memberId of a number still pending. */
    removeShareGroupMember: (groupId: string, memberRef: string): Promise<ShareGroup> =>
      call('DELETE', shareGroupPath(groupId, `/members/${encodeURIComponent(memberRef)}`), ShareGroupSchema),
    moveShareGroupPool: (groupId: string, move: 'fund' | 'reclaim' | 'draw', amountMb: number, idempotencyKey: string): Promise<ShareGroup> =>
      call('POST', shareGroupPath(groupId, `/${move}`), ShareGroupSchema, { body: { amountMb }, idempotencyKey }),
    /** The owner closes the group: the whole pool goes back to them and every member is released. */
    closeShareGroup: (groupId: string, idempotencyKey: string): Promise<ShareGroup> => call('DELETE', shareGroupPath(groupId), ShareGroupSchema, { idempotencyKey }),
    // Activities, sponsors and operators (SPEC §3.9, §3.10)
    listActivities: (): Promise<Page<Activity>> => call('GET', '/activities', activityPage),
    checkIn: (activityId: string, idempotencyKey: string): Promise<CheckinResult> =>
      call('POST', `/activities/${encodeURIComponent(activityId)}/checkin`, CheckinResultSchema, { idempotencyKey }),
    inviteCode: (activityId: string): Promise<InviteCode> => call('POST', `/activities/${encodeURIComponent(activityId)}/invite`, InviteCodeSchema),
    shareActivity: (activityId: string): Promise<Share> => call('POST', `/activities/${encodeURIComponent(activityId)}/share`, ShareSchema),
    helpShare: (code: string, idempotencyKey: string): Promise<HelpResult> =>
      call('POST', `/activities/shares/${encodeURIComponent(code)}/help`, HelpResultSchema, { idempotencyKey }),
    listMySponsors: (): Promise<{ items: MySponsor[] }> => call('GET', '/sponsors/mine', mySponsors),
    listSponsorActivities: (sponsorId: string, cursor: string | null = null): Promise<Page<Activity>> =>
      call('GET', `/sponsors/${encodeURIComponent(sponsorId)}/activities${queryString({ cursor: cursor ?? undefined })}`, activityPage),
    listActivityRewards: (sponsorId: string, activityId: string, cursor: string | null = null): Promise<Page<ActivityRewardLine>> =>
      call('GET', `/sponsors/${encodeURIComponent(sponsorId)}/activities/${encodeURIComponent(activityId)}/rewards${queryString({ cursor: cursor ?? undefined })}`, rewardPage),
    /** The owner's warning levels and contacts (PUT: weapp cannot send PATCH). */
    updateSponsor: (sponsorId: string, request: SponsorUpdateRequest): Promise<Sponsor> => call('PUT', `/sponsors/${encodeURIComponent(sponsorId)}`, SponsorSchema, { body: request }),
    listSponsors: (cursor: string | null = null): Promise<Page<OpsSponsor>> => call('GET', `/ops/sponsors${queryString({ cursor: cursor ?? undefined })}`, opsSponsorPage),
    createActivity: (sponsorId: string, request: ActivityCreateRequest): Promise<Activity> =>
      call('POST', `/sponsors/${encodeURIComponent(sponsorId)}/activities`, ActivitySchema, { body: request }),
    /** `step`: publish and end move data (an Idempotency-Key); pause and resume do not. */
    changeActivity: (sponsorId: string, activityId: string, step: 'publish' | 'pause' | 'resume' | 'end', idempotencyKey?: string): Promise<Activity> =>
      call('POST', `/sponsors/${encodeURIComponent(sponsorId)}/activities/${encodeURIComponent(activityId)}/${step}`, ActivitySchema, { idempotencyKey }),
    /** PUT, not PATCH: weapp's wx.request cannot send PATCH; the service takes both. */
    updateActivity: (sponsorId: string, activityId: string, request: ActivityUpdateRequest): Promise<Activity> =>
      call('PUT', `/sponsors/${encodeURIComponent(sponsorId)}/activities/${encodeURIComponent(activityId)}`, ActivitySchema, { body: request }),
    broadcastAudience: (sponsorId: string, activityId: string, audience: BroadcastAudience): Promise<Audience> =>
      call('GET', `/sponsors/${encodeURIComponent(sponsorId)}/activities/${encodeURIComponent(activityId)}/broadcasts/audience?audience=${audience}`, AudienceSchema),
    broadcast: (sponsorId: string, activityId: string, request: BroadcastRequest, idempotencyKey: string): Promise<Broadcast> =>
      call('POST', `/sponsors/${encodeURIComponent(sponsorId)}/activities/${encodeURIComponent(activityId)}/broadcasts`, BroadcastSchema, { body: request, idempotencyKey }),
    getMessageSettings: (): Promise<MessageSettings> => call('GET', '/me/message-settings', MessageSettingsSchema),
    setMessageSettings: (settings: MessageSettings): Promise<MessageSettings> => call('PUT', '/me/message-settings', MessageSettingsSchema, { body: settings }),
    getActivityReport: (sponsorId: string, activityId: string): Promise<ActivityReport> =>
      call('GET', `/sponsors/${encodeURIComponent(sponsorId)}/activities/${encodeURIComponent(activityId)}/report`, ActivityReportSchema),
    createSponsor: (request: { name: string; ownerPhone: string }, idempotencyKey: string): Promise<Sponsor> =>
      call('POST', '/ops/sponsors', SponsorSchema, { body: request, idempotencyKey }),
    topUpSponsor: (sponsorId: string, request: { amountMb: number; reference: string }, idempotencyKey: string): Promise<Topup> =>
      call('POST', `/ops/sponsors/${encodeURIComponent(sponsorId)}/topups`, TopupSchema, { body: request, idempotencyKey }),
    listCashoutProducts: (): Promise<{ items: CashoutProduct[] }> => call('GET', '/cashout/products', CashoutProductListSchema),
    placeCashoutOrder: (productId: string, idempotencyKey: string): Promise<CashoutOrder> => call('POST', '/cashout/orders', CashoutOrderSchema, { body: { productId }, idempotencyKey }),
    getCashoutOrder: (orderId: string): Promise<CashoutOrder> => call('GET', `/cashout/orders/${encodeURIComponent(orderId)}`, CashoutOrderSchema),
    listCashoutOrders: (): Promise<{ items: CashoutOrder[]; nextCursor: string | null }> => call('GET', '/cashout/orders', CashoutOrderListSchema),
    listSuppliers: (): Promise<{ items: Supplier[] }> => call('GET', '/ops/suppliers', SupplierListSchema),
    updateSupplier: (supplierId: string, request: SupplierUpdateRequest): Promise<Supplier> =>
      call('PUT', `/ops/suppliers/${encodeURIComponent(supplierId)}`, SupplierSchema, { body: request }),
    lookUpOrders: (phone: string): Promise<{ items: OpsOrder[]; nextCursor: string | null }> =>
      call('GET', `/ops/orders?phone=${encodeURIComponent(phone)}`, OpsOrderListSchema),
    listCouponBatches: (sponsorId: string): Promise<Page<CouponBatch>> => call('GET', couponBatchesPath(sponsorId), couponBatchPage),
    createCouponBatch: (sponsorId: string, request: CouponBatchCreateRequest, idempotencyKey: string): Promise<CouponBatch> =>
      call('POST', couponBatchesPath(sponsorId), CouponBatchSchema, { body: request, idempotencyKey }),
    /** The batch's codes as CSV text: the service gives them exactly once, then 410 GONE. */
    downloadCouponCodes: (sponsorId: string, batchId: string): Promise<string> =>
      call('GET', couponBatchesPath(sponsorId, `/${encodeURIComponent(batchId)}/codes`), csvText, { responseType: 'text' }),
    redeemCoupon: (code: string, idempotencyKey: string): Promise<CouponRedeemResult> => call('POST', '/coupons/redeem', CouponRedeemResultSchema, { body: { code }, idempotencyKey }),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
