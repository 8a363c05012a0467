import { z } from 'zod';
import { newNonce, signedRequestHeaders } from '../carrier/signing';
import { errorAnswer, type Answer } from './http-io';
import type { CarrierWorld } from './world';

/**
 * The SMS provider's calls to us (SPEC §3.9, §6): a person's reply to an SMS (TD, 退订 …) and
 * delivery receipts, each a POST signed with the provider's secret to the service whose address
 * a test or demo set. Driven by admin endpoints, so a test says when a reply or receipt happens.
 */

/** Bound on the receipts one admin call sends. */
const MAX_RECEIPTS_PER_CALL = 5_000;
const WEBHOOK_TIMEOUT_MS = 5_000;

const TargetBody = z.object({ url: z.url() });
const ReplyBody = z.object({ from: z.string().regex(/^1[3-9]\d{9}$/), text: z.string().min(1).max(1000) });
const ReceiptsBody = z.object({ status: z.enum(['delivered', 'failed']), to: z.string().optional() });

export class ProviderWebhooks {
  private target: string | null;
  /** Messages already given a receipt: a message gets one. */
  private readonly receipted = new Set<string>();

  constructor(
    private readonly secret: string,
    private readonly clock: () => number,
    private readonly initialTarget: string | undefined,
  ) {
    this.target = initialTarget ?? null;
  }

  reset(): void {
    this.target = this.initialTarget ?? null;
    this.receipted.clear();
  }

  /** `/admin/webhook`, `/admin/replies`, `/admin/receipts`, or undefined for another path. */
  route(path: string, world: CarrierWorld): ((body: unknown) => Promise<Answer>) | undefined {
    switch (path) {
      case '/admin/webhook':
        return async (body) => {
          const parsed = TargetBody.safeParse(body);
          if (!parsed.success) return errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(parsed.error));
          this.target = parsed.data.url.replace(/\/+$/, '');
          return { status: 200, body: { url: this.target } };
        };
      case '/admin/replies':
        return async (body) => {
          const parsed = ReplyBody.safeParse(body);
          if (!parsed.success) return errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(parsed.error));
          return this.post('/api/v1/messages/inbound', parsed.data);
        };
      case '/admin/receipts':
        return async (body) => {
          const parsed = ReceiptsBody.safeParse(body);
          if (!parsed.success) return errorAnswer(400, 'VALIDATION_FAILED', z.prettifyError(parsed.error));
          const due = world
            .listMessages(parsed.data.to)
            .filter((m) => m.channel === 'sms' && !this.receipted.has(m.messageId))
            .slice(0, MAX_RECEIPTS_PER_CALL);
          let sent = 0;
          for (const message of due) {
            const answer = await this.post('/api/v1/messages/receipts', { messageId: message.messageId, status: parsed.data.status });
            if (answer.status !== 200) return answer;
            this.receipted.add(message.messageId);
            sent++;
          }
          return { status: 200, body: { sent } };
        };
      default:
        return undefined;
    }
  }

  /** One signed POST to the service; its answer passed back as the admin call's answer. */
  private async post(path: string, payload: unknown): Promise<Answer> {
    if (this.target === null) return errorAnswer(409, 'NO_WEBHOOK', 'set the service address with /admin/webhook first');
    const rawBody = JSON.stringify(payload);
    const headers = signedRequestHeaders(this.secret, {
      method: 'POST',
      pathWithQuery: new URL(`${this.target}${path}`).pathname,
      timestampMs: this.clock(),
      nonce: newNonce(),
      rawBody,
    });
    try {
      const response = await fetch(`${this.target}${path}`, { method: 'POST', headers, body: rawBody, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    } catch (error) {
      return errorAnswer(502, 'WEBHOOK_FAILED', error instanceof Error ? error.message : String(error));
    }
  }
}
