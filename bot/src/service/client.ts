import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  CrowdfundSchema,
  PledgeSchema,
  RedPacketSchema,
  TipSchema,
  UserSchema,
  WalletSchema,
  type Crowdfund,
  type CrowdfundCreate,
  type Pledge,
  type RedPacket,
  type RedPacketCreate,
  type Tip,
  type TipRequest,
  type Wallet,
  ShareGroupSchema,
  pageOf,
  type ShareGroup,
  ActivitySchema,
  CheckinResultSchema,
  type Activity,
  type CheckinResult,
  CashoutOrderSchema,
  CashoutProductListSchema,
  type CashoutOrder,
  type CashoutProduct,
  CouponRedeemResultSchema,
  type CouponRedeemResult,
  MessageSettingsSchema,
  type MessageSettings,
} from '@liuliang/shared';
import { isErrorCode, ServiceError } from './errors';
import {
  BindingSchema,
  DepositOutcomeSchema,
  GiftOutcomeSchema,
  NoContentSchema,
  OutboxClaimSchema,
  RoomGrabResultSchema,
  type Binding,
  type ClaimedOutboxItem,
  type DepositOutcome,
  type GiftOutcome,
  type OutboxResult,
  type RoomGrabResult,
} from './schemas';

export const API_PREFIX = '/api/v1';
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** SPEC §4: an Idempotency-Key is at most 255 characters. */
export const IDEMPOTENCY_KEY_MAX_CHARS = 255;
/** Error messages longer than this are the service misbehaving; keep logs and replies short. */
const ERROR_MESSAGE_MAX_CHARS = 300;

export interface ServiceClientOptions {
  serviceUrl: string;
  botToken: string;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
}

interface RequestOptions<T> {
  schema: z.ZodType<T>;
  body?: unknown;
  /**
   * The chat contact who spoke (X-Acting-Contact): the service acts for the user that contact
   * is bound to at the moment of the request, or answers 403 CONTACT_NOT_BOUND. Absent when the
   * bot acts for itself.
   */
  actingContactId?: string;
  idempotencyKey?: string;
}

/**
 * The key for a request caused by one chat message. Deriving it from the message id means a
 * message the chat delivers twice (a reconnect, a restart) replays the first answer instead of
 * moving data twice.
 */
