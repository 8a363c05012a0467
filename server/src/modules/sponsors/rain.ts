import { rainDropMb, type ActivityRain, type ActivityRainView } from '@liuliang/shared';
import { inTransaction, isDuplicateKey, toInt, type Sql, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { DomainError, invalidInput } from '../../platform/errors';
import { findUserById } from '../auth';
import { enqueueRoomMessage, knownRoomIds } from '../bot';
import type { FunderGrabs, LeftoverReturned, RedPacketService } from '../red-packets/service';
import { activityEscrowCode, lockActivity, rainOf, SELECT_ACTIVITY, targetingOf, type ActivityRow } from './activity-rows';
import { isEligible } from './rules';
import { activityTexts } from './messages';
import { moveBudget, sponsorBudgetCode } from './budget';

/** Bound on the rain activities one sweep looks at, and on the open packets a page shows. */
const RAIN_SWEEP_BATCH = 100;
const RAIN_OPEN_PACKETS_MAX = 20;
/** Why a drop did not rain: the activity was paused at its time, or its escrow could not pay the whole drop. */
type SkipReason = 'paused' | 'budget';

/** What rain needs of red packets: drop packets paid by the escrow, list them, count their grabs, hear their leftovers. */
export type RainPackets = Pick<RedPacketService, 'dropFromEscrow' | 'openPacketsFundedBy' | 'grabsFundedBy' | 'onLeftoverReturned' | 'onGrab'>;

/**
 * 红包雨 (SPEC §3.9). At each time of its schedule a running activity drops one 拼手气 packet
 * onto its page and one into each chosen room, all paid from the activity's escrow. The drop's
 * row, keyed by (activity, drop index) and written in the same transaction as the packets, is
 * what makes a drop happen once however many processes sweep at once; the activity's row lock
 * serialises the sweeps, ends and leftovers of one activity.
 *
 * Money flow: a drop adds its cost to the activity's `paid_mb` (the escrow paid it out); a
 * packet's leftovers come back to the escrow and are taken off `paid_mb` again, so the escrow
 * always holds `budget − paid`. Leftovers of an activity that has already ended go straight on
 * to the sponsor's budget in the refund's transaction (the end itself never waits for packets).
 */
export class RainService {
  constructor(
    private readonly deps: Pick<Deps, 'dataSource' | 'clock' | 'ledger' | 'config' | 'logger'>,
    private readonly packets: RainPackets,
  ) {
    packets.onLeftoverReturned('activity', (sql, returned) => this.takeBackLeftover(sql, returned));
    packets.onGrab('activity', (userId, activityId) => this.requireEligible(userId, activityId));
  }

  /** A rain's page packets are the activity's: its targeting decides who grabs them, however the packet's id was learnt. */
  private async requireEligible(userId: string, activityId: string): Promise<void> {
    const sql = this.deps.dataSource.manager;
    const [row]: ActivityRow[] = await sql.query(`${SELECT_ACTIVITY} WHERE a.id = ?`, [activityId]);
    const user = await findUserById(sql, userId);
    if (!row || !user || !isEligible(targetingOf(row), user, new Date(row.starts_at))) throw new DomainError('NOT_ELIGIBLE', 'This activity is not open to you.');
  }

  /** Refuses rooms the bot has never reported (it keeps each room's members current). */
  async checkRooms(sql: Sql, rain: ActivityRain): Promise<void> {
    const wanted = rain.roomIds ?? [];
    const known = await knownRoomIds(sql, wanted);
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length > 0) throw invalidInput(activityTexts.unknownRooms(unknown), { field: 'rain.roomIds', unknown });
  }

  /** The rain as its page shows it: schedule, each drop's fate, and the open packets (with the viewer's grabs). */
  async viewOf(sql: Sql, row: ActivityRow, viewer: { userId: string | null; sponsor: boolean }): Promise<ActivityRainView | null> {
    const rain = rainOf(row);
    if (rain === null) return null;
    const drops: Array<{ drop_index: number; status: 'dropped' | 'skipped' }> = await sql.query('SELECT drop_index, status FROM activity_rain_drops WHERE activity_id = ?', [
      row.id,
    ]);
    const fate = new Map(drops.map((d) => [Number(d.drop_index), d.status]));
    return {
      times: rain.times,
      // Which chat rooms a sponsor chose is the sponsor's business, not the participants'.
      roomIds: viewer.sponsor ? (rain.roomIds ?? []) : [],
      count: rain.count,
      totalMb: rain.totalMb,
      drops: rain.times.map((at, index) => ({ at, status: fate.get(index) ?? 'scheduled' })),
      openPackets: await this.packets.openPacketsFundedBy({ type: 'activity', id: row.id }, viewer.userId, RAIN_OPEN_PACKETS_MAX),
    };
  }

  /** What a rain's packets gave out, for its report: the grabs are its rewards, the grabbers its participants. */
  grabsOf(activityId: string, maxDays: number): Promise<FunderGrabs> {
    return this.packets.grabsFundedBy({ type: 'activity', id: activityId }, maxDays);
  }

  /** The job: every due drop of every running rain, each exactly once. Returns the drops settled (rained or skipped). */
  async dropDueRain(): Promise<number> {
    const { dataSource, clock } = this.deps;
    const now = clock.now();
    const rains: Array<{ id: string; rain_json: string }> = await dataSource.query(
      `SELECT id, rain_json FROM activities WHERE type = 'red_packet_rain' AND status IN ('published','paused') AND starts_at <= ? AND ends_at > ? ORDER BY ends_at, id LIMIT ?`,
      [now, now, RAIN_SWEEP_BATCH],
    );
    let settled = 0;
    for (const { id, rain_json } of rains) {
      const dueIndexes = rainOf({ rain_json })!
        .times.map((at, index) => ({ at: new Date(at), index }))
        .filter((d) => d.at <= now)
        .map((d) => d.index);
      if (dueIndexes.length === 0) continue;
      const done: Array<{ drop_index: number }> = await dataSource.query('SELECT drop_index FROM activity_rain_drops WHERE activity_id = ?', [id]);
      const doneIndexes = new Set(done.map((d) => Number(d.drop_index)));
      for (const index of dueIndexes.filter((i) => !doneIndexes.has(i))) {
        try {
          if (await inTransaction(dataSource, (sql) => this.dropOnce(sql, id, index))) settled++;
        } catch (error) {
          // One drop that fails now must not hold back the others; the next sweep tries it again.
          this.deps.logger.error({ err: error, activityId: id, dropIndex: index }, 'could not drop a red packet rain');
        }
      }
    }
    return settled;
  }

  /** One drop, whole or not at all; false when another sweep already settled it or the activity is over. */
  private async dropOnce(sql: Tx, activityId: string, index: number): Promise<boolean> {
    const { clock, config, ledger } = this.deps;
    const row = await lockActivity(sql, 'id = ?', [activityId]);
    const now = clock.now();
    if (!row || (row.status !== 'published' && row.status !== 'paused') || now >= new Date(row.ends_at)) return false;
    const rain = rainOf(row)!;
    const scheduledAt = new Date(rain.times[index]);
    // A packet lives its usual time but never past the activity's end: the escrow's data is
    // only known to last that long (publish took lots that outlive the end).
    const expiresAt = new Date(Math.min(now.getTime() + config.RED_PACKET_VALID_SECONDS * 1000, new Date(row.ends_at).getTime()));
    const costMb = rainDropMb(rain);
    const escrowHasMb = toInt(row.budget_mb) - toInt(row.paid_mb) >= costMb && (await ledger.availableMb(sql, activityEscrowCode(activityId), expiresAt)) >= costMb;
    const skipped: SkipReason | null = row.status === 'paused' ? 'paused' : escrowHasMb ? null : 'budget';
    try {
      await sql.query('INSERT INTO activity_rain_drops (activity_id, drop_index, scheduled_at, status, skip_reason, funded_mb, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        activityId,
        index,
        scheduledAt,
        skipped ? 'skipped' : 'dropped',
        skipped,
        skipped ? 0 : costMb,
        now,
      ]);
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    if (skipped) {
      this.deps.logger.warn({ activityId, dropIndex: index, reason: skipped }, 'red packet rain drop skipped');
      return true;
    }
    const sponsor = row.sponsor_name ?? '';
    const funder = { type: 'activity' as const, id: activityId, name: sponsor };
    const greeting = activityTexts.rainGreeting(sponsor, row.title);
    for (const roomId of [null, ...(rain.roomIds ?? [])]) {
      await this.packets.dropFromEscrow(sql, funder, { count: rain.count, totalMb: rain.totalMb, roomId, greeting, expiresAt });
      if (roomId !== null)
        await enqueueRoomMessage(
          sql,
          roomId,
          `activity_rain:${activityId}`,
          activityTexts.rainInRoom({ sponsor, activity: row.title, count: rain.count, totalMb: rain.totalMb }),
          now,
        );
    }
    await sql.query('UPDATE activities SET paid_mb = paid_mb + ? WHERE id = ?', [costMb, activityId]);
    return true;
  }

  /**
   * A rain packet's leftovers, already back in the activity's escrow (inside the refund's
   * transaction): the escrow paid that much less. An activity that ended meanwhile returned its
   * rest already, so these go on to the sponsor's budget now, once, with the refund itself.
   */
  private async takeBackLeftover(sql: Tx, returned: LeftoverReturned): Promise<void> {
    const row = await lockActivity(sql, 'id = ?', [returned.funderId]);
    if (!row) throw new Error(`rain leftovers for an activity that does not exist: ${returned.funderId}`);
    const ended = row.status === 'ended';
    await sql.query('UPDATE activities SET paid_mb = paid_mb - ?, rain_returned_mb = rain_returned_mb + ?, returned_mb = returned_mb + ? WHERE id = ?', [
      returned.amountMb,
      returned.amountMb,
      ended ? returned.amountMb : 0,
      row.id,
    ]);
    if (!ended) return;
    // A move of the sponsor's budget like any other: the fund levels are judged with it.
    await moveBudget(sql, this.deps, row.sponsor_id, () =>
      this.deps.ledger.transfer(sql, {
        fromCode: activityEscrowCode(row.id),
        toCode: sponsorBudgetCode(row.sponsor_id),
        amountMb: returned.amountMb,
        kind: 'activity_return',
        ref: { type: 'activity', id: row.id },
        memo: row.title,
        spendExpired: true,
      }),
    );
  }
}
