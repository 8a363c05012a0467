import type { GrabResult, RedPacket, RedPacketCover, RedPacketCreate, RedPacketRecords, RedPacketRole, User } from '@liuliang/shared';
import { DomainError, errorBodyOf, forbidden, invalidInput, limitExceeded, notFound, unauthenticated } from '../../platform/errors';
import { inTransaction, toInt, type Tx } from '../../db/sql';
import { redisKey, type Deps } from '../../deps';
import { escrowCode, walletCode } from '../ledger';
import {
  expiredOpenPacketIds,
  findPacket,
  freeShares,
  grabTotalsFundedBy,
  grabOf,
  grabResultOf,
  grabsOf,
  insertPacket,
  isShareTaken,
  lockPacket,
  luckiestOf,
  markExpired,
  openPacketIds,
  openPacketsFundedBy,
  openPacketsInRoom,
  packetsInRoom,
  packetView,
  coverOf,
  listRecords,
  type FunderType,
  type PacketRow,
} from './repository';
import { redPacketTexts as texts } from './messages';
import { splitEqual, splitRandom, type RandomSource } from './split';
import { RedPacketStore, type Share } from './store';
import { isUserInRoom } from '../bot';
import { silentEvents, type RedPacketEvents } from './live-events';
import { silentWalletEvents, type WalletEvents } from '../../platform/wallet-events';
import { GrabWriter, type Commit } from './grab-writer';
import type { LimitRule } from '../../platform/rate-limits';
import { randomUUID } from 'node:crypto';
import { untrackedOutcome, type OutcomeRecorder } from '../../platform/outcomes';
import type { ClaimInWork } from '../../platform/claims-in-work';
import { ERROR_STATUS } from '@liuliang/shared';

/** Bound on retries when MySQL refuses a share Redis gave out (only after Redis lost its state). */
const MAX_GRAB_ATTEMPTS = 5;
/** The answer to a grab of a sold-out packet, exactly as the idempotency edge would store it: the grab's script stores it itself. */
const SOLD_OUT_ANSWER = { status: ERROR_STATUS.SOLD_OUT, body: JSON.stringify(errorBodyOf(new DomainError('SOLD_OUT', texts.soldOut))) };
export const EXPIRY_BATCH = 100;
/** A rebuild holds its lock this long at most; waiters give up after REBUILD_WAIT_MS. */
const REBUILD_LOCK_MS = 5_000;
const REBUILD_WAIT_MS = 10_000;
const RELEASE_LOCK_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Wrong passphrases one user may try on one packet (SPEC §4): a passphrase is short and said aloud. */
export const PASSPHRASE_GUESSES: LimitRule = {
  name: 'passphrase-guesses',
  points: 5,
  durationSeconds: 10 * 60,
  message: texts.passphraseGuesses,
};

/** What red packets are made of: everything but the carrier. */
export type RedPacketDeps = Pick<Deps, 'config' | 'clock' | 'dataSource' | 'redis' | 'ledger' | 'logger' | 'limits'>;

export type { FunderType };
/** An escrow that pays for packets instead of a user's wallet (`escrow:<type>:<id>`); `name` is who people see as the sender. */
export interface PacketFunder {
  type: FunderType;
  id: string;
  name: string;
}
/** A funded packet's leftovers, back in the funder's escrow: told inside the refund's transaction. */
export interface LeftoverReturned {
  funderId: string;
  packetId: string;
  amountMb: number;
}
export type LeftoverListener = (sql: Tx, returned: LeftoverReturned) => Promise<void>;
/** Who may grab a funded packet outside rooms (an activity's targeting): resolves, or throws the refusal. */
/** What a funder's packets gave out (see grabsFundedBy). */
export interface FunderGrabs {
  grabs: number;
  grabbers: number;
  byDay: Array<{ date: string; spentMb: number; participants: number }>;
}

export type GrabGate = (userId: string, funderId: string) => Promise<void>;
/**
 * Redis gates a grab on one string, a room packet's room; a funded packet outside rooms is
 * gated on its funder instead, marked by a prefix no room id has (NUL), so one Lua check serves both.
 */
