import { CROWDFUND_TITLE_MAX_CHARS, formatMb, GIFT_MESSAGE_MAX_CHARS, RED_PACKET_MAX_COUNT, TIP_MESSAGE_MAX_CHARS, type RedPacket, type ShareGroup, type Wallet } from '@liuliang/shared';
import type { CommandName, Lang, ParseError } from '../commands/command';
import { PASSPHRASE_MAX_CHARS } from '../commands/parse';
import type { Binding, DepositOutcome, GiftOutcome } from '../service/schemas';
import { formatDay, maskPhone, pick } from './format';

const USAGE: Readonly<Record<CommandName, { zh: string; en: string }>> = {
  help: { zh: '帮助', en: '/help' },
  bind: { zh: '绑定 手机号，收到短信后再发 绑定 验证码', en: '/bind <phone>, then /bind <code from the SMS>' },
  balance: { zh: '余额', en: '/balance' },
  give: { zh: '转赠 @好友 100M 留言（也可以写手机号）', en: '/give @friend 100M [message] (or a phone number)' },
  hongbao: { zh: '红包 总额 个数 [口令]，例如 红包 1G 10 恭喜发财', en: '/hongbao <total> <count> [passphrase], e.g. /hongbao 1G 10' },
  'hongbao-equal': { zh: '普通红包 每个金额 个数 [口令]，例如 普通红包 10M 5', en: '/hongbao-equal <each> <count> [passphrase], e.g. /hongbao-equal 10M 5' },
  grab: { zh: '抢（口令红包：直接说出口令）', en: 'grab (for a passphrase packet: say the passphrase)' },
  bank: { zh: '转存 100M（把本月套餐没用完的流量存进钱包）', en: '/bank 100M (move unused plan data into the wallet)' },
  tip: { zh: '打赏 @群友 10M [留言]', en: '/tip @member 10M [message]' },
  crowdfund: { zh: '众筹 目标 期限 标题，例如 众筹 2G 3天 换新手机', en: '/crowdfund <goal> <duration> <title>, e.g. /crowdfund 2G 3d new phone' },
  pledge: { zh: '支持 众筹编号 100M', en: '/pledge <crowdfund id> 100M' },
  family: { zh: '家庭（看看家庭共享的流量池和本月额度）', en: '/family (your family share group: its pool and this month\'s quota)' },
  draw: { zh: '领取 100M（从家庭共享领流量；抢红包请发「抢」）', en: '/draw 100M (take data from your family share group; to grab a red packet say "grab")' },
  checkin: { zh: '签到（参加赞助商的每日签到活动）', en: '/checkin (the sponsors\' daily check-in activities)' },
  cashout: { zh: '提取 1G（把钱包流量充值到本机号码，确认后下单）', en: '/cashout 1G (recharge your own number from the wallet, after a confirmation)' },
  confirm: { zh: '确认（确认刚才的提取）', en: '/confirm (confirm the cash-out just asked)' },
  redeem: { zh: '兑换 卡密（例如 兑换 ABCD-EFGH-JKMN-PQRST）', en: '/redeem <coupon code>, e.g. /redeem ABCD-EFGH-JKMN-PQRST' },
  unsubscribe: { zh: '退订（不再接收活动消息；验证码和到账通知照常）', en: '/unsubscribe (no more activity messages; codes and receipts still arrive)' },
  subscribe: { zh: '订阅（重新接收活动消息）', en: '/subscribe (activity messages again)' },
};

export function usageOf(command: CommandName, lang: Lang): string {
  return USAGE[command][lang];
}

