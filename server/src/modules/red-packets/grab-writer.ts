import { inTransaction, toInt } from '../../db/sql';
import type { Deps } from '../../deps';
import { escrowCode, walletCode } from '../ledger';
import { nicknamesOf } from '../auth';
import { insertGrab, lockPacket, recordRemaining } from './repository';
import type { Share } from './store';

/** Bound on the grabs written in one transaction. */
export const MAX_GRABS_PER_COMMIT = 50;

export type Commit =
  | { kind: 'granted'; rank: number; remainingCount: number; remainingMb: number; finished: boolean; nickname: string }
  | { kind: 'user_has_one' | 'share_taken' | 'no_such_user' | 'closed' | 'finished' };

interface PendingGrab {
  userId: string;
  share: Share;
  resolve(commit: Commit): void;
  reject(error: unknown): void;
}

/**
 * Writes the grabs Redis decided into MySQL. Winners of one packet queue on its row lock
 * anyway, so each process queues them here instead and writes whoever is waiting in one
 * transaction: one lock of the packet, one payout from its escrow, one commit. A process
 * then holds one connection per busy packet, not one per waiting winner.
 */
export class GrabWriter {
  private readonly queues = new Map<string, PendingGrab[]>();
  private readonly draining = new Set<string>();

  constructor(
    private readonly deps: Pick<Deps, 'clock' | 'dataSource' | 'ledger'>,
    /** Told of each grant right after its commit, in commit order. */
    private readonly onGranted: (packetId: string, userId: string, share: Share, commit: Extract<Commit, { kind: 'granted' }>) => void,
  ) {}

  write(packetId: string, userId: string, share: Share): Promise<Commit> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(packetId) ?? [];
      queue.push({ userId, share, resolve, reject });
      this.queues.set(packetId, queue);
      if (!this.draining.has(packetId)) void this.drain(packetId);
    });
  }

  private async drain(packetId: string): Promise<void> {
    this.draining.add(packetId);
    try {
      for (;;) {
        const queue = this.queues.get(packetId);
        if (!queue || queue.length === 0) {
          this.queues.delete(packetId);
          return;
        }
        const batch = queue.splice(0, MAX_GRABS_PER_COMMIT);
        try {
          const commits = await this.writeBatch(packetId, batch);
          batch.forEach((grab, i) => {
            const commit = commits[i];
            if (commit.kind === 'granted') this.onGranted(packetId, grab.userId, grab.share, commit);
            grab.resolve(commit);
          });
        } catch (error) {
          for (const grab of batch) grab.reject(error);
        }
      }
    } finally {
      this.draining.delete(packetId);
    }
  }

  private writeBatch(packetId: string, batch: readonly PendingGrab[]): Promise<Commit[]> {
    const { dataSource, clock, ledger } = this.deps;
    return inTransaction(dataSource, async (sql): Promise<Commit[]> => {
      // The packet row is the lock every grab of this packet queues on, and the status it guards.
      const packet = await lockPacket(sql, packetId);
      const now = clock.now();
      if (!packet || packet.status === 'expired' || now >= new Date(packet.expires_at)) return batch.map(() => ({ kind: 'closed' }));
      if (packet.status === 'finished') return batch.map(() => ({ kind: 'finished' }));

      let remainingCount = Number(packet.remaining_count);
      let remainingMb = toInt(packet.remaining_mb);
      const commits: Commit[] = [];
      const winners: PendingGrab[] = [];
      for (const grab of batch) {
        const inserted = await insertGrab(sql, packetId, grab.userId, grab.share, now);
        if (inserted !== 'inserted') {
          commits.push({ kind: inserted });
          continue;
        }
        remainingCount -= 1;
        remainingMb -= grab.share.amountMb;
        if (remainingCount < 0 || remainingMb < 0 || (remainingCount === 0) !== (remainingMb === 0)) {
          throw new Error(`red packet ${packetId} would be left with ${remainingCount} shares of ${remainingMb} MB`);
        }
        winners.push(grab);
        commits.push({ kind: 'granted', rank: Number(packet.count) - remainingCount, remainingCount, remainingMb, finished: remainingCount === 0, nickname: '' });
      }
      if (winners.length === 0) return commits;

      await ledger.payOut(sql, {
        fromCode: escrowCode('red_packet', packetId),
        payouts: winners.map((w) => ({ toCode: walletCode(w.userId), amountMb: w.share.amountMb })),
        kind: 'red_packet_grab',
        ref: { type: 'red_packet', id: packetId },
      });
      await recordRemaining(sql, packetId, { count: remainingCount, mb: remainingMb }, now);
      const nicknameOf = await nicknamesOf(
        sql,
        winners.map((w) => w.userId),
      );
      batch.forEach((grab, i) => {
        const commit = commits[i];
        if (commit.kind === 'granted') commit.nickname = nicknameOf.get(grab.userId) ?? '';
      });
      return commits;
    });
  }
}
