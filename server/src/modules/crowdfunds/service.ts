import type { Crowdfund, CrowdfundCreate, CrowdfundListQuery, CrowdfundStatus, CrowdfundSummary, Page, Pledge, User } from '@liuliang/shared';
import { DomainError, forbidden, invalidInput, limitExceeded, notFound } from '../../platform/errors';
import { inTransaction, toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { escrowCode, walletCode } from '../ledger';
import { describeUsers, findUserById } from '../auth';
import { opaqueId } from '../../platform/ids';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import {
  closeCrowdfund,
  dueOpenCrowdfunds,
  findCrowdfund,
  findPledge,
  insertCrowdfund,
  insertPledge,
  listCrowdfunds,
  markRefunded,
  markSettled,
  pledgerTotals,
  pledgesOf,
  setRaised,
  unrefundedPledges,
  unsettledClosedCrowdfunds,
  type CrowdfundRow,
  type PledgeRow,
} from './repository';
import { creatorOutcomeText, pledgerOutcomeText, tellUser } from './messages';
import { silentCrowdfundEvents, type CrowdfundEvents } from './live-events';

/** Bound on the crowdfunds one run of the settling job closes or refunds. */
const CROWDFUND_SWEEP_BATCH = 100;
/** Pledges refunded in one transaction (the crowdfund's lock is held that long). */
const REFUND_BATCH_PLEDGES = 200;
/** Bound on the refund transactions for one crowdfund in one run; the next run goes on. */
const MAX_REFUND_BATCHES_PER_RUN = 50;
/**
 * A deadline this much short of the minimum is still taken: a client (the bot's "1h") computes
 * it from its own clock a moment before the service reads its own.
 */
const DEADLINE_CLOCK_SLACK_MS = 60_000;
const DEFAULT_LIST_LIMIT = 20;
const CURSOR_PATTERN = /^\d{1,20}$/;

type Closing = Exclude<CrowdfundStatus, 'open'>;

/** What the crowdfund rules use of the service's parts, and no more. */
export type CrowdfundDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'ledger' | 'logger'>;

const toSummary = (row: CrowdfundRow, creatorNickname: string): CrowdfundSummary => ({
  id: row.id,
  title: row.title,
  creator: { userId: String(row.creator_id), nickname: creatorNickname },
  goalMb: toInt(row.goal_mb),
  raisedMb: toInt(row.raised_mb),
  status: row.status,
  deadline: new Date(row.deadline).toISOString(),
  createdAt: new Date(row.created_at).toISOString(),
  closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
});

const toPledge = (row: PledgeRow, crowdfund: CrowdfundRow): Pledge => ({
  id: row.id,
  crowdfundId: crowdfund.id,
  requestedMb: toInt(row.requested_mb),
  amountMb: toInt(row.amount_mb),
  raisedMb: toInt(crowdfund.raised_mb),
  status: crowdfund.status,
});

function closedError(row: CrowdfundRow): DomainError {
  return new DomainError(
    'CLOSED',
    row.status === 'open'
      ? 'This crowdfund is past its deadline.'
      : `This crowdfund has ${row.status === 'succeeded' ? 'succeeded' : row.status === 'failed' ? 'failed' : 'been cancelled'}.`,
    {
      status: row.status === 'open' ? 'failed' : row.status,
    },
  );
}

/** Whether an id names a crowdfund: for the live server, which lets anyone signed in who holds the id follow it. */
export async function crowdfundExists(sql: Sql, crowdfundId: string): Promise<boolean> {
  return (await findCrowdfund(sql, crowdfundId)) !== null;
}

/**
 * Crowdfunding (SPEC §3.5), all-or-nothing on an escrow per crowdfund. Every change of a
 * crowdfund (a pledge, the pledge that reaches the goal, a cancel, the deadline, each refund
 * batch) takes the crowdfund's row lock first, so any two of them happen one after the other:
 * a cancel racing the goal-reaching pledge has exactly one outcome, and a refund runs once.
 */
export class CrowdfundService {
  constructor(
    private readonly deps: CrowdfundDeps,
    private readonly events: CrowdfundEvents = silentCrowdfundEvents,
  ) {}

  async create(creator: User, request: CrowdfundCreate, outcome: OutcomeRecorder = untrackedOutcome): Promise<Crowdfund> {
    const { config, clock, dataSource, ledger } = this.deps;
    const goalRange = `A crowdfund's goal is ${config.CROWDFUND_MIN_GOAL_MB} to ${config.CROWDFUND_MAX_GOAL_MB} MB.`;
    if (request.goalMb < config.CROWDFUND_MIN_GOAL_MB) throw limitExceeded({ rule: 'crowdfund.goal.min', limit: config.CROWDFUND_MIN_GOAL_MB }, goalRange);
    if (request.goalMb > config.CROWDFUND_MAX_GOAL_MB) throw limitExceeded({ rule: 'crowdfund.goal.max', limit: config.CROWDFUND_MAX_GOAL_MB }, goalRange);
    const now = clock.now();
    const deadline = new Date(request.deadline);
    const aheadMs = deadline.getTime() - now.getTime();
    const durationRange = `A crowdfund's deadline is ${config.CROWDFUND_MIN_SECONDS} seconds to ${config.CROWDFUND_MAX_SECONDS} seconds from now.`;
    if (aheadMs < config.CROWDFUND_MIN_SECONDS * 1000 - DEADLINE_CLOCK_SLACK_MS)
      throw limitExceeded({ rule: 'crowdfund.duration.min', limit: config.CROWDFUND_MIN_SECONDS }, durationRange);
    if (aheadMs > config.CROWDFUND_MAX_SECONDS * 1000) throw limitExceeded({ rule: 'crowdfund.duration.max', limit: config.CROWDFUND_MAX_SECONDS }, durationRange);
    const id = opaqueId();
    await inTransaction(dataSource, async (sql) => {
      await outcome.record(sql, { type: 'crowdfund', id });
      await insertCrowdfund(sql, { id, creatorId: creator.id, title: request.title.trim(), goalMb: request.goalMb, deadline, now });
      await ledger.ensureAccount(sql, escrowCode('crowdfund', id));
    });
    return this.view(id);
  }

  /** A crowdfund as anyone signed in who holds its id sees it (the id is the link that lets a person in). */
  async view(crowdfundId: string): Promise<Crowdfund> {
    const sql = this.deps.dataSource.manager;
    const row = await findCrowdfund(sql, crowdfundId);
    if (!row) throw notFound('No such crowdfund.');
    const pledges = await pledgesOf(sql, crowdfundId);
    const people = await describeUsers(sql, [String(row.creator_id), ...pledges.map((p) => String(p.user_id))]);
    const nickname = (userId: string) => people.get(userId)?.nickname ?? '';
    return {
      ...toSummary(row, nickname(String(row.creator_id))),
      pledges: pledges.map((p) => ({ userId: String(p.user_id), nickname: nickname(String(p.user_id)), amountMb: toInt(p.amount_mb), at: new Date(p.created_at).toISOString() })),
    };
  }

  /** Who gets a tip for a crowdfund: its creator. */
  async creatorOf(crowdfundId: string): Promise<{ creatorId: string; title: string }> {
    const row = await findCrowdfund(this.deps.dataSource.manager, crowdfundId);
    if (!row) throw notFound('No such crowdfund.');
    return { creatorId: String(row.creator_id), title: row.title };
  }

  async list(user: User, query: CrowdfundListQuery): Promise<Page<CrowdfundSummary>> {
    if (query.cursor !== undefined && !CURSOR_PATTERN.test(query.cursor)) throw invalidInput('This cursor did not come from this list.');
    const limit = query.limit ?? DEFAULT_LIST_LIMIT;
    const sql = this.deps.dataSource.manager;
    const rows = await listCrowdfunds(sql, user.id, query.mine, query.cursor ?? null, limit);
    const people = await describeUsers(
      sql,
      rows.map((r) => String(r.creator_id)),
    );
    return {
      items: rows.map((r) => toSummary(r, people.get(String(r.creator_id))?.nickname ?? '')),
      nextCursor: rows.length === limit ? String(rows[rows.length - 1].seq) : null,
    };
  }

  /**
   * Pledges up to what is still missing; the answer says what was taken. The pledge that
   * reaches the goal closes the crowdfund and pays the creator the whole goal, in its own
   * transaction, under the crowdfund's lock.
   */
  async pledge(user: User, crowdfundId: string, requestedMb: number, outcome: OutcomeRecorder = untrackedOutcome): Promise<Pledge> {
    const { clock, dataSource, ledger } = this.deps;
    const pledgeId = opaqueId();
    const pledge = await inTransaction(dataSource, async (sql) => {
      await outcome.record(sql, { type: 'crowdfund_pledge', id: pledgeId });
      const row = await findCrowdfund(sql, crowdfundId, true);
      if (!row) throw notFound('No such crowdfund.');
      const now = clock.now();
      const deadline = new Date(row.deadline);
      if (row.status !== 'open' || deadline <= now) throw closedError(row);
      const goalMb = toInt(row.goal_mb);
      const missingMb = goalMb - toInt(row.raised_mb);
      if (missingMb <= 0) throw new Error(`crowdfund ${crowdfundId} is open with nothing missing`);
      const takenMb = Math.min(requestedMb, missingMb);
      await insertPledge(sql, { id: pledgeId, crowdfundId, userId: user.id, requestedMb, amountMb: takenMb, now });
      // Only data that outlives the deadline may wait in escrow (SPEC §3.5): a refund must find it alive.
      await ledger.transfer(sql, {
        fromCode: walletCode(user.id),
        toCode: escrowCode('crowdfund', crowdfundId),
        amountMb: takenMb,
        kind: 'crowdfund_pledge',
        ref: { type: 'crowdfund', id: crowdfundId },
        mustOutlive: deadline,
      });
      const raisedMb = goalMb - missingMb + takenMb;
      await setRaised(sql, crowdfundId, raisedMb);
      if (raisedMb === goalMb) await this.succeed(sql, row, now);
      const after = { ...row, raised_mb: String(raisedMb), status: raisedMb === goalMb ? ('succeeded' as const) : row.status };
      return toPledge(
        { id: pledgeId, crowdfund_id: crowdfundId, user_id: user.id, requested_mb: String(requestedMb), amount_mb: String(takenMb), created_at: now, refunded_at: null },
        after,
      );
    });
    this.events.pledged({ crowdfundId, userId: user.id, nickname: user.nickname, amountMb: pledge.amountMb, raisedMb: pledge.raisedMb });
    if (pledge.status === 'succeeded') this.events.closed({ crowdfundId, status: 'succeeded' });
    return pledge;
  }

  /** A pledge as it stands now, for its pledger (the answer to a retried request). */
  async pledgeView(user: Pick<User, 'id'>, pledgeId: string): Promise<Pledge> {
    const sql = this.deps.dataSource.manager;
    const pledge = await findPledge(sql, pledgeId, user.id);
    const crowdfund = pledge ? await findCrowdfund(sql, pledge.crowdfund_id) : null;
    if (!pledge || !crowdfund) throw notFound('No such pledge.');
    return toPledge(pledge, crowdfund);
  }

  /** The creator cancels while it is open; every pledge is then refunded (here at once, else by the job). */
  async cancel(user: User, crowdfundId: string, outcome: OutcomeRecorder = untrackedOutcome): Promise<Crowdfund> {
    const { clock, dataSource } = this.deps;
    await inTransaction(dataSource, async (sql) => {
      await outcome.record(sql, { type: 'crowdfund', id: crowdfundId });
      const row = await findCrowdfund(sql, crowdfundId, true);
      if (!row) throw notFound('No such crowdfund.');
      if (String(row.creator_id) !== user.id) throw forbidden('Only its creator may cancel a crowdfund.');
      const now = clock.now();
      if (row.status !== 'open' || new Date(row.deadline) <= now) throw closedError(row);
      await this.close(sql, row, 'cancelled', now);
    });
    this.events.closed({ crowdfundId, status: 'cancelled' });
    await this.refundPledges(crowdfundId).catch((error: unknown) => this.deps.logger.warn({ err: error, crowdfundId }, 'cancelled crowdfund not refunded yet; the job will'));
    return this.view(crowdfundId);
  }

  /**
   * The job (SPEC §3.5): fails open crowdfunds past their deadline, then refunds the pledges
   * of every failed or cancelled crowdfund not yet settled. Safe with any number of processes
   * running it at once: each step re-reads its crowdfund under the row lock. Returns how many
   * crowdfunds it failed plus how many pledges it refunded.
   */
  async settleClosedCrowdfunds(): Promise<number> {
    const { dataSource, clock, logger } = this.deps;
    let done = 0;
    for (const crowdfundId of await dueOpenCrowdfunds(dataSource.manager, clock.now(), CROWDFUND_SWEEP_BATCH)) {
      try {
        if (await this.failIfDue(crowdfundId)) done++;
      } catch (error) {
        // One crowdfund that cannot close now must not hold back the others; the next run retries it.
        logger.error({ err: error, crowdfundId }, 'could not close a crowdfund past its deadline');
      }
    }
    for (const crowdfundId of await unsettledClosedCrowdfunds(dataSource.manager, CROWDFUND_SWEEP_BATCH)) {
      try {
        done += await this.refundPledges(crowdfundId);
      } catch (error) {
        logger.error({ err: error, crowdfundId }, 'could not refund the pledges of a closed crowdfund');
      }
    }
    return done;
  }

  private async failIfDue(crowdfundId: string): Promise<boolean> {
    const { dataSource, clock } = this.deps;
    const failed = await inTransaction(dataSource, async (sql) => {
      const row = await findCrowdfund(sql, crowdfundId, true);
      const now = clock.now();
      if (!row || row.status !== 'open' || new Date(row.deadline) > now) return false;
      await this.close(sql, row, 'failed', now);
      return true;
    });
    if (failed) this.events.closed({ crowdfundId, status: 'failed' });
    return failed;
  }

  /**
   * Refunds the pledges of a failed or cancelled crowdfund in batches, each batch one
   * transaction under the crowdfund's lock that marks its pledges refunded with their
   * transfers: a pledge is refunded once, whoever runs this and however often. The last batch
   * marks the crowdfund settled (its escrow is then empty). Returns how many pledges it refunded.
   */
  async refundPledges(crowdfundId: string): Promise<number> {
    const { dataSource, clock, ledger } = this.deps;
    let refunded = 0;
    for (let batch = 0; batch < MAX_REFUND_BATCHES_PER_RUN; batch++) {
      const step = await inTransaction(dataSource, async (sql) => {
        const row = await findCrowdfund(sql, crowdfundId, true);
        if (!row || (row.status !== 'failed' && row.status !== 'cancelled') || row.settled_at !== null) return { refunded: 0, finished: true };
        const now = clock.now();
        const pledges = await unrefundedPledges(sql, crowdfundId, REFUND_BATCH_PLEDGES);
        for (const p of pledges) {
          // The escrow's lots may have expired since the deadline; they go back as they are and the sweep takes them.
          await ledger.transfer(sql, {
            fromCode: escrowCode('crowdfund', crowdfundId),
            toCode: walletCode(p.user_id),
            amountMb: toInt(p.amount_mb),
            kind: 'crowdfund_refund',
            ref: { type: 'crowdfund', id: crowdfundId },
            spendExpired: true,
          });
        }
        const marked = await markRefunded(
          sql,
          pledges.map((p) => p.id),
          now,
        );
        if (marked !== pledges.length) throw new Error(`crowdfund ${crowdfundId}: ${pledges.length} pledges locked for refund, ${marked} marked`);
        const finished = pledges.length < REFUND_BATCH_PLEDGES;
        if (finished) await markSettled(sql, crowdfundId, now);
        return { refunded: pledges.length, finished };
      });
      refunded += step.refunded;
      if (step.finished) break;
    }
    return refunded;
  }

  /** The goal reached: closed, settled and paid to the creator in the pledge's transaction. */
  private async succeed(sql: Tx, row: CrowdfundRow, now: Date): Promise<void> {
    const goalMb = toInt(row.goal_mb);
    await this.close(sql, { ...row, raised_mb: String(goalMb) }, 'succeeded', now);
    await this.deps.ledger.transfer(sql, {
      fromCode: escrowCode('crowdfund', row.id),
      toCode: walletCode(row.creator_id),
      amountMb: goalMb,
      kind: 'crowdfund_payout',
      ref: { type: 'crowdfund', id: row.id },
    });
  }

  /** Leaves `open`, and tells the creator and every pledger the outcome (in this transaction, so never for a rolled-back close). */
  private async close(sql: Sql, row: CrowdfundRow, status: Closing, now: Date): Promise<void> {
    await closeCrowdfund(sql, row.id, status, now);
    const facts = { title: row.title, goalMb: toInt(row.goal_mb), raisedMb: toInt(row.raised_mb) };
    const creator = await findUserById(sql, String(row.creator_id));
    if (creator) await tellUser(sql, creator, creatorOutcomeText(status, facts), now);
    for (const { userId, amountMb } of await pledgerTotals(sql, row.id)) {
      const pledger = await findUserById(sql, userId);
      if (pledger) await tellUser(sql, pledger, pledgerOutcomeText(status, facts, amountMb), now);
    }
  }
}
