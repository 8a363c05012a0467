import { maskPhone, type ShareGroup, type ShareGroupCreate, type User } from '@liuliang/shared';
import { inTransaction, toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, forbidden, limitExceeded, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { shanghaiMonthKey } from '../../platform/shanghai-time';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import type { LimitRule } from '../../platform/rate-limits';
import { escrowCode, usableBalanceMb, walletCode } from '../ledger';
import { describeUsers, findUserByPhone } from '../auth';
import { enqueueWechatIfBound } from '../bot';
import { enqueueMessage } from '../outbox/outbox';
import {
  closeGroup,
  countMembers,
  deleteAllMembers,
  deleteMember,
  drawnByUserInMonth,
  drawnInMonth,
  findGroup,
  findMember,
  groupIdOfPhone,
  groupIdOfUser,
  insertGroup,
  insertMember,
  insertMovement,
  joinPendingMembership,
  membersOf,
  poolNetMb,
  type GroupRow,
} from './repository';
import { addedToGroupText, invitedToGroupText, removedFromGroupText } from './messages';

/** What share groups need of the service's dependencies, and nothing more. */
export type ShareGroupDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger' | 'limits'>;

/**
 * Adding a number messages it (SMS, or the chat when bound), and removing a pending number is
 * silent: without a bound an owner could add, remove and add again to send any number an
 * unlimited stream of texts carrying a name they chose. These bound the texts an add sends:
 * per number and group (harassing one person), and per owner (spamming many numbers).
 */
export const SHARE_GROUP_ADDS_PER_NUMBER: LimitRule = {
  name: 'share-group-adds-per-number',
  points: 3,
  durationSeconds: 24 * 60 * 60,
  message: 'This number has been added to this group too often today; try again tomorrow.',
};
export const SHARE_GROUP_ADDS_PER_OWNER: LimitRule = {
  name: 'share-group-adds-per-owner',
  points: 30,
  durationSeconds: 24 * 60 * 60,
  message: 'You have added too many numbers today; try again tomorrow.',
};

type Role = 'owner' | 'member';

const poolCode = (groupId: string) => escrowCode('share_group', groupId);

/**
 * Share groups (SPEC §3.6). The pool is the group's escrow account: funding, drawing and
 * reclaiming are ledger transfers. Every change to a group takes its row lock first, so draws
 * racing each other are checked one after another against the pool and the month's quota, in
 * any number of server processes.
 */
export class ShareGroupService {
  constructor(private readonly deps: ShareGroupDeps) {}

  async create(owner: User, request: ShareGroupCreate, outcome: OutcomeRecorder = untrackedOutcome): Promise<ShareGroup> {
    const { clock, dataSource, ledger } = this.deps;
    const groupId = opaqueId();
    return inTransaction(dataSource, async (tx) => {
      await outcome.record(tx, { type: 'share_group', id: groupId });
      const now = clock.now();
      await insertGroup(tx, { id: groupId, ownerId: owner.id, name: request.name, monthlyQuotaMb: request.monthlyQuotaMb, now });
      // The owner is the group's first member: they draw within the quota like everyone else.
      if ((await insertMember(tx, { groupId, phone: owner.phone, userId: owner.id, now })) === 'already_in_group') throw alreadyInGroup('You already belong to a share group.');
      await ledger.ensureAccount(tx, poolCode(groupId));
      return this.viewOf(tx, (await findGroup(tx, groupId))!);
    });
  }

  /** The caller's group (at most one: a person belongs to one family group), in list shape. */
  async listMine(user: User): Promise<ShareGroup[]> {
    const { dataSource, clock } = this.deps;
    // Catches a membership added while this number was registering (after its sign-in hook ran).
    await joinPendingMembership(dataSource.manager, user.phone, user.id, clock.now());
    const groupId = await groupIdOfUser(dataSource.manager, user.id);
    return groupId ? [await this.view(user, groupId)] : [];
  }

  async view(user: Pick<User, 'id' | 'phone'>, groupId: string): Promise<ShareGroup> {
    const sql = this.deps.dataSource.manager;
    const { group } = await this.access(sql, user, groupId, 'member');
    return this.viewOf(sql, group);
  }

  async addMember(owner: User, groupId: string, phone: string): Promise<ShareGroup> {
    const { clock, config, dataSource, limits } = this.deps;
    return inTransaction(dataSource, async (tx) => {
      const { group } = await this.access(tx, owner, groupId, 'owner', true);
      // Adding a number this group already has is a repeat (a retry after a lost answer): the group as it is.
      if ((await groupIdOfPhone(tx, phone)) === groupId) return this.viewOf(tx, group);
      if ((await countMembers(tx, groupId)) >= config.SHARE_GROUP_MAX_MEMBERS) {
        throw limitExceeded(
          { rule: 'share-group.members', limit: config.SHARE_GROUP_MAX_MEMBERS },
          `A share group has at most ${config.SHARE_GROUP_MAX_MEMBERS} members, its owner included.`,
        );
      }
      await limits.consume(SHARE_GROUP_ADDS_PER_NUMBER, `${groupId}:${phone}`);
      await limits.consume(SHARE_GROUP_ADDS_PER_OWNER, owner.id);
      const now = clock.now();
      const user = await findUserByPhone(tx, phone);
      if ((await insertMember(tx, { groupId, phone, userId: user?.id ?? null, now })) === 'already_in_group')
        throw alreadyInGroup('This number already belongs to another share group.');
      const quotaMb = toInt(group.monthly_quota_mb);
      if (user) {
        const text = addedToGroupText(owner, group.name, quotaMb);
        if (!(await enqueueWechatIfBound(tx, user, 'share_group_added', text, now)))
          await enqueueMessage(tx, { channel: 'sms', to: phone, template: 'share_group_added', text }, now);
      } else {
        await enqueueMessage(tx, { channel: 'sms', to: phone, template: 'share_group_invited', text: invitedToGroupText(owner, group.name, quotaMb) }, now);
      }
      return this.viewOf(tx, group);
    });
  }

  /**
   * Removes a member named by user id, or by membership id for a number still pending. What
   * they drew stays theirs; their draws stay in the group's history and still count against
   * this month's quota should they be added back.
   */
  async removeMember(owner: User, groupId: string, memberRef: string): Promise<ShareGroup> {
    const { clock, dataSource } = this.deps;
    return inTransaction(dataSource, async (tx) => {
      const { group } = await this.access(tx, owner, groupId, 'owner', true);
      const member = await findMember(tx, groupId, memberRef);
      if (!member) throw notFound('No such member in this group.');
      if (member.user_id !== null && String(member.user_id) === owner.id) throw new DomainError('OWNER_CANNOT_LEAVE', 'The owner stays in the group; close the group instead.');
      await deleteMember(tx, member.id);
      if (member.user_id !== null) {
        const now = clock.now();
        const text = removedFromGroupText(owner, group.name);
        const removed = { id: String(member.user_id), phone: member.phone };
        if (!(await enqueueWechatIfBound(tx, removed, 'share_group_removed', text, now)))
          await enqueueMessage(tx, { channel: 'sms', to: member.phone, template: 'share_group_removed', text }, now);
      }
      return this.viewOf(tx, group);
    });
  }

  /** The owner moves data from their wallet into the pool; it keeps its expiry there. */
  async fund(owner: User, groupId: string, amountMb: number, outcome: OutcomeRecorder = untrackedOutcome): Promise<ShareGroup> {
    return this.movePool(owner, groupId, 'owner', outcome, async (tx, group, month, now) => {
      await this.moveAndRecord(tx, groupId, owner.id, 'fund', amountMb, month, now);
      return group;
    });
  }

  /** The owner takes back part of the pool (what has not expired). */
  async reclaim(owner: User, groupId: string, amountMb: number, outcome: OutcomeRecorder = untrackedOutcome): Promise<ShareGroup> {
    return this.movePool(owner, groupId, 'owner', outcome, async (tx, group, month, now) => {
      await this.requirePool(tx, groupId, amountMb, now);
      await this.moveAndRecord(tx, groupId, owner.id, 'reclaim', amountMb, month, now);
      return group;
    });
  }

  /** A member (the owner too) draws into their wallet, within what is left of their quota this Asia/Shanghai month. */
  async draw(member: User, groupId: string, amountMb: number, outcome: OutcomeRecorder = untrackedOutcome): Promise<ShareGroup> {
    return this.movePool(member, groupId, 'member', outcome, async (tx, group, month, now) => {
      const quotaMb = toInt(group.monthly_quota_mb);
      const drawnThisMonthMb = await drawnByUserInMonth(tx, groupId, member.id, month);
      if (drawnThisMonthMb + amountMb > quotaMb) {
        throw new DomainError('QUOTA_EXCEEDED', `That is more than is left of your monthly quota (${quotaMb - drawnThisMonthMb} MB of ${quotaMb} MB).`, {
          quotaMb,
          drawnThisMonthMb,
          remainingMb: quotaMb - drawnThisMonthMb,
        });
      }
      await this.requirePool(tx, groupId, amountMb, now);
      await this.moveAndRecord(tx, groupId, member.id, 'draw', amountMb, month, now);
      return group;
    });
  }

  /** One pool movement: the ledger transfer (into the pool for a fund, out to the person otherwise) and the group's record of it. */
  private async moveAndRecord(tx: Tx, groupId: string, userId: string, kind: 'fund' | 'reclaim' | 'draw', amountMb: number, month: string, now: Date): Promise<void> {
    const [fromCode, toCode] = kind === 'fund' ? [walletCode(userId), poolCode(groupId)] : [poolCode(groupId), walletCode(userId)];
    await this.deps.ledger.transfer(tx, { fromCode, toCode, amountMb, kind: `share_group_${kind}`, ref: { type: 'share_group', id: groupId } });
    await insertMovement(tx, { groupId, userId, kind, amountMb, month, now });
  }

  /**
   * The owner closes the group: the whole pool goes back to them (expired lots too, as a refund
   * does; the wallet's sweep takes those), and every member is released to join another group.
   */
  async close(owner: User, groupId: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<ShareGroup> {
    return this.movePool(owner, groupId, 'owner', outcome, async (tx, _group, month, now) => {
      const poolMb = await poolNetMb(tx, groupId);
      if (poolMb > 0) {
        await this.deps.ledger.transfer(tx, {
          fromCode: poolCode(groupId),
          toCode: walletCode(owner.id),
          amountMb: poolMb,
          kind: 'share_group_reclaim',
          ref: { type: 'share_group', id: groupId },
          spendExpired: true,
        });
        await insertMovement(tx, { groupId, userId: owner.id, kind: 'close', amountMb: poolMb, month, now });
      }
      await deleteAllMembers(tx, groupId);
      await closeGroup(tx, groupId, now);
      return (await findGroup(tx, groupId))!;
    });
  }

  /** Joins every membership waiting for this number; safe to call on every sign-in. */
  async joinPendingMemberships(user: User): Promise<boolean> {
    return joinPendingMembership(this.deps.dataSource.manager, user.phone, user.id, this.deps.clock.now());
  }

  /** One change to a pool: the request's outcome first, then the group's lock, then access, then the work. */
  private async movePool(
    user: User,
    groupId: string,
    role: Role,
    outcome: OutcomeRecorder,
    work: (tx: Tx, group: GroupRow, month: string, now: Date) => Promise<GroupRow>,
  ): Promise<ShareGroup> {
    const { clock, dataSource } = this.deps;
    return inTransaction(dataSource, async (tx) => {
      await outcome.record(tx, { type: 'share_group', id: groupId });
      const { group } = await this.access(tx, user, groupId, role, true);
      const now = clock.now();
      return this.viewOf(tx, await work(tx, group, shanghaiMonthKey(now), now));
    });
  }

  /**
   * Checks access before anything else is read. Someone who is neither the owner nor a member
   * learns nothing, not even that the group exists (404); a member asking for an owner's
   * action is refused (403). `forChange` locks the group and refuses a closed one.
   */
  private async access(sql: Sql, user: Pick<User, 'id' | 'phone'>, groupId: string, role: Role, forChange = false): Promise<{ group: GroupRow }> {
    const group = await findGroup(sql, groupId, forChange);
    if (!group) throw notFound('No such share group.');
    const isOwner = String(group.owner_id) === user.id;
    const isMember = isOwner || (await groupIdOfUser(sql, user.id)) === group.id || (await this.joinedLate(sql, user, group.id));
    if (!isMember) throw notFound('No such share group.');
    if (role === 'owner' && !isOwner) throw forbidden('Only the owner of the group may do this.');
    if (forChange && group.status !== 'active') throw new DomainError('GROUP_CLOSED', 'This share group has been closed.');
    return { group };
  }

  /**
   * An add that raced this number's first sign-in (it read "not registered", the sign-in's join
   * found nothing yet, then the add committed) leaves the membership pending with a registered
   * number; the member joins it here, on first use, instead of meeting a 404.
   */
  private async joinedLate(sql: Sql, user: Pick<User, 'id' | 'phone'>, groupId: string): Promise<boolean> {
    return (await joinPendingMembership(sql, user.phone, user.id, this.deps.clock.now())) && (await groupIdOfUser(sql, user.id)) === groupId;
  }

  private async requirePool(sql: Sql, groupId: string, amountMb: number, now: Date): Promise<void> {
    const poolMb = await usableBalanceMb(sql, poolCode(groupId), now);
    if (amountMb > poolMb) throw new DomainError('INSUFFICIENT_POOL', `The pool holds ${poolMb} MB.`, { poolMb });
  }

  private async viewOf(sql: Sql, group: GroupRow): Promise<ShareGroup> {
    const now = this.deps.clock.now();
    const month = shanghaiMonthKey(now);
    const members = await membersOf(sql, group.id);
    const drawn = await drawnInMonth(sql, group.id, month);
    const people = await describeUsers(
      sql,
      members.flatMap((m) => (m.user_id === null ? [] : [String(m.user_id)])),
    );
    const ownerId = String(group.owner_id);
    return {
      id: group.id,
      name: group.name,
      ownerId,
      poolMb: group.status === 'active' ? await usableBalanceMb(sql, poolCode(group.id), now) : 0,
      monthlyQuotaMb: toInt(group.monthly_quota_mb),
      status: group.status,
      month,
      maxMembers: this.deps.config.SHARE_GROUP_MAX_MEMBERS,
      members: members.map((m) => {
        const userId = m.user_id === null ? null : String(m.user_id);
        return {
          memberId: m.id,
          userId,
          phone: maskPhone(m.phone),
          nickname: userId ? (people.get(userId)?.nickname ?? null) : null,
          isOwner: userId === ownerId,
          status: userId ? 'joined' : 'pending',
          drawnThisMonthMb: userId ? (drawn.get(userId) ?? 0) : 0,
        };
      }),
      createdAt: new Date(group.created_at).toISOString(),
    };
  }
}

const alreadyInGroup = (message: string) => new DomainError('ALREADY_IN_GROUP', message);
