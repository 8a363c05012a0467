import type { Context } from 'koa';
import {
  DeliveryReceiptResultSchema,
  DeliveryReceiptSchema,
  InboundMessageSchema,
  InboundResultSchema,
  MessageSettingsRequestSchema,
  MessageSettingsSchema,
} from '@liuliang/shared';
import type { Api } from '../api';
import { callerUser, type Caller } from '../auth';
import { redisKey, type Deps } from '../../deps';
import { DomainError } from '../../platform/errors';
import { NONCE_HEADER, REPLAY_WINDOW_MS, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyRequest } from '../../carrier/signing';
import type { MessageService } from '../../modules/outbox/service';

/**
 * Checks the SMS provider's signature on a webhook (the scheme of carrier/signing.ts, the
 * provider's own secret): a forged or stale request is refused, and a genuine one is taken once.
 * Nonces live in Redis, shared by every process, so a replay to another process is refused too.
 */
async function requireProviderSignature(deps: Pick<Deps, 'config' | 'redis'>, ctx: Context): Promise<void> {
  if (!ctx.get(SIGNATURE_HEADER)) throw new DomainError('BAD_SIGNATURE', 'The request is not signed (X-Signature).');
  const rawBody = (ctx.request as { rawBody?: string }).rawBody ?? '';
  const check = verifyRequest({
    secret: deps.config.MESSAGE_PROVIDER_SECRET,
    target: { method: ctx.method, pathWithQuery: ctx.originalUrl },
    timestampHeader: ctx.get(TIMESTAMP_HEADER) || undefined,
    nonceHeader: ctx.get(NONCE_HEADER) || undefined,
    signatureHeader: ctx.get(SIGNATURE_HEADER) || undefined,
    rawBody,
    // The wall clock, not the injected one: the provider signs with its own real clock.
    nowMs: Date.now(),
    // Remembered below, in Redis: verifyRequest's store is synchronous and per process.
    seenNonces: { remember: () => 'fresh' },
  });
  if (!check.ok) throw new DomainError(check.code === 'REPLAY_STORE_FULL' ? 'BUSY' : check.code, check.message);
  const fresh = await deps.redis.set(redisKey(deps.config, 'provider-nonce', ctx.get(NONCE_HEADER)), '1', 'PX', 2 * REPLAY_WINDOW_MS, 'NX');
  if (fresh !== 'OK') throw new DomainError('REPLAYED_REQUEST', 'this X-Nonce was already used');
}

/** A person's message settings, and the SMS provider's webhooks (SPEC §3.9, §6). */
export function addMessageRoutes(api: Api, deps: Deps, messages: MessageService): void {
  api.add(
    { method: 'get', path: '/me/message-settings', tag: 'messages', summary: 'Whether activity messages reach the caller', access: 'user', response: MessageSettingsSchema },
    async (ctx) => messages.settings(callerUser(ctx)),
  );
  api.add(
    {
      method: 'put',
      path: '/me/message-settings',
      tag: 'messages',
      summary: 'Turn activity messages on or off (codes, gift notices and receipts always arrive); the bot’s 退订 / 订阅 call this',
      access: 'user',
      body: MessageSettingsRequestSchema,
      response: MessageSettingsSchema,
    },
    async (ctx, { body }) => messages.changeSettings(callerUser(ctx), body, (ctx.state.caller as Caller & { viaBot?: boolean }).viaBot === true),
  );
  api.add(
    {
      method: 'post',
      path: '/messages/inbound',
      tag: 'messages',
      summary: 'The SMS provider’s signed webhook for replies: TD, T or 退订 stop activity messages, 订阅 restarts them; 401 BAD_SIGNATURE / STALE_REQUEST / REPLAYED_REQUEST',
      access: 'none',
      body: InboundMessageSchema,
      response: InboundResultSchema,
    },
    async (ctx, { body }) => {
      await requireProviderSignature(deps, ctx);
      return messages.inbound(body);
    },
  );
  api.add(
    {
      method: 'post',
      path: '/messages/receipts',
      tag: 'messages',
      summary: 'The SMS provider’s signed delivery receipt (delivered or failed) for a message it took',
      access: 'none',
      body: DeliveryReceiptSchema,
      response: DeliveryReceiptResultSchema,
    },
    async (ctx, { body }) => {
      await requireProviderSignature(deps, ctx);
      return messages.receipt(body);
    },
  );
}
