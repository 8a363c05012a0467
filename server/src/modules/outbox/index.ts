/**
 * What features ask of the outbox beyond outbox.ts (one message) and delivery.ts (delivering):
 * activity messages under their rules, opt-out, and how an activity's messages fared.
 */
export {
  activityMessageRules,
  countActivityMessages,
  enqueueActivityMessage,
  messageSettingsOf,
  optIn,
  optOut,
  recordDeliveryReceipt,
  type ActivityMessage,
  type ActivityMessageRules,
} from './activity-messages';
export { releaseAfterQuietHours } from './quiet-hours';
