import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Envelope encryption of coupon codes (SPEC §3.8). Each batch has its own random data key; the
 * key is stored only wrapped (AES-256-GCM) by the key-encryption key from COUPON_KEK, and each
 * code only encrypted (AES-256-GCM) under its batch's key. A code is found by its HMAC-SHA256
 * under COUPON_HASH_KEY, a different secret. The database alone therefore holds no code and
 * nothing that opens to one: that needs the KEK.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

/** The KEK as an AES-256 key: configuration gives a string of any length (32 bytes or more in production). */
const kekOf = (kek: string) => createHash('sha256').update(`coupon-kek:${kek}`).digest();

function encrypt(key: Buffer, plain: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** The batch's data key wrapped by the KEK, bound to the batch (a key copied to another batch's row does not open). */
export const wrapDataKey = (kek: string, dataKey: Buffer, batchId: string) => encrypt(kekOf(kek), dataKey, `coupon-batch:${batchId}`);
export const unwrapDataKey = (kek: string, wrapped: Buffer, batchId: string) => decrypt(kekOf(kek), wrapped, `coupon-batch:${batchId}`);

/** The keyed hash a code is found by; the code is normalised first (shared readCouponCode). */
export const couponCodeHash = (hashKey: string, code: string) => createHmac('sha256', `coupon-code:${hashKey}`).update(code, 'ascii').digest();

/** A code encrypted under its batch's key, bound to its own hash (ciphertexts cannot be swapped between rows). */
export const encryptCode = (dataKey: Buffer, code: string, codeHash: Buffer) => encrypt(dataKey, Buffer.from(code, 'ascii'), codeHash.toString('hex'));
export const decryptCode = (dataKey: Buffer, sealed: Buffer, codeHash: Buffer) => decrypt(dataKey, sealed, codeHash.toString('hex')).toString('ascii');
