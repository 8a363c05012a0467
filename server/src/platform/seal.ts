import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;
const sealKey = (secret: string) => createHash('sha256').update(`outbox-seal:${secret}`).digest();

/**
 * A secret on its way out (a sign-in code to the SMS provider), sealed with AES-256-GCM so the
 * row that waits for delivery holds no secret in clear text: only the sender (and the opt-in
 * dev outbox) can open it.
 */
export function seal(secret: string, plain: string): string {
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret), iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function unseal(secret: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', sealKey(secret), raw.subarray(0, SEAL_IV_BYTES));
  decipher.setAuthTag(raw.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)), decipher.final()]).toString('utf8');
}
