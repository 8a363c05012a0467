/**
 * The product's default limits (SPEC §3), checked here only to answer at once; the service holds
 * the configured values and has the last word.
 */
export const DEPOSIT_MIN_MB = 10;
export const GIFT_MIN_MB = 10;
export const GIFT_MAX_MB = 10_240;
export const RED_PACKET_MAX_TOTAL_MB = 102_400;
export const RED_PACKET_GREETING_MAX_CHARS = 60;
export const RED_PACKET_PASSPHRASE_MAX_CHARS = 32;
/** Each share of a random packet is at least 1 MB. */
export const RED_PACKET_MIN_SHARE_MB = 1;
/** The service resends a code no sooner than this (SPEC §4, `POST /auth/sms-code`). */
export const SMS_RESEND_SECONDS = 60;
