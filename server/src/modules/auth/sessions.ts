import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from '../../db/sql';
import { opaqueId } from '../../platform/ids';

/** The data layer of sign-in sessions (table `sessions`, owned by the auth module). */

const REFRESH_TOKEN_BYTES = 32;
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newRefreshToken = () => randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');

export interface SessionGrant {
  sessionId: string;
  userId: string;
  refreshToken: string;
}

export async function openSession(sql: Sql, userId: string, now: Date, expiresAt: Date): Promise<SessionGrant> {
  const sessionId = opaqueId();
  const refreshToken = newRefreshToken();
  await sql.query('INSERT INTO sessions (id, user_id, refresh_hash, created_at, refreshed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
    sessionId,
    userId,
    hashOf(refreshToken),
    now,
    now,
    expiresAt,
  ]);
  return { sessionId, userId, refreshToken };
}

export type Rotation = { kind: 'rotated'; grant: SessionGrant } | { kind: 'unknown' } | { kind: 'reused'; sessionId: string };

/**
 * Swaps a live refresh token for a new one (call inside a transaction). A token that was already
 * swapped (the one before the current) is a replay — someone else holds a copy — and is
 * reported so the caller can revoke the session.
 */
export async function rotateRefreshToken(sql: Sql, refreshToken: string, now: Date): Promise<Rotation> {
  const hash = hashOf(refreshToken);
  const [row] = await sql.query('SELECT id, user_id FROM sessions WHERE refresh_hash = ? AND revoked_at IS NULL AND expires_at > ? FOR UPDATE', [hash, now]);
  if (!row) {
    const [old] = await sql.query('SELECT id FROM sessions WHERE previous_hash = ? AND revoked_at IS NULL', [hash]);
    return old ? { kind: 'reused', sessionId: old.id } : { kind: 'unknown' };
  }
  const next = newRefreshToken();
  await sql.query('UPDATE sessions SET previous_hash = refresh_hash, refresh_hash = ?, refreshed_at = ? WHERE id = ?', [hashOf(next), now, row.id]);
  return { kind: 'rotated', grant: { sessionId: row.id, userId: String(row.user_id), refreshToken: next } };
}

export async function revokeSession(sql: Sql, sessionId: string, now: Date): Promise<void> {
  await sql.query('UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, sessionId]);
}

export async function isSessionRevoked(sql: Sql, sessionId: string): Promise<boolean> {
  const [row] = await sql.query('SELECT revoked_at FROM sessions WHERE id = ?', [sessionId]);
  return row ? row.revoked_at !== null : false;
}
