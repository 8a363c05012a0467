import type { Context, Next } from 'koa';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { ChatIdSchema, type User } from '@liuliang/shared';
import { DomainError, forbidden, invalidInput, unauthenticated } from '../platform/errors';
import { findUserById } from '../modules/auth/users';
import { isBotToken, verifyAccessToken } from '../modules/auth/tokens';
import { findBinding } from '../modules/bot/bindings';

export type Caller =
  /** `sessionId`: the sign-in session the access token names (a logout revokes it). */
  | { kind: 'user'; user: User; viaBot: false; sessionId: string }
  /** `actingContactId`: the chat contact the bot acts for, whose binding named this user. */
  | { kind: 'user'; user: User; viaBot: true; actingContactId: string }
  /** A user known by a valid token alone, for hot routes that need no more than the id. */
  | { kind: 'user-id'; userId: string; viaBot: false; sessionId: string }
  | { kind: 'bot' };

export interface AuthDeps {
  dataSource: DataSource;
  jwtSecret: string;
  botToken: string;
  /** Whether a session was signed out: its access tokens are refused before they expire. */
  isSessionRevoked(sessionId: string): Promise<boolean>;
}

/** Users looked up by id, kept briefly: a grab storm must not cost one MySQL read per request. */
const USER_CACHE_TTL_MS = 30_000;
const USER_CACHE_MAX = 20_000;
const userCache = new LRUCache<string, User>({ max: USER_CACHE_MAX, ttl: USER_CACHE_TTL_MS });

async function cachedUser(dataSource: DataSource, id: string): Promise<User | null> {
  const hit = userCache.get(id);
  if (hit) return hit;
  const user = await findUserById(dataSource.manager, id);
  if (user) userCache.set(id, user);
  return user;
}

/** After a rename: this process shows the new name at once; others within USER_CACHE_TTL_MS. */
export function forgetCachedUser(id: string): void {
  userCache.delete(id);
}

/**
 * Who is calling: a user with a bearer token, or the bot (`Authorization: Bot <token>`), acting
 * for the user a chat contact is bound to when it sends `X-Acting-Contact` (SPEC §4).
 */
export async function identifyCaller(deps: AuthDeps, ctx: Context, tokenIsEnough = false): Promise<Caller | null> {
  const header = ctx.get('authorization');
  const [scheme, credential] = header.split(' ', 2);
  if (!credential) return null;
  if (scheme === 'Bearer') {
    const token = verifyAccessToken(deps.jwtSecret, credential);
    if (!token || (await deps.isSessionRevoked(token.sessionId))) return null;
    const { userId, sessionId } = token;
    // Tokens are issued only to registered users, and users are never deleted.
    if (tokenIsEnough) return { kind: 'user-id', userId, viaBot: false, sessionId };
    const user = await cachedUser(deps.dataSource, userId);
    return user ? { kind: 'user', user, viaBot: false, sessionId } : null;
  }
  if (scheme === 'Bot' && isBotToken(deps.botToken, credential)) return identifyBotCaller(deps, ctx);
  return null;
}

/**
 * The bot alone, or the bot acting for the user its contact is bound to now. The binding is
 * read on every request, never cached: a contact that binds another phone, or whose user
 * moved to another contact, must stop acting for the old user at once. The user row itself
 * may come from the cache: a user id never names another person.
 */
async function identifyBotCaller(deps: AuthDeps, ctx: Context): Promise<Caller> {
  // The old header named any user by id: the bot token was a master key. Refused loudly, so a
  // bot still sending it fails instead of silently acting as nobody.
  if (ctx.get('x-acting-user')) throw forbidden('X-Acting-User is not accepted; send X-Acting-Contact with the contact who spoke.');
  const acting = ctx.get('x-acting-contact');
  if (!acting) return { kind: 'bot' };
  const contactId = ChatIdSchema.safeParse(acting);
  if (!contactId.success) throw invalidInput('X-Acting-Contact is not a chat contact id.');
  const binding = await findBinding(deps.dataSource.manager, contactId.data);
  const user = binding ? await cachedUser(deps.dataSource, binding.userId) : null;
  if (!user) throw new DomainError('CONTACT_NOT_BOUND', 'This chat contact has not bound a phone number.');
  return { kind: 'user', user, viaBot: true, actingContactId: contactId.data };
}

/** `user-id`: a user, but the route needs only their id (no user row is read). */
export type Access = 'none' | 'user' | 'user-id' | 'bot' | 'user-or-bot';

export function requireAccess(deps: AuthDeps, access: Access) {
  return async function checkAccess(ctx: Context, next: Next): Promise<void> {
    if (access !== 'none') {
      const caller = await identifyCaller(deps, ctx, access === 'user-id');
      if (!caller) throw unauthenticated();
      if ((access === 'user' || access === 'user-id') && caller.kind === 'bot') throw forbidden('This needs a user; the bot must send X-Acting-Contact.');
      if (access === 'bot' && caller.kind !== 'bot' && !caller.viaBot) throw forbidden('Only the bot may call this.');
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

/** The session a user's own access token names (not the bot's: it has none). */
export function callerSessionId(ctx: Context): string {
  const caller = ctx.state.caller as Caller | undefined;
  if (!caller) throw unauthenticated();
  if (caller.kind === 'bot' || caller.viaBot) throw forbidden('The bot signs in no session of its own.');
  return caller.sessionId;
}

export function callerUserId(ctx: Context): string {
  const caller = ctx.state.caller as Caller | undefined;
  if (caller?.kind === 'user') return caller.user.id;
  if (caller?.kind === 'user-id') return caller.userId;
  throw unauthenticated();
}
