/** People as other features may know them: found by number, described by nickname and masked number. */
export { describeUsers, findUserByPhone } from './users';
