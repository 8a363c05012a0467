import type { Tip, TipLeaderboard, TipRequest, TipTarget, User } from '@liuliang/shared';
import { TIP_LEADERBOARD_MAX } from '@liuliang/shared';
import { DomainError, forbidden, limitExceeded, notFound } from '../../platform/errors';
import { inTransaction, toInt } from '../../db/sql';
import type { Deps } from '../../deps';
import { walletCode } from '../ledger';
import { describeUsers, findUserById } from '../auth';
import type { RedPacketService } from '../red-packets/service';
import type { CrowdfundService } from '../crowdfunds/service';
import { enqueueMessage } from '../outbox/outbox';
import { enqueueWechatIfBound } from '../bot';
import { opaqueId, OPAQUE_ID_PATTERN } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import { findTip, insertTip, leaderboardOf } from './repository';
import { tipReceivedText } from './messages';

/** What the tip rules use of the service's parts, and no more. */
export type TipDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger'>;

/** A user is tipped by the id the API shows in grab lists, pledges and creators: the users table's number. */
const USER_ID_PATTERN = /^\d{1,20}$/;

/**
 * Tips (SPEC §3.4): data from the tipper's wallet straight to the owner of what they liked (a
 * red packet's sender, a crowdfund's creator, or a user), in one ledger transfer; no escrow,
 * since nothing waits. Each target keeps a leaderboard of its tippers.
 */
export class TipService {
  constructor(
    private readonly deps: TipDeps,
    private readonly redPackets: Pick<RedPacketService, 'view'>,
    private readonly crowdfunds: Pick<CrowdfundService, 'creatorOf'>,
  ) {}

  async tip(tipper: User, request: TipRequest, outcome: OutcomeRecorder = untrackedOutcome): Promise<Tip> {
    const { config, clock, dataSource, ledger } = this.deps;
    const range = `A tip is ${config.TIP_MIN_MB} to ${config.TIP_MAX_MB} MB.`;
    if (request.amountMb < config.TIP_MIN_MB) throw limitExceeded({ rule: 'tip.min', limit: config.TIP_MIN_MB }, range);
    if (request.amountMb > config.TIP_MAX_MB) throw limitExceeded({ rule: 'tip.max', limit: config.TIP_MAX_MB }, range);
    const owner = await this.ownerOf(tipper.id, request.target);
    const recipient = await findUserById(dataSource.manager, owner.userId);
    if (!recipient) throw notFound('No such user.');
    // Compared on the row found, not on the id as typed: MySQL finds user 7 for "007" as well.
    if (recipient.id === tipper.id) throw new DomainError('SELF_TIP', 'You cannot tip yourself.');
    // A user is tipped under their id as the API spells it, so "007" lands on user 7's leaderboard.
    const targetId = request.target.type === 'user' ? recipient.id : request.target.id;
    const message = request.message?.trim() || null;
    const id = opaqueId();
    await inTransaction(dataSource, async (sql) => {
      await outcome.record(sql, { type: 'tip', id });
      const now = clock.now();
      await insertTip(sql, {
        id,
        tipperId: tipper.id,
        toUserId: recipient.id,
        targetType: request.target.type,
        targetId,
        amountMb: request.amountMb,
        message,
        now,
      });
      await ledger.transfer(sql, {
        fromCode: walletCode(tipper.id),
        toCode: walletCode(recipient.id),
        amountMb: request.amountMb,
        kind: 'tip',
        ref: { type: 'tip', id },
        memo: message,
      });
      const text = tipReceivedText(tipper, request.amountMb, { type: request.target.type, title: owner.title }, message);
      if (!(await enqueueWechatIfBound(sql, recipient, 'tip_received', text, now)))
        await enqueueMessage(sql, { channel: 'sms', to: recipient.phone, template: 'tip_received', text: `【流量】${text}` }, now);
    });
    return { id, toUserId: recipient.id, amountMb: request.amountMb };
  }

  /** A tip as its tipper sent it (the answer to a retried request). */
  async get(tipper: Pick<User, 'id'>, tipId: string): Promise<Tip> {
    const row = await findTip(this.deps.dataSource.manager, tipId, tipper.id);
    if (!row) throw notFound('No such tip.');
    return { id: row.id, toUserId: String(row.to_user_id), amountMb: toInt(row.amount_mb) };
  }

  /**
   * A target's tippers, by total then by who tipped first. Who may see it: whoever may see the
   * target (a room packet's members, anyone holding a link packet's or a crowdfund's id); a
   * user's own leaderboard only that user, since user ids are small numbers anyone could walk.
   */
  async leaderboard(viewer: Pick<User, 'id'>, target: TipTarget): Promise<TipLeaderboard> {
    if (target.type === 'user') {
      if (target.id !== viewer.id) throw forbidden("Only you may see who tipped you; a packet's or a crowdfund's leaderboard is open to those who may see it.");
    } else {
      await this.ownerOf(viewer.id, target);
    }
    const sql = this.deps.dataSource.manager;
    const rows = await leaderboardOf(sql, target.type, target.id, TIP_LEADERBOARD_MAX);
    const people = await describeUsers(
      sql,
      rows.map((r) => r.userId),
    );
    return { items: rows.map((r) => ({ userId: r.userId, nickname: people.get(r.userId)?.nickname ?? '', totalMb: r.totalMb, count: r.count })) };
  }

  /** Who a tip for this target goes to; refuses a target the viewer may not see (404, or the packet's NOT_IN_ROOM). */
  private async ownerOf(viewerId: string, target: TipTarget): Promise<{ userId: string; title: string | null }> {
    switch (target.type) {
      case 'red_packet': {
        if (!OPAQUE_ID_PATTERN.test(target.id)) throw notFound('No such red packet.');
        const packet = await this.redPackets.view(viewerId, target.id);
        // A sponsor's rain packet has no person behind it to thank.
        if (packet.senderId === null) throw new DomainError('WRONG_STATE', 'This packet was sent by a sponsor’s activity; there is nobody to tip.');
        return { userId: packet.senderId, title: null };
      }
      case 'crowdfund': {
        if (!OPAQUE_ID_PATTERN.test(target.id)) throw notFound('No such crowdfund.');
        const crowdfund = await this.crowdfunds.creatorOf(target.id);
        return { userId: crowdfund.creatorId, title: crowdfund.title };
      }
      case 'user': {
        if (!USER_ID_PATTERN.test(target.id)) throw notFound('No such user.');
        return { userId: target.id, title: null };
      }
    }
  }
}
