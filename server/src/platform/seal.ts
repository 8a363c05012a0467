import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;
const sealKey = (secret: string) => createHash('sha256').update(`outbox-seal:${secret}`).digest();

/**
 * AES-256-GCM in the one framing the product stores (iv | tag | body), with optional associated
 * data binding the ciphertext to where it lives. `seal` below and the coupons' envelope
 * encryption both use it.
 */
export function gcmEncrypt(key: Buffer, plain: Buffer, aad?: string): Buffer {
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function gcmDecrypt(key: Buffer, sealed: Buffer, aad?: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, SEAL_IV_BYTES));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)), decipher.final()]);
}

/**
 * A secret on its way out (a sign-in code to the SMS provider), sealed with AES-256-GCM so the
 * row that waits for delivery holds no secret in clear text: only the sender (and the opt-in
 * dev outbox) can open it.
 */
export const seal = (secret: string, plain: string): string => gcmEncrypt(sealKey(secret), Buffer.from(plain, 'utf8')).toString('base64');

export const unseal = (secret: string, sealed: string): string => gcmDecrypt(sealKey(secret), Buffer.from(sealed, 'base64')).toString('utf8');
