import { formatMb, type Crowdfund, type Pledge } from '@liuliang/shared';
import type { Lang } from '../commands/command';
import { formatDay, pick } from './format';

/** Replies to tips and crowdfunds, in the language of the command. */

export function tippedText(amountMb: number, recipientName: string, message: string | undefined, lang: Lang): string {
  const note = message === undefined ? '' : `\n「${message}」`;
  return pick(lang, `已打赏 ${recipientName} ${formatMb(amountMb)} 👍${note}`, `Tipped ${recipientName} ${formatMb(amountMb)} 👍${note}`);
}

export function tipOnlyInRoomsText(lang: Lang): string {
  return pick(lang, '打赏要在群里 @ 对方哦。', 'Tip a member in the group chat, by @mention.');
}

/** What the room reads when a crowdfund starts: what for, how much, until when, and how to pledge. */
export function crowdfundStartedText(crowdfund: Crowdfund, creatorName: string, lang: Lang): string {
  return pick(
    lang,
    `🙌 ${creatorName} 发起了众筹「${crowdfund.title}」：目标 ${formatMb(crowdfund.goalMb)}，${formatDay(crowdfund.deadline, lang)} 截止，未达成全额退回。\n发送「支持 ${crowdfund.id} 100M」参与！`,
    `🙌 ${creatorName} started a crowdfund "${crowdfund.title}": ${formatMb(crowdfund.goalMb)} by ${formatDay(crowdfund.deadline, lang)}, all or nothing.\nSend "/pledge ${crowdfund.id} 100M" to join!`,
  );
}

/** The answer to a pledge: what was taken (less than asked when the goal needed less), and where it stands. */
export function pledgedText(pledge: Pledge, crowdfund: Pick<Crowdfund, 'title' | 'goalMb'>, lang: Lang): string {
  const capped =
    pledge.amountMb < pledge.requestedMb
      ? pick(lang, `（只差 ${formatMb(pledge.amountMb)}，只扣了这么多）`, ` (only ${formatMb(pledge.amountMb)} was missing, so only that was taken)`)
      : '';
  const taken = pick(lang, `已支持众筹「${crowdfund.title}」${formatMb(pledge.amountMb)}${capped}`, `Pledged ${formatMb(pledge.amountMb)} to "${crowdfund.title}"${capped}`);
  const progress =
    pledge.status === 'succeeded'
      ? pick(lang, `众筹达成 🎉 共 ${formatMb(crowdfund.goalMb)}`, `The goal of ${formatMb(crowdfund.goalMb)} is reached 🎉`)
      : pick(lang, `已筹 ${formatMb(pledge.raisedMb)} / ${formatMb(crowdfund.goalMb)}`, `${formatMb(pledge.raisedMb)} of ${formatMb(crowdfund.goalMb)} raised`);
  return `${taken}\n${progress}`;
}