export function helpText(lang: Lang): string {
  const order: CommandName[] = ['bind', 'balance', 'give', 'hongbao', 'hongbao-equal', 'grab', 'bank', 'family', 'draw', 'tip', 'crowdfund', 'pledge', 'checkin', 'redeem', 'unsubscribe', 'subscribe', 'cashout'];
  const lines = order.map((command) => `· ${usageOf(command, lang)}`);
  const title = pick(lang, '流量小助手能做这些：', 'Liuliang bot commands:');
  const amounts = pick(lang, '金额可写 100M、100MB、100兆、1.5G、1GB（1 GB = 1024 MB）', 'Amounts: 100M, 100MB, 1.5G, 1GB (1 GB = 1024 MB)');
  return [title, ...lines, amounts].join('\n');
}

/** The one reply an unbound contact gets for anything but binding and help. */
export function bindFirstText(lang: Lang): string {
  return pick(
    lang,
    '你还没有绑定手机号。请私聊我发送：绑定 手机号，收到验证码后再发送：绑定 验证码',
    'You have not bound a phone number yet. In a private chat with me, send /bind <phone>, then /bind <code>.',
  );
}

/** The only answer to binding in a room: it names no phone and no code, masked or not. */
export function bindInPrivateText(lang: Lang): string {
  return pick(lang, '绑定请私聊我：在私聊里发送「绑定 手机号」，验证码也请在私聊里发给我。', 'Binding happens in a private chat: message me /bind <phone> there, and the code there too.');
}

export function parseErrorText(error: ParseError, lang: Lang): string {
  const quoted = error.input ?? '';
  const message = describeParseError(error, lang, quoted);
  if (error.command === null || error.code === 'UNKNOWN_COMMAND') return message;
  return `${message}\n${pick(lang, '用法：', 'Usage: ')}${usageOf(error.command, lang)}`;
}

