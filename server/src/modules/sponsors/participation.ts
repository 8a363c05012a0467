import type { HelpResult, InviteCode, Share, User } from '@liuliang/shared';
import { inTransaction, toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, notFound } from '../../platform/errors';
import { opaqueId } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import { findUserById } from '../auth';
import type { AfterCommit, RegistrationContext } from '../auth/service';
import { requireAccess, type Actor } from './access';
import type { ActivityService, RewardedEvent } from './activities';

/** The page a friend opens to help a share: the activity centre, told which share. */
const shareLink = (code: string) => `/#/pages/activities/index?share=${encodeURIComponent(code)}`;

/**
 * Taking part in `invite` and `share` activities (SPEC §3.9): a participant's invite code or
 * share, a new user's sign-up with an invite, a friend's help. Rewards are paid by the activity
 * service's one `pay`, so every rule of a reward (whole, capped, from the escrow) is the same.
 */
export class ParticipationService {
  constructor(
    private readonly deps: Deps,
    private readonly activities: ActivityService,
  ) {}

  /** `POST /activities/:id/invite`: the caller's invite code for this activity, the same one every time. */
  async inviteCode(actor: Actor, activityId: string): Promise<InviteCode> {
    const code = await this.participantCode(actor, activityId, 'invite', 'activity_invite_codes');
    return { code };
  }

  /** `POST /activities/:id/share`: the caller's share of this activity, the same one every time. */
  async share(actor: Actor, activityId: string): Promise<Share> {
    const code = await this.participantCode(actor, activityId, 'share', 'activity_shares');
    return { code, link: shareLink(code) };
  }

  /**
   * A friend's help (`POST /activities/shares/:code/help`): each distinct signed-in friend counts
   * once; the sharer's own help does not. The share's row is locked first, so the help that
   * reaches `helpersNeeded` is exactly one, whatever races it, and pays the sharer once.
   */
  async help(actor: Actor, code: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<HelpResult> {
    const { dataSource, clock } = this.deps;
    const { result, event } = await inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.participate');
      const share = await this.lockShare(sql, code);
      const sharer = (await findUserById(sql, String(share.user_id)))!;
      const now = clock.now();
      const row = await this.activities.lockRunning(sql, share.activity_id, sharer, now);
      const helpersNeeded = Number(row.helpers_needed);
      await outcome.record(sql, { type: 'activity_share', id: code });
      let helpers = Number(share.helpers);
      if (sharer.id === actor.user.id) return { result: { helpers, helpersNeeded }, event: null };
      const inserted = await sql.query('INSERT IGNORE INTO activity_share_helps (code, helper_user_id, created_at) VALUES (?, ?, ?)', [code, actor.user.id, now]);
      if (toInt(inserted.affectedRows) === 0) return { result: { helpers, helpersNeeded }, event: null };
      helpers += 1;
      await sql.query('UPDATE activity_shares SET helpers = ? WHERE code = ?', [helpers, code]);
      let paid: RewardedEvent | null = null;
      if (helpers >= helpersNeeded && share.rewarded_at === null) {
        paid = await this.activities.pay(sql, row, sharer, { reason: 'share', day: null, streak: null }, now, untrackedOutcome);
        await sql.query('UPDATE activity_shares SET rewarded_at = ? WHERE code = ?', [now, code]);
      }
      return { result: { helpers, helpersNeeded }, event: paid };
    });
    if (event) await this.activities.tellListeners(event);
    return result;
  }

  /** A help's answer again, for a retry whose first attempt committed. */
  async helpResult(actor: Actor, code: string): Promise<HelpResult> {
    await requireAccess(this.deps.dataSource.manager, actor, 'activity.participate');
    const [row] = await this.deps.dataSource.query('SELECT s.helpers, a.helpers_needed FROM activity_shares s JOIN activities a ON a.id = s.activity_id WHERE s.code = ?', [code]);
    if (!row) throw notFound('No such share.');
    return { helpers: Number(row.helpers), helpersNeeded: Number(row.helpers_needed) };
  }

  /**
   * Registration hook: a first sign-up with an invite code rewards the code's owner, inside the
   * registration's transaction (so exactly once, and never for a number that existed). An
   * invite that cannot pay (unknown code, activity not running, budget spent, cap reached) still
   * lets the person sign up: it is recorded unrewarded, or not at all.
   */
  async rewardInvite(sql: Tx, invitee: User, context: RegistrationContext): Promise<AfterCommit | void> {
    if (context.invite === undefined) return;
    const [invite] = await sql.query('SELECT code, activity_id, user_id FROM activity_invite_codes WHERE code = ?', [context.invite]);
    if (!invite || String(invite.user_id) === invitee.id) return;
    const inviter = (await findUserById(sql, String(invite.user_id)))!;
    const now = this.deps.clock.now();
    const events: RewardedEvent[] = [];
    try {
      const row = await this.activities.lockRunning(sql, invite.activity_id, inviter, now);
      if (row.type !== 'invite') return;
      // One inviter per new user, ever: the key refuses a second.
      const recorded = await sql.query(
        'INSERT IGNORE INTO activity_invites (invitee_user_id, code, inviter_user_id, activity_id, rewarded, created_at) VALUES (?, ?, ?, ?, 0, ?)',
        [invitee.id, invite.code, inviter.id, row.id, now],
      );
      if (toInt(recorded.affectedRows) === 0) return;
      events.push(await this.activities.pay(sql, row, inviter, { reason: 'invite', day: null, streak: null }, now, untrackedOutcome));
      await sql.query('UPDATE activity_invites SET rewarded = 1 WHERE invitee_user_id = ?', [invitee.id]);
      if (this.deps.config.INVITE_REWARDS_INVITEE) {
        const [fresh] = await sql.query('SELECT paid_mb FROM activities WHERE id = ?', [row.id]);
        events.push(await this.activities.pay(sql, { ...row, paid_mb: fresh.paid_mb }, invitee, { reason: 'invite', day: null, streak: null }, now, untrackedOutcome));
      }
    } catch (error) {
      // A refusal of the reward (checked before anything is written) is not a refusal of the sign-up.
      if (!(error instanceof DomainError)) throw error;
    }
    return async () => {
      for (const event of events) await this.activities.tellListeners(event);
    };
  }

  private async participantCode(actor: Actor, activityId: string, type: 'invite' | 'share', table: 'activity_invite_codes' | 'activity_shares'): Promise<string> {
    const { dataSource, clock } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      await requireAccess(sql, actor, 'activity.participate');
      const now = clock.now();
      const row = await this.activities.lockRunning(sql, activityId, actor.user, now);
      if (row.type !== type) throw new DomainError('WRONG_STATE', `This activity has no ${type === 'invite' ? 'invite codes' : 'shares'}.`);
      await sql.query(`INSERT IGNORE INTO ${table} (code, activity_id, user_id, created_at) VALUES (?, ?, ?, ?)`, [opaqueId(), activityId, actor.user.id, now]);
      const [mine] = await sql.query(`SELECT code FROM ${table} WHERE activity_id = ? AND user_id = ?`, [activityId, actor.user.id]);
      return String(mine.code);
    });
  }

  private async lockShare(sql: Sql, code: string): Promise<{ code: string; activity_id: string; user_id: string; helpers: number; rewarded_at: Date | null }> {
    const [share] = await sql.query('SELECT * FROM activity_shares WHERE code = ? FOR UPDATE', [code]);
    if (!share) throw notFound('No such share.');
    return share;
  }
}
