import { inTransaction, toInt, type Tx } from '../../db/sql';
import type { Deps } from '../../deps';
import { escrowCode, walletCode } from '../ledger';
import { nicknamesOf } from '../auth';
import { grabsAmong, insertGrab, insertGrabs, lockPacket, recordRemaining, type GrabInsert } from './repository';
import type { Share } from './store';

/** Bound on the grabs written in one transaction. */
export const MAX_GRABS_PER_COMMIT = 100;

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
      const { inserts, nicknameOf } = await insertAll(sql, packetId, batch, now);
      const commits: Commit[] = [];
      const winners: PendingGrab[] = [];
      batch.forEach((grab, i) => {
        const inserted = inserts[i];
        if (inserted !== 'inserted') {
          commits.push({ kind: inserted });
          return;
        }
        remainingCount -= 1;
        remainingMb -= grab.share.amountMb;
        if (remainingCount < 0 || remainingMb < 0 || (remainingCount === 0) !== (remainingMb === 0)) {
          throw new Error(`red packet ${packetId} would be left with ${remainingCount} shares of ${remainingMb} MB`);
        }
        winners.push(grab);
        commits.push({ kind: 'granted', rank: Number(packet.count) - remainingCount, remainingCount, remainingMb, finished: remainingCount === 0, nickname: '' });
      });
      if (winners.length === 0) return commits;

      await ledger.payOut(sql, {
        fromCode: escrowCode('red_packet', packetId),
        payouts: winners.map((w) => ({ toCode: walletCode(w.userId), amountMb: w.share.amountMb })),
        kind: 'red_packet_grab',
        ref: { type: 'red_packet', id: packetId },
      });
      await recordRemaining(sql, packetId, { count: remainingCount, mb: remainingMb }, now);
      batch.forEach((grab, i) => {
        const commit = commits[i];
        if (commit.kind === 'granted') commit.nickname = nicknameOf.get(grab.userId) ?? '';
      });
      return commits;
    });
  }
}

/**
 * Inserts the batch's grabs under the packet's lock, in a fixed number of statements whatever
 * its size: one read of the users (they must exist; their nicknames go into the grants), one
 * of the grabs already holding these users or shares, one insert of the rest. The unique keys
 * stay the last word: should the one insert be refused all the same, the grabs are inserted
 * one by one, each refusal an answer, as they were before batches. The
 * users' nicknames, read here, go into the grants' announcements.
 */
async function insertAll(sql: Tx, packetId: string, batch: readonly PendingGrab[], now: Date): Promise<{ inserts: GrabInsert[]; nicknameOf: Map<string, string> }> {
  const nicknameOf = await nicknamesOf(
    sql,
    batch.map((g) => g.userId),
  );
  const taken = await grabsAmong(
    sql,
    packetId,
    batch.map((g) => g.userId),
    batch.map((g) => g.share.seq),
  );
  const decided: GrabInsert[] = batch.map((grab) => {
    if (!nicknameOf.has(grab.userId)) return 'no_such_user';
    if (taken.users.has(grab.userId)) return 'user_has_one';
    if (taken.seqs.has(grab.share.seq)) return 'share_taken';
    taken.users.add(grab.userId);
    taken.seqs.add(grab.share.seq);
    return 'inserted';
  });
  const toInsert = batch.filter((_, i) => decided[i] === 'inserted');
  if (toInsert.length === 0 || (await insertGrabs(sql, packetId, toInsert, now)) === 'inserted') return { inserts: decided, nicknameOf };
  const oneByOne: GrabInsert[] = [];
  for (const grab of batch) oneByOne.push(await insertGrab(sql, packetId, grab.userId, grab.share, now));
  return { inserts: oneByOne, nicknameOf };
}
