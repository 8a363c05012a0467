import type { LoginResponse, RefreshResponse, User } from '@liuliang/shared';
import { DomainError, unauthenticated } from '../../platform/errors';
import { inTransaction, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import type { LimitRule } from '../../platform/rate-limits';
import { walletCode } from '../ledger';
import { enqueueMessage } from '../outbox/outbox';
import { CODE_LIFETIME_MS, hashCode, insertCode, markConsumed, newestCode, randomSixDigits, spendTry, type DigitSource } from './codes';
import { authTexts } from './messages';
import { issueToken } from './tokens';
import { findUserByPhone, insertUser } from './users';
import { openSession, rotateRefreshToken } from './sessions';
import type { SessionRevocations } from './revocations';

/** What happens once when a phone number first signs in (gifts waiting for it are credited). */
export type FirstSignInHook = (user: User) => Promise<void>;
/**
 * What happens when a number registers, inside the transaction that registers it, so it happens
 * exactly once and never for a number that existed: an invite (SPEC §3.9) rewards its inviter.
 */
export type RegistrationHook = (tx: Tx, user: User, context: RegistrationContext) => Promise<AfterCommit | void>;
/** What a registration hook does once its transaction committed (announcing, never changing data). */
export type AfterCommit = () => Promise<void>;
export interface RegistrationContext {
  /** The invite code the new user signed up with, if any. */
  invite?: string;
}

const DAY_SECONDS = 24 * 60 * 60;
const HOUR_SECONDS = 60 * 60;

/** The limits of SPEC §4 on sign-in codes, from configuration. */
function codeLimits(config: Deps['config']) {
  return {
    resend: { name: 'sms-resend', points: 1, durationSeconds: config.SMS_CODE_RESEND_SECONDS, message: authTexts.resendTooSoon },
    perPhoneDay: { name: 'sms-phone-day', points: config.SMS_CODES_PER_PHONE_PER_DAY, durationSeconds: DAY_SECONDS, message: authTexts.tooManyCodesForPhone },
    perIpHour: { name: 'sms-ip-hour', points: config.SMS_CODES_PER_IP_PER_HOUR, durationSeconds: HOUR_SECONDS, message: authTexts.tooManyCodesFromAddress },
    guesses: { name: 'sms-guesses', points: config.SMS_CODE_GUESSES_PER_REQUESTER, durationSeconds: CODE_LIFETIME_MS / 1000, message: authTexts.tooManyWrongCodes, code: 'CODE_TOO_MANY_TRIES' },
  } satisfies Record<string, LimitRule>;
}

export class AuthService {
  private readonly firstSignInHooks: FirstSignInHook[] = [];
  private readonly registrationHooks: RegistrationHook[] = [];
  private readonly limits: ReturnType<typeof codeLimits>;

  constructor(
    private readonly deps: Deps,
    private readonly revocations: SessionRevocations,
    private readonly digits: DigitSource = randomSixDigits,
  ) {
    this.limits = codeLimits(deps.config);
  }

  onSignIn(hook: FirstSignInHook): void {
    this.firstSignInHooks.push(hook);
  }

  onRegistration(hook: RegistrationHook): void {
    this.registrationHooks.push(hook);
  }

  /** `requester` is who asks (the client's address): codes per address are limited too. */
  async sendCode(phone: string, requester: string): Promise<{ sent: true; resendAfterSeconds: number }> {
    const { config, clock, dataSource, limits } = this.deps;
    // Counted in Redis by one atomic script each, so every server process sees the same counts.
    if (config.SMS_CODE_RESEND_SECONDS > 0) await limits.consume(this.limits.resend, phone);
    await limits.consume(this.limits.perPhoneDay, phone);
    await limits.consume(this.limits.perIpHour, requester);
    // A new code is a fresh start for whoever asked for it; the limits above bound how often.
    await limits.reset(this.limits.guesses, `${phone}:${requester}`);
    const code = this.digits();
    const now = clock.now();
    await inTransaction(dataSource, async (sql) => {
      await insertCode(sql, { phone, codeHash: hashCode(config.CODE_HASH_KEY, phone, code), expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS), now });
      await enqueueMessage(
        sql,
        { channel: 'sms', to: phone, template: 'sign_in_code', text: authTexts.codeSms, secret: { value: code, sealKey: config.CODE_HASH_KEY } },
        now,
      );
    });
    return { sent: true, resendAfterSeconds: config.SMS_CODE_RESEND_SECONDS };
  }

  /**
   * Checks and consumes the newest code for the number. Tries are counted per requester (an
   * address, or a chat contact): a stranger guessing does not spend the owner's tries. The
   * code's own bound (CODE_MAX_TRIES) caps guessers with many addresses.
   */
  async consumeCode(phone: string, code: string, requester: string): Promise<void> {
    const { dataSource, clock, config, limits } = this.deps;
    // Every try is counted before the code is compared, atomically, so a burst of parallel
    // guesses cannot slip past either bound.
    await limits.consume(this.limits.guesses, `${phone}:${requester}`);
    const now = clock.now();
    const sql = dataSource.manager;
    const row = await newestCode(sql, phone);
    if (!row || row.consumed_at || new Date(row.expires_at) <= now) throw new DomainError('CODE_EXPIRED', authTexts.codeExpired);
    if (!(await spendTry(sql, row.id))) throw new DomainError('CODE_TOO_MANY_TRIES', authTexts.codeGuessedTooOften);
    if (row.code_hash !== hashCode(config.CODE_HASH_KEY, phone, code)) throw new DomainError('CODE_INVALID', authTexts.codeWrong);
    if (!(await markConsumed(sql, row.id, now))) throw new DomainError('CODE_EXPIRED', authTexts.codeAlreadyUsed);
  }

  /** The user behind a number, registering it on first sign-in with its carrier and province. */
  async findOrRegister(phone: string, context: RegistrationContext = {}): Promise<User> {
    const { dataSource, clock, carrier, ledger } = this.deps;
    const existing = await findUserByPhone(dataSource.manager, phone);
    if (existing) {
      await this.runSignInHooks(existing);
      return existing;
    }
    const plan = await carrier.queryPlan(phone);
    const { user, afterCommit } = await inTransaction(dataSource, async (sql) => {
      const inserted = await insertUser(sql, { phone, carrier: plan.carrier, province: plan.province, now: clock.now() });
      await ledger.ensureAccount(sql, walletCode(inserted.user.id), inserted.user.id);
      const later: AfterCommit[] = [];
      // Only the call that created the row runs them: a number registering twice at once registers once.
      if (inserted.created) for (const hook of this.registrationHooks) later.push(...[await hook(sql, inserted.user, context)].filter((h): h is AfterCommit => typeof h === 'function'));
      return { user: inserted.user, afterCommit: later };
    });
    for (const announce of afterCommit) await announce();
    await this.runSignInHooks(user);
    return user;
  }

  async login(phone: string, code: string, requester: string, invite?: string): Promise<LoginResponse> {
    await this.consumeCode(phone, code, requester);
    const user = await this.findOrRegister(phone, invite === undefined ? {} : { invite });
    const { config, clock, dataSource } = this.deps;
    const now = clock.now();
    const session = await openSession(dataSource.manager, user.id, now, new Date(now.getTime() + config.SESSION_DAYS * DAY_SECONDS * 1000));
    return { ...this.tokensFor(session.userId, session.sessionId, session.refreshToken), user };
  }

  /**
   * A new access token for a live session, and a new refresh token in place of the one given.
   * A refresh token used a second time means two holders: the session is revoked for both.
   */
  async refresh(refreshToken: string): Promise<RefreshResponse> {
    const { dataSource, clock } = this.deps;
    const now = clock.now();
    const rotation = await inTransaction(dataSource, (sql) => rotateRefreshToken(sql, refreshToken, now));
    if (rotation.kind === 'reused') {
      await this.revocations.revoke(rotation.sessionId, now);
      throw unauthenticated(authTexts.renewedElsewhere);
    }
    if (rotation.kind === 'unknown') throw unauthenticated(authTexts.sessionEnded);
    return this.tokensFor(rotation.grant.userId, rotation.grant.sessionId, rotation.grant.refreshToken);
  }

  /** Signs the session out: its access tokens are refused at once, its refresh token for good. */
  async logout(sessionId: string): Promise<{ signedOut: true }> {
    await this.revocations.revoke(sessionId, this.deps.clock.now());
    return { signedOut: true };
  }

  private tokensFor(userId: string, sessionId: string, refreshToken: string): RefreshResponse {
    const { config } = this.deps;
    return { token: issueToken(config.JWT_SECRET, userId, sessionId, config.ACCESS_TOKEN_SECONDS), refreshToken, expiresInSeconds: config.ACCESS_TOKEN_SECONDS };
  }

  private async runSignInHooks(user: User): Promise<void> {
    // Hooks are idempotent (a gift is claimed once whatever calls it), so running on every sign-in is safe.
    for (const hook of this.firstSignInHooks) await hook(user);
  }
}
