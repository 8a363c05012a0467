import type { DeliveryReceipt, InboundMessage, MessageSettings, User } from '@liuliang/shared';
import { optOutIntent } from '@liuliang/shared';
import { inTransaction } from '../../db/sql';
import type { Deps } from '../../deps';
import { messageSettingsOf, optIn, optOut, recordDeliveryReceipt } from './activity-messages';

/** What the message service is made of: the database and the clock. */
export type MessageDeps = Pick<Deps, 'dataSource' | 'clock'>;

/**
 * People's say over activity messages (SPEC §3.9: opt-out by the app, the bot, or an SMS reply)
 * and what the SMS provider reports back (replies, delivery receipts). Opting out stops activity
 * messages only: sign-in codes, gift notices and receipts keep coming.
 */
export class MessageService {
  constructor(private readonly deps: MessageDeps) {}

  settings(user: User): Promise<MessageSettings> {
    return messageSettingsOf(this.deps.dataSource.manager, user.phone);
  }

  async changeSettings(user: User, settings: MessageSettings, viaBot: boolean): Promise<MessageSettings> {
    const { dataSource, clock } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      if (settings.activityMessages) await optIn(sql, user.phone);
      else await optOut(sql, user.phone, viaBot ? 'bot' : 'app', clock.now());
    });
    return this.settings(user);
  }

  /** A reply to one of our SMS, from the provider's signed webhook: TD / T / 退订 stop, 订阅 restarts, anything else is kept out of it. */
  async inbound(message: InboundMessage): Promise<{ action: 'opted_out' | 'opted_in' | 'ignored' }> {
    const intent = optOutIntent(message.text);
    if (intent === null) return { action: 'ignored' };
    const { dataSource, clock } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      if (intent === 'opt_out') await optOut(sql, message.from, 'sms', clock.now());
      else await optIn(sql, message.from);
    });
    return { action: intent === 'opt_out' ? 'opted_out' : 'opted_in' };
  }

  async receipt(receipt: DeliveryReceipt): Promise<{ recorded: boolean }> {
    return { recorded: await recordDeliveryReceipt(this.deps.dataSource.manager, receipt.messageId, receipt.status) };
  }
}
