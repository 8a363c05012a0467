import Taro from '@tarojs/taro';
import type { User } from '@liuliang/shared';

const TOKEN_KEY = 'liuliang.token';
const REFRESH_KEY = 'liuliang.refresh';
const USER_KEY = 'liuliang.user';

/**
 * Who is signed in on this device: the user's short-lived access token, the refresh token that
 * renews it, and the user. Nothing else secret is kept.
 */
export interface SessionStore {
  readToken(): string | null;
  readRefreshToken(): string | null;
  readUser(): User | null;
  save(session: { token: string; refreshToken?: string; user?: User }): void;
  clear(): void;
}

const readString = (key: string): string | null => {
  const value: unknown = Taro.getStorageSync(key);
  return typeof value === 'string' && value.length > 0 ? value : null;
};

/** The session in Taro storage: localStorage on H5, wx storage on weapp. */
export const taroSessionStore: SessionStore = {
  readToken: () => readString(TOKEN_KEY),
  readRefreshToken: () => readString(REFRESH_KEY),
  readUser() {
    const user: unknown = Taro.getStorageSync(USER_KEY);
    return typeof user === 'object' && user !== null ? (user as User) : null;
  },
  save({ token, refreshToken, user }) {
    Taro.setStorageSync(TOKEN_KEY, token);
    if (refreshToken !== undefined) Taro.setStorageSync(REFRESH_KEY, refreshToken);
    if (user !== undefined) Taro.setStorageSync(USER_KEY, user);
  },
  clear() {
    Taro.removeStorageSync(TOKEN_KEY);
    Taro.removeStorageSync(REFRESH_KEY);
    Taro.removeStorageSync(USER_KEY);
  },
};