export function idempotencyKeyFor(messageId: string, purpose?: string): string {
  const key = purpose === undefined ? `msg:${messageId}` : `msg:${messageId}:${purpose}`;
  if (key.length <= IDEMPOTENCY_KEY_MAX_CHARS) return key;
  return `msg-sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The service's HTTP API as the bot uses it (service-client auth: `Authorization: Bot <token>`). */
const RenamedSchema = UserSchema.pick({ nickname: true });

export class ServiceClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ServiceClientOptions) {
    this.baseUrl = options.serviceUrl.replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
  }

  sendSmsCode(phone: string, idempotencyKey: string): Promise<unknown> {
    return this.request('POST', '/auth/sms-code', { schema: NoContentSchema, body: { phone }, idempotencyKey });
  }

  bindContact(request: { contactId: string; phone: string; code: string }, idempotencyKey: string): Promise<Binding> {
    return this.request('POST', '/bot/bindings', { schema: BindingSchema, body: request, idempotencyKey });
  }

  /** The contact's binding, or null when the contact has not bound a phone (403 CONTACT_NOT_BOUND). */
  async findBinding(contactId: string): Promise<Binding | null> {
    try {
      return await this.request('GET', `/bot/bindings/${encodeURIComponent(contactId)}`, { schema: BindingSchema });
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'CONTACT_NOT_BOUND') return null;
      throw error;
    }
  }

  async replaceRoomMembers(roomId: string, contactIds: readonly string[]): Promise<void> {
    await this.request('PUT', `/bot/rooms/${encodeURIComponent(roomId)}/members`, { schema: NoContentSchema, body: { contactIds } });
  }

  async addRoomMember(roomId: string, contactId: string): Promise<void> {
    await this.request('POST', `/bot/rooms/${encodeURIComponent(roomId)}/members`, { schema: NoContentSchema, body: { contactId } });
  }

  async removeRoomMember(roomId: string, contactId: string): Promise<void> {
    const path = `/bot/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(contactId)}`;
    await this.request('DELETE', path, { schema: NoContentSchema });
  }

  /** Sets the acting user's nickname (PUT /me; the service checks it as for the app). */
  rename(actingContactId: string, nickname: string): Promise<{ nickname: string }> {
    return this.request('PUT', '/me', { schema: RenamedSchema, body: { nickname }, actingContactId });
  }

  getWallet(actingContactId: string): Promise<Wallet> {
    return this.request('GET', '/wallet', { schema: WalletSchema, actingContactId });
  }

  sendGift(actingContactId: string, gift: { toPhone: string; amountMb: number; message?: string }, idempotencyKey: string): Promise<GiftOutcome> {
    return this.request('POST', '/gifts', { schema: GiftOutcomeSchema, body: gift, actingContactId, idempotencyKey });
  }

  bankPlanData(actingContactId: string, amountMb: number, idempotencyKey: string): Promise<DepositOutcome> {
    return this.request('POST', '/storage/deposits', { schema: DepositOutcomeSchema, body: { amountMb }, actingContactId, idempotencyKey });
  }

  createRedPacket(actingContactId: string, packet: RedPacketCreate, idempotencyKey: string): Promise<RedPacket> {
    return this.request('POST', '/red-packets', { schema: RedPacketSchema, body: packet, actingContactId, idempotencyKey });
  }

  /** Grabs the newest open packet in the room that matches (a plain one, or the one with this passphrase). */
  grabInRoom(actingContactId: string, roomId: string, passphrase: string | undefined, idempotencyKey: string): Promise<RoomGrabResult> {
    const body = passphrase === undefined ? {} : { passphrase };
    return this.request('POST', `/bot/rooms/${encodeURIComponent(roomId)}/grab`, { schema: RoomGrabResultSchema, body, actingContactId, idempotencyKey });
  }

  /** The activities running now that the acting user is eligible for, with their progress. */
  async listActivities(actingContactId: string): Promise<Activity[]> {
    return (await this.request('GET', '/activities', { schema: pageOf(ActivitySchema), actingContactId })).items;
  }

  /** The packages of the acting user's carrier (GET /cashout/products). */
  async listCashoutProducts(actingContactId: string): Promise<CashoutProduct[]> {
    return (await this.request('GET', '/cashout/products', { schema: CashoutProductListSchema, actingContactId })).items;
  }

  /** Cashes out to the acting user's own number; the order runs on in the service. */
  placeCashoutOrder(actingContactId: string, productId: string, idempotencyKey: string): Promise<CashoutOrder> {
    return this.request('POST', '/cashout/orders', { schema: CashoutOrderSchema, body: { productId }, actingContactId, idempotencyKey });
  }

  checkIn(actingContactId: string, activityId: string, idempotencyKey: string): Promise<CheckinResult> {
    return this.request('POST', `/activities/${encodeURIComponent(activityId)}/checkin`, { schema: CheckinResultSchema, actingContactId, idempotencyKey });
  }

  redeemCoupon(actingContactId: string, code: string, idempotencyKey: string): Promise<CouponRedeemResult> {
    return this.request('POST', '/coupons/redeem', { schema: CouponRedeemResultSchema, body: { code }, actingContactId, idempotencyKey });
  }

  /** Activity messages on or off for the acting user (退订 / 订阅); idempotent, so no key. */
  setMessageSettings(actingContactId: string, settings: MessageSettings): Promise<MessageSettings> {
    return this.request('PUT', '/me/message-settings', { schema: MessageSettingsSchema, body: settings, actingContactId });
  }

  /** The family share group the contact's user belongs to, or null (a person is in at most one). */
  async findShareGroup(actingContactId: string): Promise<ShareGroup | null> {
    const page = await this.request('GET', '/share-groups', { schema: ShareGroupPageSchema, actingContactId });
    return page.items[0] ?? null;
  }

  drawFromShareGroup(actingContactId: string, groupId: string, amountMb: number, idempotencyKey: string): Promise<ShareGroup> {
    return this.request('POST', `/share-groups/${encodeURIComponent(groupId)}/draw`, { schema: ShareGroupSchema, body: { amountMb }, actingContactId, idempotencyKey });
  }

  getRedPacket(packetId: string): Promise<RedPacket> {
    return this.request('GET', `/red-packets/${encodeURIComponent(packetId)}`, { schema: RedPacketSchema });
  }

  tip(actingContactId: string, tip: TipRequest, idempotencyKey: string): Promise<Tip> {
    return this.request('POST', '/tips', { schema: TipSchema, body: tip, actingContactId, idempotencyKey });
  }

  createCrowdfund(actingContactId: string, crowdfund: CrowdfundCreate, idempotencyKey: string): Promise<Crowdfund> {
    return this.request('POST', '/crowdfunds', { schema: CrowdfundSchema, body: crowdfund, actingContactId, idempotencyKey });
  }

  pledge(actingContactId: string, crowdfundId: string, amountMb: number, idempotencyKey: string): Promise<Pledge> {
    return this.request('POST', `/crowdfunds/${encodeURIComponent(crowdfundId)}/pledges`, { schema: PledgeSchema, body: { amountMb }, actingContactId, idempotencyKey });
  }

  getCrowdfund(crowdfundId: string): Promise<Crowdfund> {
    return this.request('GET', `/crowdfunds/${encodeURIComponent(crowdfundId)}`, { schema: CrowdfundSchema });
  }

  async claimOutbox(limit: number): Promise<ClaimedOutboxItem[]> {
    const claim = await this.request('POST', '/bot/outbox/claim', { schema: OutboxClaimSchema, body: { limit } });
    return claim.items;
  }

  async reportOutboxResult(itemId: string, result: OutboxResult): Promise<void> {
    await this.request('POST', `/bot/outbox/${encodeURIComponent(itemId)}/result`, { schema: NoContentSchema, body: result });
  }

  private async request<T>(method: string, path: string, options: RequestOptions<T>): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bot ${this.options.botToken}`,
    };
    if (options.actingContactId !== undefined) headers['x-acting-contact'] = options.actingContactId;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${API_PREFIX}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new ServiceError('SERVICE_UNREACHABLE', 0, `${method} ${path}: ${describe(error)}`);
    }

    const json = parseJson(text);
    if (!response.ok) throw toServiceError(method, path, response.status, json);
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) {
      throw new ServiceError('BAD_RESPONSE', response.status, `${method} ${path}: unexpected answer: ${parsed.error.message.slice(0, ERROR_MESSAGE_MAX_CHARS)}`);
    }
    return parsed.data;
  }
}

const ShareGroupPageSchema = pageOf(ShareGroupSchema);

const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string().optional(), details: z.unknown().optional() }) });

function toServiceError(method: string, path: string, status: number, json: unknown): ServiceError {
  const body = ErrorBodySchema.safeParse(json);
  if (body.success && isErrorCode(body.data.error.code)) {
    const message = (body.data.error.message ?? '').slice(0, ERROR_MESSAGE_MAX_CHARS);
    return new ServiceError(body.data.error.code, status, message, body.data.error.details);
  }
  // A proxy's error page, or a code this bot does not know yet: still an error, not a crash.
  const code = status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE';
  return new ServiceError(code, status, `${method} ${path}: HTTP ${status}`);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