const FUNDER_GATE = '\u0000funder:';
const funderGateOf = (packet: { room_id: string | null; funder_type: FunderType | null; funder_id: string | number | null }): string | null =>
  packet.room_id ?? (packet.funder_type !== null && packet.funder_id !== null ? `${FUNDER_GATE}${packet.funder_type}:${packet.funder_id}` : null);

/**
 * Red packets (SPEC §3.3). Redis decides who gets which share (one Lua script per grab);
 * MySQL records it with the ledger transfer in one transaction and refuses doubles by unique
 * keys, so Redis can be flushed or a process killed between the two without losing or
 * doubling a share.
 */
export class RedPacketService {
  private readonly store: RedPacketStore;
  private readonly writer: GrabWriter;
  private readonly leftoverListeners = new Map<FunderType, LeftoverListener>();
  private readonly grabGates = new Map<FunderType, GrabGate>();

  constructor(
    private readonly deps: RedPacketDeps,
    private readonly random: RandomSource = Math.random,
    private readonly events: RedPacketEvents = silentEvents,
    private readonly wallets: WalletEvents = silentWalletEvents,
  ) {
    this.store = new RedPacketStore(deps.redis, deps.config.REDIS_PREFIX);
    this.writer = new GrabWriter(deps, (packetId, userId, share, commit) => this.announceGrab(packetId, userId, share, commit));
  }

  async create(sender: User, request: RedPacketCreate, viaBot: boolean, outcome: OutcomeRecorder = untrackedOutcome): Promise<RedPacket> {
    const { config, clock, dataSource, ledger } = this.deps;
    if (request.roomId && !viaBot) throw forbidden(texts.roomPacketsFromBot);
    const totalMb = request.mode === 'random' ? request.totalMb : request.perShareMb * request.count;
    if (request.mode === 'random' && request.totalMb < request.count) throw invalidInput(texts.randomTooSmall(request.count));
    if (totalMb > config.RED_PACKET_MAX_TOTAL_MB) throw limitExceeded({ rule: 'red-packet.total', limit: config.RED_PACKET_MAX_TOTAL_MB }, texts.totalTooLarge(config.RED_PACKET_MAX_TOTAL_MB));
    const shares = request.mode === 'random' ? splitRandom(request.totalMb, request.count, this.random) : splitEqual(request.perShareMb, request.count);
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + config.RED_PACKET_VALID_SECONDS * 1000);
    const passphrase = request.passphrase?.trim() || null;