function describeParseError(error: ParseError, lang: Lang, quoted: string): string {
  switch (error.code) {
    case 'UNKNOWN_COMMAND':
      return pick(lang, `没看懂「${quoted}」。发送「帮助」看看我能做什么。`, `I don't know "${quoted}". Send /help to see what I can do.`);
    case 'BIND_ARGUMENT_MISSING':
      return pick(lang, '请写上手机号或验证码。', 'Please add your phone number or the code.');
    case 'BIND_ARGUMENT_INVALID':
      return pick(lang, `「${quoted}」既不是 11 位手机号，也不是 6 位验证码。`, `"${quoted}" is neither an 11-digit phone number nor a 6-digit code.`);
    case 'RECIPIENT_MISSING':
      return error.command === 'tip'
        ? pick(lang, '要打赏谁？请 @群友。', 'Who to? @mention a member of this room.')
        : pick(lang, '要转赠给谁？请 @好友，或者写对方手机号。', 'Who to? @mention a friend or write their phone number.');
    case 'AMOUNT_MISSING':
      return pick(lang, '请写上流量数量，例如 100M 或 1.5G。', 'Please add an amount, e.g. 100M or 1.5G.');
    case 'AMOUNT_INVALID':
      return pick(lang, `没看懂流量数量「${quoted}」，可以写 100M、100MB、100兆、1.5G、1GB。`, `I can't read the amount "${quoted}"; write 100M, 100MB, 1.5G or 1GB.`);
    case 'AMOUNT_ZERO':
      return pick(lang, '流量数量不能是 0。', 'The amount cannot be zero.');
    case 'AMOUNT_NEGATIVE':
      return pick(lang, '流量数量不能是负数。', 'The amount cannot be negative.');
    case 'AMOUNT_FRACTIONAL': {
      const hint = error.suggestionMb === undefined ? '' : pick(lang, `，试试 ${error.suggestionMb}M`, `; try ${error.suggestionMb}M`);
      return pick(lang, `「${quoted}」不是整数 MB（1 GB = 1024 MB）${hint}。`, `"${quoted}" is not a whole number of MB (1 GB = 1024 MB)${hint}.`);
    }
    case 'AMOUNT_TOO_LARGE':
      return pick(lang, `「${quoted}」太大了。`, `"${quoted}" is far too much.`);
    case 'COUNT_MISSING':
      return pick(lang, '请写上红包个数。', 'Please add how many shares.');
    case 'COUNT_INVALID':
      return pick(lang, `红包个数「${quoted}」要写成整数，例如 10。`, `The count "${quoted}" must be a whole number, e.g. 10.`);
    case 'COUNT_OUT_OF_RANGE':
      return pick(lang, `红包个数要在 1 到 ${RED_PACKET_MAX_COUNT} 之间。`, `The count must be between 1 and ${RED_PACKET_MAX_COUNT}.`);
    case 'MESSAGE_TOO_LONG': {
      const max = error.command === 'tip' ? TIP_MESSAGE_MAX_CHARS : GIFT_MESSAGE_MAX_CHARS;
      return pick(lang, `留言最多 ${max} 个字。`, `The message can be at most ${max} characters.`);
    }
    case 'PASSPHRASE_TOO_LONG':
      return pick(lang, `口令最多 ${PASSPHRASE_MAX_CHARS} 个字。`, `The passphrase can be at most ${PASSPHRASE_MAX_CHARS} characters.`);
    case 'PASSPHRASE_IS_COMMAND':
      return pick(lang, `口令「${quoted}」和我的指令撞了，换一个吧。`, `The passphrase "${quoted}" looks like one of my commands; pick another.`);
    case 'DURATION_MISSING':
      return pick(lang, '请写上众筹期限，例如 3天 或 12小时。', 'Please add how long it runs, e.g. 3d or 12h.');
    case 'DURATION_INVALID':
      return pick(lang, `没看懂期限「${quoted}」，可以写 3天、12小时、1周。`, `I can't read the duration "${quoted}"; write 3d, 12h or 1w.`);
    case 'TITLE_MISSING':
      return pick(lang, '请写上众筹标题。', 'Please add a title.');
    case 'TITLE_TOO_LONG':
      return pick(lang, `众筹标题最多 ${CROWDFUND_TITLE_MAX_CHARS} 个字。`, `The title can be at most ${CROWDFUND_TITLE_MAX_CHARS} characters.`);
    case 'CROWDFUND_ID_MISSING':
      return pick(lang, '请写上众筹编号。', 'Please add the crowdfund id.');
    case 'CROWDFUND_ID_INVALID':
      return pick(lang, `「${quoted}」不是众筹编号。`, `"${quoted}" is not a crowdfund id.`);
    case 'COUPON_CODE_MISSING':
      return pick(lang, '请写上卡密。', 'Please add the coupon code.');
    case 'COUPON_CODE_INVALID':
      return pick(lang, `「${quoted}」不是卡密：卡密是 17 位字母和数字。`, `"${quoted}" is not a coupon code: it has 17 letters and digits.`);
    case 'COUPON_CODE_MISTYPED':
      return pick(lang, `卡密「${quoted}」好像有字符输错了，请核对后重新发送。`, `The coupon code "${quoted}" looks mistyped; check it and send it again.`);
    case 'DID_YOU_MEAN':
      return pick(lang, `你是想说「${COMMAND_WORDS[error.command ?? 'help']}」吗？`, `Did you mean /${error.command ?? 'help'}?`);
  }
}

/** The Chinese word of each command, as a near miss is corrected to. */
const COMMAND_WORDS: Readonly<Record<CommandName, string>> = {
  help: '帮助',
  bind: '绑定',
  balance: '余额',
  give: '转赠',
  hongbao: '红包',
  'hongbao-equal': '普通红包',
  grab: '抢',
  bank: '转存',
  tip: '打赏',
  crowdfund: '众筹',
  pledge: '支持',
  family: '家庭',
  draw: '领取',
  checkin: '签到',
  cashout: '提取',
  confirm: '确认',
  redeem: '兑换',
  unsubscribe: '退订',
  subscribe: '订阅',
};

