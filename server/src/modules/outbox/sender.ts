import type { Deps } from '../../deps';
import { inTransaction } from '../../db/sql';
import { MessageProviderError, type MessageProvider } from '../../carrier/sms-provider';
import { revealText } from './outbox';
import { rememberProviderMessageId } from './activity-messages';
import { claimDue, recordResult, type ClaimedMessage } from './delivery';
import type { DeliveryOutcome } from './policy';

/** Messages one run sends at most; the job runs again soon after. */
export const OUTBOX_BATCH = 50;
const PROVIDER_CHANNELS = ['sms', 'email'] as const;

/**
 * Delivers due SMS and e-mail messages to the provider through the outbox's one delivery
 * mechanism (delivery.ts): leased claim, send, result, the shared retry policy.
 */
export async function deliverDueMessages(deps: Deps, provider: MessageProvider): Promise<number> {
  const { dataSource, clock, logger } = deps;
  const due = await inTransaction(dataSource, (sql) => claimDue(sql, { channels: PROVIDER_CHANNELS, limit: OUTBOX_BATCH, now: clock.now() }));
  let sent = 0;
  for (const message of due) {
    const { outcome, providerMessageId } = await sendToProvider(deps, provider, message);
    const recorded = await inTransaction(dataSource, async (sql) => {
      // Kept so that the provider's delivery receipt (by its own id) finds this message.
      if (providerMessageId !== undefined) await rememberProviderMessageId(sql, message.id, providerMessageId);
      return recordResult(sql, message.id, outcome, { now: clock.now(), channels: PROVIDER_CHANNELS });
    });
    if (outcome.status === 'sent') sent++;
    else logger.warn({ err: outcome.error, messageId: message.id, attempts: message.attempts }, recorded?.status === 'failed' ? 'message failed for good' : 'message will be retried');
  }
  return sent;
}

async function sendToProvider(deps: Deps, provider: MessageProvider, message: ClaimedMessage): Promise<{ outcome: DeliveryOutcome; providerMessageId?: string }> {
  try {
    const text = revealText(message.text, message.sealed, deps.config.CODE_HASH_KEY);
    let sent: { messageId: string };
    if (message.channel === 'sms') sent = await provider.sendSms(message.recipient, text);
    else {
      // An e-mail of several lines has its subject on the first; one of a single line is
      // subjected by its template's name.
      const newline = text.indexOf('\n');
      const [subject, body] = newline < 0 ? [message.template, text] : [text.slice(0, newline), text.slice(newline + 1)];
      sent = await provider.sendEmail(message.recipient, subject, body);
    }
    return { outcome: { status: 'sent' }, providerMessageId: sent.messageId };
  } catch (error) {
    // Only the provider's own error type can say "sending again cannot help"; anything else
    // (a bug, a dropped database connection) is treated as passing.
    const retryable = !(error instanceof MessageProviderError && !error.retryable);
    return { outcome: { status: 'failed', retryable, error: String((error as Error)?.message ?? error) } };
  }
}