    const packetId = await inTransaction(dataSource, async (sql) => {
      const id = await insertPacket(sql, { source: { senderId: sender.id }, mode: request.mode, shares, greeting: request.greeting?.trim() || null, passphrase, roomId: request.roomId ?? null, expiresAt, now });
      await outcome.record(sql, { type: 'red_packet', id });
      await ledger.ensureAccount(sql, escrowCode('red_packet', id));
      // Only data that outlives the packet may fund it: every share must still be alive when grabbed.
      await ledger.transfer(sql, { fromCode: walletCode(sender.id), toCode: escrowCode('red_packet', id), amountMb: totalMb, kind: 'red_packet_fund', ref: { type: 'red_packet', id }, memo: request.greeting ?? null, mustOutlive: expiresAt });
      return id;
    });
    // Committed first, loaded second: if this load is lost (Redis is down), the first grab
    // rebuilds it from MySQL. So the load is best-effort: failing it must not turn a packet
    // that exists into an error, or its sender's retry would look for a second one.
    await this.store
      .load(packetId, { status: 'open', expiresAt, passphrase, roomId: request.roomId ?? null, shares: shares.map((amountMb, seq) => ({ seq, amountMb })), grabbed: [] })
      .catch((error: unknown) => this.deps.logger.warn({ err: error, packetId }, 'red packet committed but not loaded into Redis; the first grab rebuilds it'));
    return this.view(sender.id, packetId);
  }

  /**
   * The funder's owner keeps its own books of what came back (an activity's paid total): it
   * hears each refund in the refund's transaction. One owner per funder type; a funded packet
   * whose type has none is not refunded (the sweep logs it and tries again).
   */
  onLeftoverReturned(type: FunderType, listener: LeftoverListener): void {
    if (this.leftoverListeners.has(type)) throw new Error(`a leftover listener for ${type} is already registered`);
    this.leftoverListeners.set(type, listener);
  }

  /** The funder's owner says who may grab its packets outside rooms; a funded packet whose type has none is refused to everyone. */
  onGrab(type: FunderType, gate: GrabGate): void {
    if (this.grabGates.has(type)) throw new Error(`a grab gate for ${type} is already registered`);
    this.grabGates.set(type, gate);
  }

  /**
   * A 拼手气 packet paid from an escrow rather than a wallet (红包雨), inside the caller's
   * transaction so that the caller's own record of it commits with it or not at all. The escrow
   * must hold data that outlives `expiresAt`; what the packet leaves goes back to it on expiry.
   * Redis learns of the packet at its first grab (the rebuild path), so nothing here can leave
   * a packet committed but unknown.
   */
  async dropFromEscrow(sql: Tx, funder: PacketFunder, request: { count: number; totalMb: number; roomId: string | null; greeting: string; expiresAt: Date }): Promise<string> {
    const { config, clock, ledger } = this.deps;
    if (request.totalMb < request.count) throw invalidInput(texts.randomTooSmall(request.count));
    if (request.totalMb > config.RED_PACKET_MAX_TOTAL_MB) throw limitExceeded({ rule: 'red-packet.total', limit: config.RED_PACKET_MAX_TOTAL_MB }, texts.totalTooLarge(config.RED_PACKET_MAX_TOTAL_MB));
    const shares = splitRandom(request.totalMb, request.count, this.random);
    const now = clock.now();
    const id = await insertPacket(sql, { source: { funder }, mode: 'random', shares, greeting: request.greeting, passphrase: null, roomId: request.roomId, expiresAt: request.expiresAt, now });
    await ledger.ensureAccount(sql, escrowCode('red_packet', id));
    await ledger.transfer(sql, {
      fromCode: escrowCode(funder.type, funder.id),
      toCode: escrowCode('red_packet', id),
      amountMb: request.totalMb,
      kind: 'red_packet_fund',
      ref: { type: 'red_packet', id },
      memo: request.greeting,
      mustOutlive: request.expiresAt,
    });
    return id;
  }

  /** A funder's open packets outside rooms (an activity's page), newest first, with whether `userId` holds a share. */
  async openPacketsFundedBy(funder: Pick<PacketFunder, 'type' | 'id'>, userId: string | null, limit: number): Promise<Array<{ id: string; count: number; totalMb: number; remainingCount: number; expiresAt: string; grabbed: boolean }>> {
    const rows = await openPacketsFundedBy(this.deps.dataSource.manager, funder, userId, limit);
    return rows.map((r) => ({ id: String(r.id), count: Number(r.count), totalMb: toInt(r.total_mb), remainingCount: Number(r.remaining_count), expiresAt: new Date(r.expires_at).toISOString(), grabbed: r.grabbed }));
  }

  /**
   * What a funder's packets gave out, for its report: grabs, distinct grabbers, and per
   * Asia/Shanghai day of the grab the MB grabbed and the grabbers (the latest `maxDays`, oldest first).
   */
  async grabsFundedBy(funder: Pick<PacketFunder, 'type' | 'id'>, maxDays: number): Promise<FunderGrabs> {
    const { totals, byDay } = await grabTotalsFundedBy(this.deps.dataSource.manager, funder, maxDays);
    return {
      grabs: toInt(totals.n),
      grabbers: toInt(totals.people),
      byDay: byDay.reverse().map((d) => ({ date: d.day, spentMb: toInt(d.mb), participants: toInt(d.people) })),
    };
  }

  /**
   * A packet as its viewer may see it: a link packet to anyone who holds its id, a room packet
   * (who grabbed, how much) only to the room's members and the bot (`viewerUserId` null).
   */
  async view(viewerUserId: string | null, packetId: string): Promise<RedPacket> {
    const row = await findPacket(this.deps.dataSource.manager, packetId);
    if (!row) throw notFound(texts.notFound);
    if (row.room_id !== null && viewerUserId !== null && viewerUserId !== String(row.sender_id)) await this.requireRoomMember(row.room_id, viewerUserId, 'see');
    return packetView(this.deps.dataSource.manager, row);
  }

  /** What a packet's link shows anyone, signed in or not: the cover, never the grabs (RedPacketCoverSchema). */
  async cover(packetId: string): Promise<RedPacketCover> {
    const row = await findPacket(this.deps.dataSource.manager, packetId);
    if (!row) throw notFound('No such red packet.');
    return coverOf(this.deps.dataSource.manager, row);
  }

  /** 红包记录: the caller's sent packets or received shares, newest first, with totals. */
  async records(userId: string, role: RedPacketRole, limit: number, cursor: string | undefined): Promise<RedPacketRecords> {
    return listRecords(this.deps.dataSource.manager, userId, role, limit, cursor);
  }

  /** The absolute link a friend opens (SPEC §4): the mini-program's packet page under PUBLIC_URL (hash routing on H5). */
  shareUrlOf(packetId: string): string {
    const base = (this.deps.config.PUBLIC_URL ?? `http://localhost:${this.deps.config.PORT}`).replace(/\/+$/, '');
    return `${base}/#/pages/packet/index?id=${encodeURIComponent(packetId)}`;
  }

  /** `viewerUserId` null is the bot itself, which serves every room it is in; a user must be a member. */
  async listInRoom(viewerUserId: string | null, roomId: string, status: RedPacket['status'] | undefined, limit: number): Promise<RedPacket[]> {
    if (viewerUserId !== null) await this.requireRoomMember(roomId, viewerUserId, 'list');
    const sql = this.deps.dataSource.manager;
    return Promise.all((await packetsInRoom(sql, roomId, status, limit)).map((r) => packetView(sql, r)));
  }

  /** A room's open packets that take this passphrase (none: those without one), newest first, and whether the user holds a share of each. */
  openPacketsInRoom(roomId: string, userId: string, passphrase: string | undefined, limit: number): Promise<Array<{ id: string; grabbed: boolean }>> {
    return openPacketsInRoom(this.deps.dataSource.manager, roomId, userId, passphrase, limit);
  }

  /** `claim`: the request's idempotency key, claimed by the grab's own script (platform/claims-in-work.ts). */
  async grab(user: Pick<User, 'id'>, packetId: string, passphrase: string | undefined, claim?: ClaimInWork): Promise<GrabResult> {
    const { clock, limits } = this.deps;
    const said = passphrase?.trim() ?? '';
    // Every try that carries a passphrase is counted, right or wrong, before Redis compares it:
    // counting first is what keeps a burst of parallel guesses inside the limit.
    if (said !== '') await limits.consume(PASSPHRASE_GUESSES, `${packetId}:${user.id}`);
    let checkedRoom = '';
    for (let attempt = 1; attempt <= MAX_GRAB_ATTEMPTS; attempt++) {
      const decision = await this.store.decide(packetId, user.id, clock.now().getTime(), said, checkedRoom, claim && { inWork: claim, soldOut: SOLD_OUT_ANSWER });
      switch (decision.kind) {
        case 'MISSING':
          await this.rebuild(packetId);
          continue;
        case 'ROOM':
          await this.requireGatePassed(decision.roomId, user.id);
          checkedRoom = decision.roomId;
          continue;
        case 'EXPIRED':
          throw await this.closedError(packetId);
        case 'WRONG_PASSPHRASE':
          throw new DomainError('WRONG_PASSPHRASE', texts.wrongPassphrase);
        case 'SOLD_OUT':
          throw new DomainError('SOLD_OUT', texts.soldOut);
        case 'ALREADY': {
          // The share the user holds, as MySQL recorded it, is the answer to a second grab or a
          // retry. If MySQL never recorded it (a process died mid-grab), finish it now.
          const held = await grabResultOf(this.deps.dataSource.manager, packetId, user.id);
          if (held) return held;
          const result = await this.settleDecided(packetId, user, decision.share);
          if (result) return result;
          continue;
        }
        case 'OK': {
          const result = await this.settleDecided(packetId, user, decision.share);
          if (result) return result;
          continue;
        }
      }
    }
    throw new DomainError('BUSY', texts.busy);
  }

  /** Writes a share Redis decided into MySQL. Returns null when the caller should ask Redis again. */
  private async settleDecided(packetId: string, user: Pick<User, 'id'>, share: Share): Promise<GrabResult | null> {
    const outcome = await this.writer.write(packetId, user.id, share);
    if (outcome.kind === 'granted') {
      await this.store.settled(packetId, user.id, share);
      return { amountMb: share.amountMb, rank: outcome.rank };
    }
    if (outcome.kind === 'user_has_one') {
      const held = await grabOf(this.deps.dataSource.manager, packetId, user.id);
      await this.store.release(packetId, user.id, share, held, !(await isShareTaken(this.deps.dataSource.manager, packetId, share.seq)));
      const result = await grabResultOf(this.deps.dataSource.manager, packetId, user.id);
      if (result) return result;
      throw new DomainError('ALREADY_GRABBED', texts.alreadyGrabbed);
    }
    if (outcome.kind === 'no_such_user') {
      // A valid signature over a user who does not exist: give the share back to the others.
      await this.store.release(packetId, user.id, share, null, true);
      throw unauthenticated(texts.signInInvalid);
    }
    if (outcome.kind === 'share_taken') {
      // Redis handed out a share MySQL already gave (state rebuilt mid-grab): forget it and ask again.
      await this.store.release(packetId, user.id, share, null, false);
      return null;
    }
    await this.store.close(packetId);
    throw await this.closedError(packetId);
  }

  private announceGrab(packetId: string, userId: string, share: Share, outcome: Extract<Commit, { kind: 'granted' }>): void {
    // `at` is when the grab committed: what a live client measures its delay against.
    const at = this.deps.clock.now().toISOString();
    this.events.grabbed({ packetId, userId, nickname: outcome.nickname, amountMb: share.amountMb, remainingCount: outcome.remainingCount, remainingMb: outcome.remainingMb, at });
    // The grabber's other pages (home in another tab, or grabbed through the bot) reload the balance.
    this.wallets.walletChanged(userId, { kind: 'red_packet_grab' });
    if (!outcome.finished) return;
    const sql = this.deps.dataSource.manager;
    Promise.all([grabsOf(sql, packetId), findPacket(sql, packetId)])
      // Every share of an equal packet is the same: nobody is 手气最佳.
      .then(([grabs, packet]) => this.events.finished({ packetId, luckiest: packet?.mode === 'equal' ? null : luckiestOf(grabs) }))
      .catch((error: unknown) => this.deps.logger.warn({ err: error, packetId }, 'could not announce a finished packet'));
  }

  /**
   * Loads a packet's Redis state from MySQL, the source of truth (after a restart or FLUSHALL).
   * One process rebuilds under a short lock; the others wait for its result rather than
   * stampeding MySQL, and take over if the lock holder dies.
   */
  private async rebuild(packetId: string): Promise<void> {
    const { redis, config } = this.deps;
    const lock = redisKey(config, `{rp:${packetId}}`, 'rebuild');
    // Our own token: a rebuild that outlives its lock must not release another process's lock.
    const token = randomUUID();
    const deadline = Date.now() + REBUILD_WAIT_MS;
    while ((await redis.set(lock, token, 'PX', REBUILD_LOCK_MS, 'NX')) !== 'OK') {
      if (await this.store.exists(packetId)) return;
      if (Date.now() > deadline) throw new DomainError('BUSY', texts.restoring);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    try {
      const sql = this.deps.dataSource.manager;
      const packet = await findPacket(sql, packetId);
      if (!packet) throw notFound(texts.notFound);
      const grabs = await grabsOf(sql, packetId);
      await this.store.load(packetId, {
        status: packet.status === 'open' ? 'open' : 'closed',
        expiresAt: new Date(packet.expires_at),
        passphrase: packet.passphrase,
        roomId: funderGateOf(packet),
        shares: packet.status === 'open' ? await freeShares(sql, packetId) : [],
        grabbed: grabs.map((g) => ({ userId: g.userId, share: g.share })),
      });
    } finally {
      await redis.eval(RELEASE_LOCK_IF_OURS, 1, lock, token);
    }
  }

  /** The room's membership, or for a funded packet outside rooms its funder's say. */
  private async requireGatePassed(gate: string, userId: string): Promise<void> {
    if (!gate.startsWith(FUNDER_GATE)) return this.requireRoomMember(gate, userId);
    const [type, funderId] = gate.slice(FUNDER_GATE.length).split(':') as [FunderType, string];
    const check = this.grabGates.get(type);
    if (!check) throw new Error(`no grab gate for packets funded by ${type}`);
    await check(userId, funderId);
  }

  private async requireRoomMember(roomId: string, userId: string, what: 'grab' | 'see' | 'list' = 'grab'): Promise<void> {
    if (!(await isUserInRoom(this.deps.dataSource.manager, roomId, userId))) throw new DomainError('NOT_IN_ROOM', texts.notInRoom(what));
  }

  private async closedError(packetId: string): Promise<DomainError> {
    const packet = await findPacket(this.deps.dataSource.manager, packetId);
    if (!packet) return notFound(texts.notFound);
    if (packet.status === 'finished') return new DomainError('SOLD_OUT', texts.soldOut);
    return new DomainError('EXPIRED', texts.expired);
  }

  /** Refunds what is left of expired packets to their senders, each exactly once. */
  async refundExpiredPackets(): Promise<number> {
    const { dataSource, clock } = this.deps;
    let refunded = 0;
    for (const packetId of await expiredOpenPacketIds(dataSource.manager, clock.now(), EXPIRY_BATCH)) {
      try {
        await this.store.close(packetId);
        const refundedMb = await this.refundOne(packetId);
        if (refundedMb === null) continue;
        refunded++;
        this.events.expired({ packetId, refundedMb });
        const packet = await findPacket(this.deps.dataSource.manager, packetId);
        if (packet?.sender_id != null && refundedMb > 0) this.wallets.walletChanged(String(packet.sender_id), { kind: 'red_packet_refund' });
      } catch (error) {
        // One packet that cannot be refunded now must not hold back the others; the next run retries it.
        this.deps.logger.error({ err: error, packetId }, 'could not refund an expired packet');
      }
    }
    return refunded;
  }

  private async refundOne(packetId: string): Promise<number | null> {
    const { dataSource, clock, ledger } = this.deps;
    return inTransaction(dataSource, async (sql) => {
      const packet = await lockPacket(sql, packetId);
      if (!packet || packet.status !== 'open' || new Date(packet.expires_at) > clock.now()) return null;
      const leftMb = toInt(packet.remaining_mb);
      const listener = packet.funder_type === null ? null : this.leftoverListeners.get(packet.funder_type);
      if (listener === undefined) throw new Error(`no leftover listener for packets funded by ${packet.funder_type}`);
      if (leftMb > 0) {
        // The escrow's lots may have expired since the deadline; they go back as they are and the sweep takes them.
        await ledger.transfer(sql, { fromCode: escrowCode('red_packet', packetId), toCode: refundCodeOf(packet), amountMb: leftMb, kind: 'red_packet_refund', ref: { type: 'red_packet', id: packetId }, spendExpired: true });
      }
      await markExpired(sql, packetId, leftMb, clock.now());
      if (listener !== null && leftMb > 0) await listener(sql, { funderId: String(packet.funder_id), packetId, amountMb: leftMb });
      return leftMb;
    });
  }

  /** Grabs Redis decided whose MySQL write never came (a process died mid-grab): finish them. */
  async settleOrphanGrabs(): Promise<number> {
    const { dataSource, clock } = this.deps;
    let settled = 0;
    for (const id of await openPacketIds(dataSource.manager, EXPIRY_BATCH)) {
      for (const orphan of await this.store.stalePending(id, clock.now().getTime())) {
        try {
          if (await this.settleDecided(id, { id: orphan.userId }, orphan.share)) settled++;
        } catch (error) {
          // ALREADY_GRABBED / SOLD_OUT / EXPIRED: the orphan has been resolved one way or the other.
          // Anything else is logged and passed over: one bad item must never stop the sweep.
          if (!(error instanceof DomainError)) this.deps.logger.error({ err: error, packetId: id, userId: orphan.userId }, 'could not settle an orphan grab');
        }
      }
    }
    return settled;
  }
}

/** Where a packet's leftovers go: back to the escrow that funded it, else to its sender's wallet. */
function refundCodeOf(packet: PacketRow): string {
  if (packet.funder_type !== null && packet.funder_id !== null) return escrowCode(packet.funder_type, packet.funder_id);
  return walletCode(String(packet.sender_id));
}
