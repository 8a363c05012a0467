import jwt from 'jsonwebtoken';
import { createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

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

/** An access token: short-lived, naming its user and the session a refresh token renews. */
export function issueToken(jwtSecret: string, userId: string, sessionId: string, lifetimeSeconds: number): string {
  return jwt.sign({ sid: sessionId }, keyOf(jwtSecret), { subject: userId, expiresIn: lifetimeSeconds, algorithm: 'HS256' });
}

/** The user and session inside a valid, unexpired access token, or null. */
export function verifyAccessToken(jwtSecret: string, token: string): { userId: string; sessionId: string } | null {
  try {
    const payload = jwt.verify(token, keyOf(jwtSecret), { algorithms: ['HS256'] });
    if (typeof payload !== 'object' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    return null;
  }
}

/** The user id inside a valid token, or null (the bench's naive baseline checks no more). */
export function verifyToken(jwtSecret: string, token: string): string | null {
  return verifyAccessToken(jwtSecret, token)?.userId ?? null;
}

/** The bot's credential, compared in constant time. */
export function isBotToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
