import Taro from '@tarojs/taro';
import type { User } from '@liuliang/shared';

const TOKEN_KEY = 'liuliang.token';
const USER_KEY = 'liuliang.user';

/** Who is signed in on this device. Only the user's own session token is kept; nothing else secret. */
export interface SessionStore {
  readToken(): string | null;
  readUser(): User | null;
  save(session: { token: string; user: User }): void;
  clear(): void;
}

/** The session in Taro storage: localStorage on H5, wx storage on weapp. */
export const taroSessionStore: SessionStore = {
  readToken() {
    const token: unknown = Taro.getStorageSync(TOKEN_KEY);
    return typeof token === 'string' && token.length > 0 ? token : null;
  },
  readUser() {
    const user: unknown = Taro.getStorageSync(USER_KEY);
    return typeof user === 'object' && user !== null ? (user as User) : null;
  },
  save({ token, user }) {
    Taro.setStorageSync(TOKEN_KEY, token);
    Taro.setStorageSync(USER_KEY, user);
  },
  clear() {
    Taro.removeStorageSync(TOKEN_KEY);
    Taro.removeStorageSync(USER_KEY);
  },
};
