import { formatMb, type User } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import { enqueueMessage } from '../outbox/outbox';
import { enqueueWechatIfBound } from '../bot';

/** An outcome said to one person, worded for the chat and, signed, for an SMS. */
export interface OutcomeText {
  template: string;
  text: string;
}

/** SPEC §3.5: pledgers and the creator hear the outcome in the chat when bound, else by SMS. */
export async function tellUser(sql: Sql, user: Pick<User, 'id' | 'phone'>, message: OutcomeText, now: Date): Promise<void> {
  if (await enqueueWechatIfBound(sql, user, message.template, message.text, now)) return;
  await enqueueMessage(sql, { channel: 'sms', to: user.phone, template: message.template, text: `【流量】${message.text}` }, now);
}

export function creatorOutcomeText(outcome: 'succeeded' | 'failed' | 'cancelled', c: { title: string; goalMb: number; raisedMb: number }): OutcomeText {
  switch (outcome) {
    case 'succeeded':
      return { template: 'crowdfund_succeeded_creator', text: `你发起的众筹「${c.title}」已达成目标，${formatMb(c.goalMb)} 流量已存入你的钱包。` };
    case 'failed':
      return {
        template: 'crowdfund_failed_creator',
        text: `你发起的众筹「${c.title}」到期未达成目标（已筹 ${formatMb(c.raisedMb)} / ${formatMb(c.goalMb)}），支持者的流量将退回他们的钱包。`,
      };
    case 'cancelled':
      return { template: 'crowdfund_cancelled_creator', text: `你已取消众筹「${c.title}」，支持者的流量将退回他们的钱包。` };
  }
}

export function pledgerOutcomeText(outcome: 'succeeded' | 'failed' | 'cancelled', c: { title: string }, pledgedMb: number): OutcomeText {
  switch (outcome) {
    case 'succeeded':
      return { template: 'crowdfund_succeeded_pledger', text: `你支持的众筹「${c.title}」已达成目标，感谢你的 ${formatMb(pledgedMb)} 流量。` };
    case 'failed':
      return { template: 'crowdfund_failed_pledger', text: `你支持的众筹「${c.title}」到期未达成目标，你的 ${formatMb(pledgedMb)} 流量将退回钱包。` };
    case 'cancelled':
      return { template: 'crowdfund_cancelled_pledger', text: `你支持的众筹「${c.title}」已被发起人取消，你的 ${formatMb(pledgedMb)} 流量将退回钱包。` };
  }
}
