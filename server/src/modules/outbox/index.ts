/**
 * What features ask of the outbox beyond outbox.ts (one message) and delivery.ts (delivering):
 * activity messages under their rules, and how an activity's messages fared (opt-out and the
 * provider's reports are the outbox's own MessageService, service.ts).
 */
export { activityMessageRules, countActivityMessages, enqueueActivityMessage } from './activity-messages';
export { releaseAfterQuietHours } from './quiet-hours';