/** The answer to a hello in a direct chat: who the bot is, then what it can do. */
export function welcomeText(lang: Lang): string {
  const hello = pick(
    lang,
    '你好！我是流量小助手：帮你查流量余额、把流量送给朋友、在群里发流量红包。先私聊我「绑定 手机号」就能开始。',
    'Hello! I am the Liuliang bot: check your data balance, give data to friends, send data red packets in groups. Start with /bind <phone> here.',
  );
  return `${hello}\n${helpText(lang)}`;
}

/** Posted in a room when people join it: how to take part, in one message for all of them. */
export function newMembersWelcomeText(names: readonly string[]): string {
  const who = names.filter((name) => name !== '').join('、');
  return `欢迎${who === '' ? '新朋友' : ` ${who} `}！群里有人发流量红包时，发送「抢」就能领取；私聊我「绑定 手机号」先绑定一下吧。`;
}

/** In a room, a balance is answered in the direct chat: a wallet is nobody else's business. */
export function balanceSentPrivatelyText(lang: Lang): string {
  return pick(lang, '余额已私聊发给你了，请查看和我的私聊。', 'I sent your balance in a private chat.');
}

/** "抢" while the only open packets here want their passphrase said. */
export function passphraseNeededText(passphrases: readonly string[], lang: Lang): string {
  const [first] = passphrases;
  return pick(
    lang,
    first === undefined ? '现在只有口令红包：直接在群里说出口令就能抢。' : `现在只有口令红包：直接在群里发送口令「${first}」就能抢，不用说「抢」。`,
    first === undefined ? 'Only passphrase packets are open: say the passphrase in the room to grab.' : `Only a passphrase packet is open: say "${first}" in the room to grab it (no need for "grab").`,
  );
}

export function smsSentText(phone: string, lang: Lang): string {
  return pick(lang, `验证码已发送到 ${maskPhone(phone)}，请在 5 分钟内发送：绑定 验证码`, `A code was sent to ${maskPhone(phone)}. Within 5 minutes, send /bind <code>.`);
}

export function bindStartFirstText(lang: Lang): string {
  return pick(lang, '请先发送：绑定 手机号，收到短信验证码后再发送：绑定 验证码', 'First send /bind <phone>; then /bind <code> with the code from the SMS.');
}

export function boundText(binding: Binding, lang: Lang): string {
  return pick(
    lang,
    `绑定成功！${binding.nickname}（${maskPhone(binding.phone)}）。发送「余额」查看流量钱包。`,
    `Bound: ${binding.nickname} (${maskPhone(binding.phone)}). Send /balance to see your wallet.`,
  );
}

export function balanceText(wallet: Wallet, lang: Lang): string {
  const lines = [pick(lang, `余额：${formatMb(wallet.balanceMb)}`, `Balance: ${formatMb(wallet.balanceMb)}`)];
  if (wallet.expiringSoonMb > 0) {
    const earliest = [...wallet.lots].filter((lot) => lot.amountMb > 0).sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))[0];
    const when = earliest === undefined ? '' : pick(lang, `，最早 ${formatDay(earliest.expiresAt, lang)} 到期`, `, the first on ${formatDay(earliest.expiresAt, lang)}`);
    lines.push(
      pick(
        lang,
        `其中 ${formatMb(wallet.expiringSoonMb)} 即将过期${when}。发个红包分给大家吧～`,
        `${formatMb(wallet.expiringSoonMb)} of it expires soon${when}. Why not send a red packet?`,
      ),
    );
  }
  return lines.join('\n');
}

export function giftText(outcome: GiftOutcome, amountMb: number, recipientName: string, message: string | undefined, lang: Lang): string {
  const amount = formatMb(amountMb);
  const note = message === undefined ? '' : `\n「${message}」`;
  if (outcome.status === 'pending_claim') {
    return pick(
      lang,
      `已转赠 ${amount} 给 ${recipientName}。对方还没注册，已短信通知；逾期未领取会退回给你。${note}`,
      `Sent ${amount} to ${recipientName}. They are not registered yet and got an SMS; unclaimed data comes back to you.${note}`,
    );
  }
  return pick(lang, `已转赠 ${amount} 给 ${recipientName} 🎁${note}`, `Gave ${amount} to ${recipientName} 🎁${note}`);
}

