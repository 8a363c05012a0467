import { formatMb, limitDetailsOf } from '@liuliang/shared';
import type { CommandKind, Lang } from '../commands/command';
import type { ServiceError } from '../service/errors';
import { bindFirstText } from './commands';
import { pick } from './format';

/** Service messages are shown only when short; a long one is more likely a leak than a help. */
const DETAIL_MAX_CHARS = 80;

/**
 * The reply to a service error, by its stable code (never by its message), worded for the
 * command that caused it. Codes that only a bug or an outage can cause get one calm sentence;
 * the details go to the log.
 */
export function serviceErrorText(error: ServiceError, command: CommandKind, lang: Lang): string {
  // The service writes its messages in English: an English answer may quote a short one, a
  // Chinese answer never does (no English fragment inside a Chinese sentence).
  const detailEn = error.message !== '' && error.message.length <= DETAIL_MAX_CHARS ? ` (${error.message})` : '';
  switch (error.code) {
    case 'CONTACT_NOT_BOUND':
      return bindFirstText(lang);
    case 'INSUFFICIENT_BALANCE':
      return pick(lang, '余额不足。发送「余额」看看还有多少。', 'Not enough data in your wallet. Send /balance to check.');
    case 'LIMIT_EXCEEDED':
      return ruleText(error.details, lang) ?? limitText(command, lang) + pick(lang, '。', detailEn);
    case 'VALIDATION_FAILED':
      return pick(lang, validationText(command), `That request breaks a rule${detailEn}.`);
    case 'RATE_LIMITED':
      if (command === 'bind-phone') return pick(lang, '验证码发得太频繁了，请 1 分钟后再试。', 'Codes were sent too often; try again in a minute.');
      if (command === 'redeem') return pick(lang, '卡密输错太多次了，请稍后再试。', 'Too many wrong coupon codes; try again later.');
      return pick(lang, '操作太频繁了，请稍后再试。', 'Too many requests; try again shortly.');
    case 'CODE_INVALID':
      return pick(lang, '验证码不对，请核对短信后重新发送：绑定 验证码', 'That code is wrong; check the SMS and send /bind <code> again.');
    case 'CODE_EXPIRED':
      return pick(lang, '验证码已过期，请重新发送：绑定 手机号', 'The code has expired; send /bind <phone> for a new one.');
    case 'CODE_TOO_MANY_TRIES':
      return pick(lang, '验证码输错太多次了，请重新发送：绑定 手机号', 'Too many wrong codes; send /bind <phone> for a new one.');
    case 'SELF_GIFT':
      return pick(lang, '不能转赠给自己哦。', "You can't give data to yourself.");
    case 'SELF_TIP':
      return pick(lang, '不能打赏自己哦。', "You can't tip yourself.");
    case 'CLOSED':
      return pick(lang, '这个众筹已经结束了。', 'That crowdfund has closed.');
    case 'PLAN_INSUFFICIENT':
      return pick(lang, '本月套餐剩下的流量不够转存这么多。', 'Your plan has not that much data left this month.');
    case 'CARRIER_UNAVAILABLE':
      return pick(lang, '运营商暂时无法处理，请稍后再试。', 'The carrier is not answering; try again later.');
    case 'SOLD_OUT':
      return pick(lang, '手慢了，红包已经被抢完了。', 'Too late: the red packet is all gone.');
    case 'ALREADY_GRABBED':
      return pick(lang, '你已经抢过这个红包了。', 'You have already grabbed this red packet.');
    case 'EXPIRED':
      if (command === 'redeem') return pick(lang, '这张卡密已经过期了。', 'That coupon has expired.');
      return pick(lang, '红包已经过期了。', 'That red packet has expired.');
    case 'COUPON_NOT_FOUND':
      return pick(lang, '没有这张卡密，请核对后再试。', 'No coupon has that code; check it and try again.');
    case 'ALREADY_REDEEMED':
      return pick(lang, '这张卡密已经被兑换过了。', 'That coupon has already been redeemed.');
    case 'NOT_YET_VALID':
      return pick(lang, '这张卡密还没到可以兑换的时间。', 'That coupon cannot be redeemed yet.');
    case 'WRONG_PASSPHRASE':
      return pick(lang, '口令不对哦。', 'Wrong passphrase.');
    case 'NOT_IN_ROOM':
      return pick(lang, '你还不在这个群的成员名单里，稍后再试。', 'You are not on this room\'s member list yet; try again shortly.');
    case 'NOT_FOUND':
      if (command === 'grab') return pick(lang, '现在没有可以抢的红包。', 'There is no open red packet here right now.');
      if (command === 'pledge') return pick(lang, '没有找到这个众筹，请核对编号。', 'No crowdfund has that id; check it.');
      return pick(lang, '没有找到。', 'Not found.');
    case 'QUOTA_EXCEEDED': {
      const left = quotaLeftMb(error.details);
      if (left === null) return pick(lang, '超出了你本月的领取额度。', 'That is more than your monthly quota allows.');
      return pick(lang, `超出了你本月的领取额度，本月还能领 ${formatMb(left)}。`, `That is more than your monthly quota allows; ${formatMb(left)} left this month.`);
    }
    case 'INSUFFICIENT_POOL': {
      const pool = poolMbOf(error.details);
      return pool === null
        ? pick(lang, '家庭流量池不够了，请户主先充值。', 'The family pool does not hold that much; ask the owner to fund it.')
        : pick(lang, `家庭流量池只剩 ${formatMb(pool)}，请户主先充值。`, `The family pool holds only ${formatMb(pool)}; ask the owner to fund it.`);
    }
    case 'ALREADY_IN_GROUP':
      return pick(lang, '这个号码已经在一个家庭共享组里了。', 'That number already belongs to a family share group.');
    case 'OWNER_CANNOT_LEAVE':
      return pick(lang, '户主不能移出自己的家庭组。', 'The owner cannot leave their own family group.');
    case 'GROUP_CLOSED':
      return pick(lang, '这个家庭共享组已经解散了。', 'That family share group has been closed.');
    case 'IDEMPOTENCY_IN_FLIGHT':
      return pick(lang, '上一条还在处理中，请稍等。', 'Still working on that; one moment.');
    // An operators' code (a supplier's name): a chat command never causes it.
    case 'NAME_TAKEN':
      return pick(lang, '出了点问题，请稍后再试。', `Something went wrong${detailEn}.`);
    case 'ALREADY_CHECKED_IN':
      return pick(lang, '今天已经签到过了，明天再来吧。', 'You have already checked in today; come back tomorrow.');
    case 'BUDGET_EXHAUSTED':
      return pick(lang, '活动奖励已经发完了。', 'This activity has given out all its data.');
    case 'NOT_STARTED':
      return pick(lang, '活动还没开始。', 'The activity has not started yet.');
    case 'ACTIVITY_ENDED':
      return pick(lang, '活动已经结束了。', 'The activity has ended.');
    case 'ACTIVITY_PAUSED':
      return pick(lang, '活动暂停中，稍后再来。', 'The activity is paused; try again later.');
    case 'NOT_ELIGIBLE':
      return pick(lang, '这个活动不面向你。', 'This activity is not open to you.');
    case 'UNKNOWN_TEMPLATE_VARIABLE':
    case 'UNBALANCED_TEMPLATE_BRACE':
    case 'TEMPLATE_TOO_LONG':
    case 'INSUFFICIENT_BUDGET':
    case 'WRONG_STATE':
    case 'REFERENCE_REUSED':
    case 'LAST_OWNER':
    case 'GONE':
      // Sponsor and operator work is done in the app, never through the bot.
      return pick(lang, '这个操作请在小程序里完成。', `Please do that in the app${detailEn}.`);
    // BAD_SIGNATURE, STALE_REQUEST, REPLAYED_REQUEST: the SMS provider's webhook, which the bot never calls.
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'BAD_SIGNATURE':
    case 'STALE_REQUEST':
    case 'REPLAYED_REQUEST':
    case 'IDEMPOTENCY_KEY_MISSING':
    case 'IDEMPOTENCY_KEY_REUSED':
    case 'BODY_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'METHOD_NOT_ALLOWED':
    case 'INTERNAL':
    case 'BUSY':
    case 'UNAVAILABLE':
    case 'SERVICE_UNREACHABLE':
    case 'BAD_RESPONSE':
      return pick(lang, '服务开小差了，请稍后再试。', 'The service is having trouble; please try again later.');
  }
}

