import { createHash, createHmac } from 'node:crypto';
import { gcmDecrypt as decrypt, gcmEncrypt as encrypt } from '../../platform/seal';

/**
 * Envelope encryption of coupon codes (SPEC §3.8). Each batch has its own random data key; the
 * key is stored only wrapped (AES-256-GCM) by the key-encryption key from COUPON_KEK, and each
 * code only encrypted (AES-256-GCM) under its batch's key. A code is found by its HMAC-SHA256
 * under COUPON_HASH_KEY, a different secret. The database alone therefore holds no code and
 * nothing that opens to one: that needs the KEK.
 */

export const DATA_KEY_BYTES = 32;

/** The KEK as an AES-256 key: configuration gives a string of any length (32 bytes or more in production). */
const kekOf = (kek: string) => createHash('sha256').update(`coupon-kek:${kek}`).digest();

/** The batch's data key wrapped by the KEK, bound to the batch (a key copied to another batch's row does not open). */
export const wrapDataKey = (kek: string, dataKey: Buffer, batchId: string) => encrypt(kekOf(kek), dataKey, `coupon-batch:${batchId}`);
export const unwrapDataKey = (kek: string, wrapped: Buffer, batchId: string) => decrypt(kekOf(kek), wrapped, `coupon-batch:${batchId}`);

/** The keyed hash a code is found by; the code is normalised first (shared readCouponCode). */
export const couponCodeHash = (hashKey: string, code: string) => createHmac('sha256', `coupon-code:${hashKey}`).update(code, 'ascii').digest();

/** A code encrypted under its batch's key, bound to its own hash (ciphertexts cannot be swapped between rows). */
export const encryptCode = (dataKey: Buffer, code: string, codeHash: Buffer) => encrypt(dataKey, Buffer.from(code, 'ascii'), codeHash.toString('hex'));
export const decryptCode = (dataKey: Buffer, sealed: Buffer, codeHash: Buffer) => decrypt(dataKey, sealed, codeHash.toString('hex')).toString('ascii');
