import { maskPhone, type NoticeReads, type Recipient, type User } from '@liuliang/shared';
import { inTransaction } from '../../db/sql';
import type { Deps } from '../../deps';
import { notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import type { LimitRule } from '../../platform/rate-limits';
import { checkedAvatar, findAvatar, removeAvatar, replaceAvatar } from './avatars';
import { markNoticesRead, readNoticeIds } from './notice-reads';
import { findUserById, findUserByPhone, lockUser, updateNickname } from './users';

const HOUR_SECONDS = 60 * 60;

export type ProfileDeps = Pick<Deps, 'config' | 'dataSource' | 'limits' | 'clock'>;

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
   * A face the person chose (weapp's chooseAvatar, a file on H5): decoded, refused unless its
   * first bytes say PNG, JPEG, WebP or GIF and it fits AVATAR_MAX_BYTES, then stored under a
   * new opaque id, so a changed face has a new URL and caches never show the old one.
   */
  async setAvatar(user: Pick<User, 'id'>, base64: string): Promise<User> {
    const avatar = checkedAvatar(base64);
    await inTransaction(this.deps.dataSource, async (tx) => {
      await lockUser(tx, user.id);
      await replaceAvatar(tx, user.id, opaqueId(), avatar, this.deps.clock.now());
    });
    return (await findUserById(this.deps.dataSource.manager, user.id))!;
  }

  async clearAvatar(user: Pick<User, 'id'>): Promise<User> {
    await inTransaction(this.deps.dataSource, async (tx) => {
      await lockUser(tx, user.id);
      await removeAvatar(tx, user.id);
    });
    return (await findUserById(this.deps.dataSource.manager, user.id))!;
  }

  async avatar(avatarId: string): Promise<{ bytes: Buffer; contentType: string }> {
    const found = await findAvatar(this.deps.dataSource.manager, avatarId);
    if (!found) throw notFound('No such avatar.');
    return found;
  }

  /** The message centre's read marks (issue 16): kept per user, so a second device shows the same unread count. */
  async noticeReads(user: Pick<User, 'id'>): Promise<NoticeReads> {
    return { readIds: await readNoticeIds(this.deps.dataSource.manager, user.id) };
  }

  async markNoticesRead(user: Pick<User, 'id'>, noticeIds: readonly string[]): Promise<NoticeReads> {
    await markNoticesRead(this.deps.dataSource.manager, user.id, noticeIds, this.deps.clock.now());
    return this.noticeReads(user);
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