export function depositText(outcome: DepositOutcome, lang: Lang): string {
  const amount = formatMb(outcome.amountMb);
  switch (outcome.status) {
    case 'completed': {
      const until = outcome.expiresAt ? pick(lang, `，${formatDay(outcome.expiresAt, lang)} 前有效`, `, good until ${formatDay(outcome.expiresAt, lang)}`) : '';
      return pick(lang, `已把 ${amount} 套餐流量转存进钱包${until}。`, `Banked ${amount} of plan data into your wallet${until}.`);
    }
    case 'pending':
      return pick(lang, `转存 ${amount} 已提交，运营商确认后到账。`, `Banking ${amount}: waiting for the carrier to confirm.`);
    case 'failed':
      return pick(lang, `转存 ${amount} 没有成功，运营商没有扣减套餐流量。`, `Banking ${amount} failed; the carrier did not take any plan data.`);
  }
}

/** What the bot posts in the room when a packet is sent: who, how much, how to grab. */
export function packetAnnouncementText(packet: RedPacket, passphrase: string | undefined, lang: Lang): string {
  const size =
    packet.mode === 'random'
      ? pick(lang, `拼手气红包：共 ${formatMb(packet.totalMb)}，${packet.count} 个`, `a lucky-draw red packet: ${formatMb(packet.totalMb)} in ${packet.count} shares`)
      : pick(lang, `普通红包：每个 ${formatMb(packet.totalMb / packet.count)}，共 ${packet.count} 个`, `a red packet: ${packet.count} shares of ${formatMb(packet.totalMb / packet.count)}`);
  const lines = [pick(lang, `🧧 ${packet.senderNickname} 发了一个${size}`, `🧧 ${packet.senderNickname} sent ${size}`)];
  if (packet.greeting) lines.push(`「${packet.greeting}」`);
  lines.push(
    passphrase === undefined
      ? pick(lang, '发送「抢」领取！', 'Say "grab" (or 抢) to take a share!')
      : pick(lang, `口令红包：发送口令「${passphrase}」领取！`, `Passphrase packet: say "${passphrase}" to take a share!`),
  );
  return lines.join('\n');
}

export function grabbedText(amountMb: number, lang: Lang): string {
  return pick(lang, `抢到 ${formatMb(amountMb)} 🎉`, `You got ${formatMb(amountMb)} 🎉`);
}

export function mentionNotFoundText(name: string, lang: Lang): string {
  return pick(lang, `在这里没找到 @${name}。`, `I can't find @${name} here.`);
}

export function recipientUnboundText(name: string, lang: Lang): string {
  return pick(
    lang,
    `${name} 还没有绑定手机号，请 TA 先给我发送「绑定 手机号」；也可以直接写 TA 的手机号转赠。`,
    `${name} has not bound a phone number yet: they can send me /bind <phone> first, or you can give to their phone number.`,
  );
}

export function packetOnlyInRoomsText(lang: Lang): string {
  return pick(lang, '红包要在群里发哦。', 'Red packets are sent in group chats.');
}

export function grabOnlyInRoomsText(lang: Lang): string {
  return pick(lang, '抢红包要在群里哦。', 'Grab red packets in the group chat.');
}

/** One activity's check-in, as a line of the reply to 签到. */
export function checkinText(activity: { title: string; sponsorName: string }, result: { amountMb: number; streak: number }, lang: Lang): string {
  return pick(
    lang,
    `签到成功！「${activity.title}」获得 ${formatMb(result.amountMb)}，已连续签到 ${result.streak} 天（${activity.sponsorName} 赞助）。`,
    `Checked in to "${activity.title}": ${formatMb(result.amountMb)}, ${result.streak} day(s) in a row (sponsored by ${activity.sponsorName}).`,
  );
}

