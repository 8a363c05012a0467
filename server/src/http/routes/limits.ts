import {
  LimitsQuerySchema,
  LimitsSchema,
  RED_PACKET_GREETING_MAX_CHARS,
  RED_PACKET_MAX_COUNT,
  RED_PACKET_PASSPHRASE_MAX_CHARS,
  GIFT_MESSAGE_MAX_CHARS,
  TIP_MESSAGE_MAX_CHARS,
  CROWDFUND_TITLE_MAX_CHARS,
  SHARE_GROUP_NAME_MAX_CHARS,
  type Limits,
} from '@liuliang/shared';
import type { Config } from '../../config';
import type { Api } from '../api';

/** Every share of a random packet is at least 1 MB (the split's own rule, SPEC §3.3). */
const RED_PACKET_MIN_SHARE_MB = 1;

/** The configured limits as clients see them: read from configuration, so a client never keeps a stale copy. */
export function publishedLimits(config: Config): Limits {
  return {
    deposit: { minMb: config.DEPOSIT_MIN_MB, monthlyCapMb: config.DEPOSIT_MONTHLY_CAP_MB },
    gift: {
      minMb: config.GIFT_MIN_MB,
      maxMb: config.GIFT_MAX_MB,
      perDay: config.GIFT_DAILY_LIMIT,
      perWeek: config.GIFT_WEEKLY_LIMIT,
      perMonth: config.GIFT_MONTHLY_LIMIT,
      messageMaxChars: GIFT_MESSAGE_MAX_CHARS,
      claimHours: config.GIFT_CLAIM_HOURS,
    },
    redPacket: {
      maxTotalMb: config.RED_PACKET_MAX_TOTAL_MB,
      minCount: 1,
      maxCount: RED_PACKET_MAX_COUNT,
      minShareMb: RED_PACKET_MIN_SHARE_MB,
      greetingMaxChars: RED_PACKET_GREETING_MAX_CHARS,
      passphraseMaxChars: RED_PACKET_PASSPHRASE_MAX_CHARS,
      validSeconds: config.RED_PACKET_VALID_SECONDS,
    },
    smsCode: { resendSeconds: config.SMS_CODE_RESEND_SECONDS },
    tip: { minMb: config.TIP_MIN_MB, maxMb: config.TIP_MAX_MB, messageMaxChars: TIP_MESSAGE_MAX_CHARS },
    crowdfund: {
      minGoalMb: config.CROWDFUND_MIN_GOAL_MB,
      maxGoalMb: config.CROWDFUND_MAX_GOAL_MB,
      minSeconds: config.CROWDFUND_MIN_SECONDS,
      maxSeconds: config.CROWDFUND_MAX_SECONDS,
      titleMaxChars: CROWDFUND_TITLE_MAX_CHARS,
    },
    shareGroup: { maxMembers: config.SHARE_GROUP_MAX_MEMBERS, nameMaxChars: SHARE_GROUP_NAME_MAX_CHARS },
    activitySms: { segmentChars: config.ACTIVITY_SMS_SEGMENT_CHARS, maxSegments: config.ACTIVITY_SMS_MAX_SEGMENTS },
  };
}

/**
 * `access: 'none'`: the limits are the product's rules, the same for everyone and naming nobody,
 * and the sign-in page needs one (the code resend interval) before anyone is signed in.
 */
export function addLimitRoutes(api: Api, config: Config): void {
  const limits = publishedLimits(config);
  api.add(
    {
      method: 'get',
      path: '/limits',
      tag: 'limits',
      summary: 'The configured limits of deposits, gifts, red packets, sign-in codes, tips and crowdfunds',
      access: 'none',
      query: LimitsQuerySchema,
      response: LimitsSchema,
    },
    async () => limits,
  );
}
