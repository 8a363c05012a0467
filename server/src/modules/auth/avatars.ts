import { AVATAR_MAX_BYTES, AVATAR_TYPES } from '@liuliang/shared';
import type { Sql, Tx } from '../../db/sql';
import { invalidInput } from '../../platform/errors';

type AvatarType = (typeof AVATAR_TYPES)[number];

const startsWith = (bytes: Buffer, signature: readonly number[], at = 0) => signature.every((byte, i) => bytes[at + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * What an image is, from its first bytes (PNG, JPEG, WebP, GIF), or null. The type a client
 * claims is never trusted: an SVG or an HTML page served back as a face would run script.
 */
function sniffImageType(bytes: Buffer): AvatarType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  return null;
}

/** The decoded upload, checked: within AVATAR_MAX_BYTES and an image by its magic bytes. */
export function checkedAvatar(base64: string): { bytes: Buffer; contentType: AvatarType } {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) throw invalidInput('The image is empty.', [{ path: 'body.image', message: 'empty' }]);
  if (bytes.length > AVATAR_MAX_BYTES) throw invalidInput(`The image is larger than ${AVATAR_MAX_BYTES / 1024} KB.`, [{ path: 'body.image', message: 'too large' }]);
  const contentType = sniffImageType(bytes);
  if (!contentType) throw invalidInput('The image must be a PNG, JPEG, WebP or GIF.', [{ path: 'body.image', message: 'not an image' }]);
  return { bytes, contentType };
}

/**
 * Makes `avatarId` the user's face and forgets their earlier ones, in the caller's transaction
 * (which holds the user's row lock, so two uploads at once leave one face and no orphan).
 */
export async function replaceAvatar(tx: Tx, userId: string, avatarId: string, avatar: { bytes: Buffer; contentType: string }, now: Date): Promise<void> {
  await tx.query('INSERT INTO user_avatars (id, user_id, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?)', [avatarId, userId, avatar.contentType, avatar.bytes, now]);
  await tx.query('UPDATE users SET avatar_id = ? WHERE id = ?', [avatarId, userId]);
  await tx.query('DELETE FROM user_avatars WHERE user_id = ? AND id <> ?', [userId, avatarId]);
}

/** Back to the face generated from the nickname. */
export async function removeAvatar(tx: Tx, userId: string): Promise<void> {
  await tx.query('UPDATE users SET avatar_id = NULL WHERE id = ?', [userId]);
  await tx.query('DELETE FROM user_avatars WHERE user_id = ?', [userId]);
}

export async function findAvatar(sql: Sql, avatarId: string): Promise<{ bytes: Buffer; contentType: string } | null> {
  const [row]: Array<{ bytes: Buffer; content_type: string }> = await sql.query('SELECT bytes, content_type FROM user_avatars WHERE id = ?', [avatarId]);
  return row ? { bytes: Buffer.from(row.bytes), contentType: row.content_type } : null;
}