export function noCheckinActivityText(lang: Lang): string {
  return pick(lang, '现在没有你能参加的签到活动。', 'There is no check-in activity open to you right now.');
}

export function checkedInAlreadyText(lang: Lang): string {
  return pick(lang, '今天已经签到过了，明天再来吧。', 'You have already checked in today; come back tomorrow.');
}

/** After 退订 / 订阅: what stops, and what keeps coming. */
export function messageSettingsText(activityMessages: boolean, lang: Lang): string {
  return activityMessages
    ? pick(lang, '已重新订阅活动消息。', 'Activity messages are on again.')
    : pick(lang, '已退订活动消息。验证码、到账通知照常发送；发「订阅」可以恢复。', 'Activity messages are off. Codes and receipts still arrive; send /subscribe to turn them back on.');
}

export function noFamilyText(lang: Lang): string {
  return pick(
    lang,
    '你还没有加入家庭共享。可以在小程序里创建家庭组，或者请家人把你的手机号加进去。',
    'You are not in a family share group yet. Create one in the mini-program, or ask your family to add your number.',
  );
}

/** The group as its members see it: the pool, the quota, and who drew how much this month. */
export function familyText(group: ShareGroup, talkerUserId: string | null, lang: Lang): string {
  const quota = formatMb(group.monthlyQuotaMb);
  const lines = [
    pick(lang, `🏠 家庭共享「${group.name}」`, `🏠 Family share group "${group.name}"`),
    pick(lang, `流量池：${formatMb(group.poolMb)}；每人每月可领 ${quota}`, `Pool: ${formatMb(group.poolMb)}; each member may draw ${quota} a month`),
  ];
  for (const member of group.members) {
    const name = member.nickname ?? member.phone;
    const tags = [member.isOwner ? pick(lang, '户主', 'owner') : null, member.userId !== null && member.userId === talkerUserId ? pick(lang, '你', 'you') : null].filter((t) => t !== null);
    const tag = tags.length === 0 ? '' : pick(lang, `（${tags.join('，')}）`, ` (${tags.join(', ')})`);
    lines.push(
      member.status === 'pending'
        ? pick(lang, `· ${name}${tag}：等待登录加入`, `· ${name}${tag}: joins at first sign-in`)
        : pick(lang, `· ${name}${tag}：本月已领 ${formatMb(member.drawnThisMonthMb)}`, `· ${name}${tag}: drew ${formatMb(member.drawnThisMonthMb)} this month`),
    );
  }
  lines.push(pick(lang, '发送「领取 100M」从流量池领取。', 'Send /draw 100M to take some.'));
  return lines.join('\n');
}

export function drawnText(group: ShareGroup, amountMb: number, talkerUserId: string | null, lang: Lang): string {
  const me = group.members.find((member) => member.userId !== null && member.userId === talkerUserId);
  const left = me === undefined ? null : Math.max(0, group.monthlyQuotaMb - me.drawnThisMonthMb);
  const leftText = left === null ? '' : pick(lang, `本月还能领 ${formatMb(left)}，`, `${formatMb(left)} left for you this month, `);
  return pick(
    lang,
    `已从家庭共享「${group.name}」领取 ${formatMb(amountMb)} 🎉\n${leftText}流量池还剩 ${formatMb(group.poolMb)}。`,
    `Took ${formatMb(amountMb)} from "${group.name}" 🎉\n${leftText}${formatMb(group.poolMb)} left in the pool.`,
  );
}

/** A redeemed coupon: what it gave and who gave it. */
export function redeemedText(result: { amountMb: number; title: string; sponsor: string }, lang: Lang): string {
  const from = result.sponsor === '' ? result.title : `${result.title}，${result.sponsor}`;
  return pick(lang, `兑换成功！${formatMb(result.amountMb)} 已存入钱包（${from}）。`, `Redeemed! ${formatMb(result.amountMb)} is in your wallet (${result.title}${result.sponsor === '' ? '' : `, ${result.sponsor}`}).`);
}
