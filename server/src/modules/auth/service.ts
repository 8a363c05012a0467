import type { LoginResponse, User } from '@liuliang/shared';
import { AppError, rateLimited } from '../../http/app-error';
import { issueToken } from '../../http/auth';
import { inTransaction, toInt } from '../../db/sql';
import { redisKey, type Deps } from '../../deps';
import { walletCode } from '../ledger/accounts';
import { enqueueMessage } from '../outbox/outbox';
import { CODE_LIFETIME_MS, CODE_MAX_TRIES, CODE_RESEND_INTERVAL_MS, hashCode, randomSixDigits, type DigitSource } from './codes';
import { findUserByPhone, insertUser } from './users';

/** What happens once when a phone number first signs in (gifts waiting for it are credited). */
export type FirstSignInHook = (user: User) => Promise<void>;

export class AuthService {
  private readonly firstSignInHooks: FirstSignInHook[] = [];

  constructor(
    private readonly deps: Deps,
    private readonly digits: DigitSource = randomSixDigits,
  ) {}

  onSignIn(hook: FirstSignInHook): void {
    this.firstSignInHooks.push(hook);
  }

  async sendCode(phone: string): Promise<{ sent: true; resendAfterSeconds: number }> {
    const { redis, config, clock, dataSource } = this.deps;
    // SET NX is atomic across every server process: one code per number per interval.
    const allowed = await redis.set(redisKey(config, 'sms-throttle', phone), '1', 'PX', CODE_RESEND_INTERVAL_MS, 'NX');
    if (allowed !== 'OK') throw rateLimited('A code was sent less than a minute ago. Wait a moment before asking again.');
    const code = this.digits();
    const now = clock.now();
    await inTransaction(dataSource, async (sql) => {
      await sql.query('INSERT INTO sms_codes (phone, code_hash, attempts, expires_at, created_at) VALUES (?, ?, 0, ?, ?)', [
        phone,
        hashCode(config.JWT_SECRET, phone, code),
        new Date(now.getTime() + CODE_LIFETIME_MS),
        now,
      ]);
      await enqueueMessage(sql, { channel: 'sms', to: phone, template: 'sign_in_code', text: `【流量】您的验证码是 ${code}，5 分钟内有效。请勿告诉他人。` }, now);
    });
    return { sent: true, resendAfterSeconds: CODE_RESEND_INTERVAL_MS / 1000 };
  }

  /** Checks and consumes the newest code for the number; each wrong guess spends one of its tries. */
  async consumeCode(phone: string, code: string): Promise<void> {
    const { dataSource, clock, config } = this.deps;
    const now = clock.now();
    const [row] = await dataSource.query(
      'SELECT id, code_hash, attempts, expires_at, consumed_at FROM sms_codes WHERE phone = ? ORDER BY id DESC LIMIT 1',
      [phone],
    );
    if (!row || row.consumed_at || new Date(row.expires_at) <= now) throw new AppError(422, 'CODE_EXPIRED', 'The code has expired or was already used. Ask for a new one.');
    const spent = await dataSource.query('UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ? AND attempts < ?', [row.id, CODE_MAX_TRIES]);
    if (toInt(spent.affectedRows) === 0) throw new AppError(429, 'CODE_TOO_MANY_TRIES', 'Too many wrong codes. Ask for a new one.');
    if (row.code_hash !== hashCode(config.JWT_SECRET, phone, code)) throw new AppError(422, 'CODE_INVALID', 'The code is not right.');
    const used = await dataSource.query('UPDATE sms_codes SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL', [now, row.id]);
    if (toInt(used.affectedRows) === 0) throw new AppError(422, 'CODE_EXPIRED', 'The code was already used. Ask for a new one.');
  }

  /** The user behind a number, registering it on first sign-in with its carrier and province. */
  async findOrRegister(phone: string): Promise<User> {
    const { dataSource, clock, carrier, ledger } = this.deps;
    const existing = await findUserByPhone(dataSource.manager, phone);
    if (existing) {
      await this.runSignInHooks(existing);
      return existing;
    }
    const plan = await carrier.queryPlan(phone);
    const { user } = await inTransaction(dataSource, async (sql) => {
      const inserted = await insertUser(sql, { phone, carrier: plan.carrier, province: plan.province, now: clock.now() });
      await ledger.ensureAccount(sql, walletCode(inserted.user.id), inserted.user.id);
      return inserted;
    });
    await this.runSignInHooks(user);
    return user;
  }

  async login(phone: string, code: string): Promise<LoginResponse> {
    await this.consumeCode(phone, code);
    const user = await this.findOrRegister(phone);
    return { token: issueToken(this.deps.config.JWT_SECRET, user.id), user };
  }

  private async runSignInHooks(user: User): Promise<void> {
    // Hooks are idempotent (a gift is claimed once whatever calls it), so running on every sign-in is safe.
    for (const hook of this.firstSignInHooks) await hook(user);
  }
}
