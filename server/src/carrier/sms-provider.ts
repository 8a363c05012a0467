import { z } from 'zod';
import { postSigned, SignedEndpoint } from './signed-http';

/**
 * Our client of the SMS and e-mail provider, used by the outbox senders (SPEC §6). The outbox
 * retries, so a lost answer can mean a message delivered twice: at-least-once, like any SMS.
 */

const SentAnswer = z.object({ messageId: z.string().min(1).max(128) });

export interface SentMessage {
  messageId: string;
}

export interface MessageProvider {
  sendSms(to: string, text: string): Promise<SentMessage>;
  sendEmail(to: string, subject: string, text: string): Promise<SentMessage>;
}

export class MessageProviderError extends Error {
  readonly code = 'MESSAGE_PROVIDER_FAILED';
  /**
   * False when the provider refused the message itself (4xx): sending it again cannot help.
   * True for outages, timeouts and malformed answers.
   */
  readonly retryable: boolean;
  constructor(
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`message provider failed: ${reason}`);
    this.name = 'MessageProviderError';
    this.retryable = status === undefined || status === 408 || status === 429 || status >= 500;
  }
}

export function createMessageProvider(options: {
  baseUrl: string;
  secret: string;
  timeoutMs: number;
  clock?: () => number;
}): MessageProvider {
  if (!(options.timeoutMs > 0)) throw new Error(`createMessageProvider: timeoutMs must be positive, got ${options.timeoutMs}`);
  const endpoint: SignedEndpoint = { ...options, clock: options.clock ?? Date.now };

  const send = async (path: string, payload: Record<string, string>): Promise<SentMessage> => {
    const answer = await postSigned(endpoint, path, payload);
    // Unverified is retryable: only the provider itself may say "never send this again".
    if (answer.kind !== 'answered') throw new MessageProviderError(answer.reason);
    if (answer.status !== 200) throw new MessageProviderError(`${path} answered ${answer.status}`, answer.status);
    const sent = SentAnswer.safeParse(answer.body);
    if (!sent.success) throw new MessageProviderError(`${path} answer is malformed`);
    return { messageId: sent.data.messageId };
  };

  return {
    sendSms: (to, text) => send('/sms/send', { to, text }),
    sendEmail: (to, subject, text) => send('/email/send', { to, subject, text }),
  };
}