function quotaLeftMb(details: unknown): number | null {
  const left = (details as { remainingMb?: unknown } | undefined)?.remainingMb;
  return typeof left === 'number' && Number.isSafeInteger(left) ? left : null;
}

function poolMbOf(details: unknown): number | null {
  const pool = (details as { poolMb?: unknown } | undefined)?.poolMb;
  return typeof pool === 'number' && Number.isSafeInteger(pool) ? pool : null;
}

/** The limit broken, worded from the rule and limit the service sent; null for a rule this bot does not know. */
function ruleText(details: unknown, lang: Lang): string | null {
  const broken = limitDetailsOf(details);
  if (!broken) return null;
  const { limit } = broken;
  switch (broken.rule) {
    case 'gift.min':
      return pick(lang, `每笔转赠至少 ${formatMb(limit)}。`, `A gift is at least ${formatMb(limit)}.`);
    case 'gift.max':
      return pick(lang, `每笔转赠最多 ${formatMb(limit)}。`, `A gift is at most ${formatMb(limit)}.`);
    case 'gift.daily':
      return pick(lang, `每天最多转赠 ${limit} 次，明天再来吧。`, `You can send at most ${limit} gifts a day; try again tomorrow.`);
    case 'gift.weekly':
      return pick(lang, `每周最多转赠 ${limit} 次。`, `You can send at most ${limit} gifts a week.`);
    case 'gift.monthly':
      return pick(lang, `每月最多转赠 ${limit} 次。`, `You can send at most ${limit} gifts a month.`);
    case 'deposit.min':
      return pick(lang, `每次至少转存 ${formatMb(limit)}。`, `Bank at least ${formatMb(limit)} at a time.`);
    case 'deposit.monthly': {
      const left = broken.remainingMb;
      if (left === undefined) return pick(lang, `每月最多转存 ${formatMb(limit)}。`, `At most ${formatMb(limit)} may be banked a month.`);
      return pick(lang, `每月最多转存 ${formatMb(limit)}，本月还能转存 ${formatMb(left)}。`, `At most ${formatMb(limit)} may be banked a month; ${formatMb(left)} left this month.`);
    }
    case 'red-packet.total':
      return pick(lang, `一个红包最多 ${formatMb(limit)}。`, `A red packet holds at most ${formatMb(limit)}.`);
    case 'room.members':
      return pick(lang, `群成员名单最多 ${limit} 人。`, `A room's member list holds at most ${limit} contacts.`);
    case 'tip.min':
      return pick(lang, `每次打赏至少 ${formatMb(limit)}。`, `A tip is at least ${formatMb(limit)}.`);
    case 'tip.max':
      return pick(lang, `每次打赏最多 ${formatMb(limit)}。`, `A tip is at most ${formatMb(limit)}.`);
    case 'crowdfund.goal.min':
      return pick(lang, `众筹目标至少 ${formatMb(limit)}。`, `A crowdfund's goal is at least ${formatMb(limit)}.`);
    case 'crowdfund.goal.max':
      return pick(lang, `众筹目标最多 ${formatMb(limit)}。`, `A crowdfund's goal is at most ${formatMb(limit)}.`);
    case 'crowdfund.duration.min':
      return pick(lang, `众筹期限至少 ${durationText(limit, 'zh')}。`, `A crowdfund runs at least ${durationText(limit, 'en')}.`);
    case 'crowdfund.duration.max':
      return pick(lang, `众筹期限最多 ${durationText(limit, 'zh')}。`, `A crowdfund runs at most ${durationText(limit, 'en')}.`);
    case 'share-group.members':
      return pick(lang, `家庭共享组最多 ${limit} 人（含户主）。`, `A family share group has at most ${limit} members, the owner included.`);
    case 'activity.per-user-cap':
      return pick(lang, `这个活动每人最多领 ${formatMb(limit)}。`, `This activity gives each person at most ${formatMb(limit)}.`);
    default:
      return null;
  }
}

