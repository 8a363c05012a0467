import jwt from 'jsonwebtoken';
import { createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { DataSource } from 'typeorm';
import type { User } from '@liuliang/shared';
import { unauthenticated, AppError } from './app-error';
import { findUserById } from '../modules/auth/users';

const TOKEN_LIFETIME = '30d';

export type Caller =
  | { kind: 'user'; user: User; viaBot: boolean }
  /** A user known by a valid token alone, for hot routes that need no more than the id. */
  | { kind: 'user-id'; userId: string; viaBot: false }
  | { kind: 'bot' };

export interface AuthDeps {
  dataSource: DataSource;
  jwtSecret: string;
  botToken: string;
}

/** Users looked up by id, kept briefly: a grab storm must not cost one MySQL read per request. */
const USER_CACHE_TTL_MS = 30_000;
const USER_CACHE_MAX = 20_000;
const userCache = new Map<string, { user: User; until: number }>();

async function cachedUser(dataSource: DataSource, id: string): Promise<User | null> {
  const hit = userCache.get(id);
  if (hit && hit.until > Date.now()) return hit.user;
  const user = await findUserById(dataSource.manager, id);
  if (user) {
    if (userCache.size >= USER_CACHE_MAX) userCache.delete(userCache.keys().next().value as string);
    userCache.set(id, { user, until: Date.now() + USER_CACHE_TTL_MS });
  }
  return user;
}

/**
 * The HMAC key as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it
 * as a public key on every verify, which cost ~0.5 ms per request in the grab storm.
 */
const secretKeys = new Map<string, KeyObject>();
function keyOf(jwtSecret: string): KeyObject {
  let key = secretKeys.get(jwtSecret);
  if (!key) {
    key = createSecretKey(Buffer.from(jwtSecret));
    secretKeys.set(jwtSecret, key);
  }
  return key;
}

export function issueToken(jwtSecret: string, userId: string): string {
  return jwt.sign({}, keyOf(jwtSecret), { subject: userId, expiresIn: TOKEN_LIFETIME, algorithm: 'HS256' });
}

/** The user id inside a valid token, or null. */
export function verifyToken(jwtSecret: string, token: string): string | null {
  try {
    const payload = jwt.verify(token, keyOf(jwtSecret), { algorithms: ['HS256'] });
    return typeof payload === 'object' && typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

export function isBotToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who is calling: a user with a bearer token, or the bot (`Authorization: Bot <token>`), acting
 * for a bound user when it sends `X-Acting-User` (SPEC §4).
 */
export async function identifyCaller(deps: AuthDeps, ctx: Context, tokenIsEnough = false): Promise<Caller | null> {
  const header = ctx.get('authorization');
  const [scheme, credential] = header.split(' ', 2);
  if (!credential) return null;
  if (scheme === 'Bearer') {
    const userId = verifyToken(deps.jwtSecret, credential);
    // Tokens are issued only to registered users, and users are never deleted.
    if (userId && tokenIsEnough) return { kind: 'user-id', userId, viaBot: false };
    const user = userId ? await cachedUser(deps.dataSource, userId) : null;
    return user ? { kind: 'user', user, viaBot: false } : null;
  }
  if (scheme === 'Bot' && isBotToken(deps.botToken, credential)) {
    const acting = ctx.get('x-acting-user');
    if (!acting) return { kind: 'bot' };
    const user = /^\d{1,20}$/.test(acting) ? await cachedUser(deps.dataSource, acting) : null;
    if (!user) throw new AppError(403, 'FORBIDDEN', 'X-Acting-User names no user.');
    return { kind: 'user', user, viaBot: true };
  }
  return null;
}

/** `user-id`: a user, but the route needs only their id (no user row is read). */
export type Access = 'none' | 'user' | 'user-id' | 'bot' | 'user-or-bot';

export function requireAccess(deps: AuthDeps, access: Access) {
  return async function checkAccess(ctx: Context, next: Next): Promise<void> {
    if (access !== 'none') {
      const caller = await identifyCaller(deps, ctx, access === 'user-id');
      if (!caller) throw unauthenticated();
      if ((access === 'user' || access === 'user-id') && caller.kind === 'bot') throw new AppError(403, 'FORBIDDEN', 'This needs a user; the bot must send X-Acting-User.');
      if (access === 'bot' && caller.kind !== 'bot' && !caller.viaBot) throw new AppError(403, 'FORBIDDEN', 'Only the bot may call this.');
      ctx.state.caller = caller;
    }
    await next();
  };
}

export function callerUser(ctx: Context): User {
  const caller = ctx.state.caller as Caller | undefined;
  if (!caller || caller.kind !== 'user') throw unauthenticated();
  return caller.user;
}

export function callerUserId(ctx: Context): string {
  const caller = ctx.state.caller as Caller | undefined;
  if (caller?.kind === 'user') return caller.user.id;
  if (caller?.kind === 'user-id') return caller.userId;
  throw unauthenticated();
}
