import { maskPhone, type Recipient, type User } from '@liuliang/shared';
import type { Deps } from '../../deps';
import type { LimitRule } from '../../platform/rate-limits';
import { findUserById, findUserByPhone, updateNickname } from './users';

const HOUR_SECONDS = 60 * 60;

export type ProfileDeps = Pick<Deps, 'config' | 'dataSource' | 'limits'>;

/**
 * A person's own name, and how others find them before sending data (issue 16). Both read or
 * write the users table, so they live beside it in the auth module.
 */
export class ProfileService {
  private readonly lookups: LimitRule;

  constructor(private readonly deps: ProfileDeps) {
    this.lookups = {
      name: 'recipient-lookups',
      points: deps.config.RECIPIENT_LOOKUPS_PER_HOUR,
      durationSeconds: HOUR_SECONDS,
      message: 'Too many recipient look-ups this hour. Try again later.',
    };
  }

  /** The name every face shows (grab lists, histories, the bot); the schema already refused blanks and control characters. */
  async rename(user: Pick<User, 'id'>, nickname: string): Promise<User> {
    const sql = this.deps.dataSource.manager;
    await updateNickname(sql, user.id, nickname);
    return (await findUserById(sql, user.id))!;
  }

  /**
   * Who a gift to `phone` reaches, for the sender's confirm sheet: masked number, and the
   * nickname when registered. Whether a number is registered is what a gift's answer tells
   * anyway (delivered or pending); the per-user hourly limit keeps this from being a faster
   * way to probe numbers than sending gifts.
   */
  async lookupRecipient(caller: Pick<User, 'id'>, phone: string): Promise<Recipient> {
    await this.deps.limits.consume(this.lookups, caller.id);
    const found = await findUserByPhone(this.deps.dataSource.manager, phone);
    return { maskedPhone: maskPhone(phone), registered: found !== null, nickname: found?.nickname ?? null };
  }
}
