/**
 * What other features may ask of the auth module: the users table is its own, so they call
 * these instead of running SQL on it.
 */
export {
  countUsersInAudience,
  describeUsers,
  facesOf,
  findUserById,
  findUserByPhone,
  lockUser,
  nicknamesOf,
  phonesOfUsersSql,
  userByPhone,
  userIdsByPhone,
  usersInAudience,
  type UserAudience,
} from './users';
