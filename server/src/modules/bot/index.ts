/** What other features ask of the bot module: a chat message to a user who has bound a contact. */
export { enqueueWechatIfBound } from './wechat-outbox';
