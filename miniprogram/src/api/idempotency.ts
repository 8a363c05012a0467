/** The service accepts keys up to 255 characters; ours are 32 hex digits. */
const KEY_BYTES = 16;

/** A fresh key for one user action: random, so two devices never collide. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(KEY_BYTES);
  // `typeof`, not globalThis: older weapp engines have neither Web Crypto nor globalThis.
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') {
    crypto.getRandomValues(bytes);
  } else {
    // The weapp runtime has no Web Crypto. Uniqueness per caller is all the service needs here
    // (keys are scoped to the signed-in user); the time prefix separates actions of one user.
    for (let i = 0; i < KEY_BYTES; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  }
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * One Idempotency-Key per user action. Tapping the button again with the same request after an
 * unknown outcome is a retry of the same action and must carry the same key (so the service
 * replays instead of moving data twice); a different request, or any tap after a definite answer,
 * is a new action with a new key.
 */
export class IdempotentAction {
  private pending: { requestText: string; key: string } | null = null;

  constructor(private readonly makeKey: () => string = newIdempotencyKey) {}

  keyFor(request: unknown): string {
    const requestText = JSON.stringify(request);
    if (this.pending?.requestText !== requestText) this.pending = { requestText, key: this.makeKey() };
    return this.pending.key;
  }

  /** The service gave a definite answer (success or a rule refused it): the next tap is a new action. */
  settle(): void {
    this.pending = null;
  }
}
