/**
 * What other features may ask of the bot module: bot_bindings and room_members are its own, so
 * they call these instead of running SQL on them.
 */
export { isUserInRoom, knownRoomIds, usersWithContact } from './bindings';
export { enqueueRoomMessage, enqueueWechatIfBound, enqueueWechatLaterIfBound } from './wechat-outbox';