/** A refused request, in Chinese, by what the command carries (the service's own words are English). */
function validationText(command: CommandKind): string {
  switch (command) {
    case 'give':
      return '转赠没有成功：请检查手机号、流量数量，留言不能有换行或看不见的字符。';
    case 'hongbao':
      return '红包没有发出：请检查总额、个数，口令不能有换行或看不见的字符。';
    case 'grab':
      return '口令里有看不见的字符，请直接打出口令。';
    case 'bind-phone':
    case 'bind-code':
      return '手机号或验证码的格式不对，请重新发送。';
    default:
      return '这个请求不符合规则，请检查后再试。';
  }
}

/** For an older service that sends no details: the command tells which limits it may be. */
function limitText(command: CommandKind, lang: Lang): string {
  switch (command) {
    case 'give':
      return pick(lang, '超出了转赠限额（单笔金额或每天、每周、每月次数）', 'That is over a gift limit (the amount, or gifts per day, week or month)');
    case 'bank':
      return pick(lang, '超出了转存限额（单笔最少金额或本月转存上限）', 'That is over a banking limit (the minimum, or this month\'s cap)');
    case 'hongbao':
      return pick(lang, '超出了红包限额（个数或总额）', 'That is over a red packet limit (count or total)');
    default:
      return pick(lang, '超出了限额', 'That is over a limit');
  }
}

/** Seconds as the largest whole unit people say: 2592000 → "30 天" / "30 days". */
function durationText(seconds: number, lang: Lang): string {
  const units: Array<[number, string, string]> = [
    [86_400, '天', 'days'],
    [3_600, '小时', 'hours'],
    [60, '分钟', 'minutes'],
  ];
  const [size, zh, en] = units.find(([unitSeconds]) => seconds % unitSeconds === 0 && seconds >= unitSeconds) ?? [1, '秒', 'seconds'];
  return lang === 'zh' ? `${seconds / size} ${zh}` : `${seconds / size} ${en}`;
}
