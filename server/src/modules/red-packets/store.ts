import type { Redis } from 'ioredis';
import { IN_WORK_LEASE_MS, IN_WORK_RECORD_TTL_SECONDS, StoredRequestFound, type ClaimInWork } from '../../platform/claims-in-work';

/**
 * The hot path of grabbing, in Redis: one Lua script per grab decides who gets which share,
 * so thousands of losers are turned away without touching MySQL. All keys of a packet share
 * the hash tag `{rp:<id>}`, so every script touches one Cluster slot. MySQL stays the source
 * of truth; this state can always be rebuilt from it.
 */

const GRAB = `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'MISSING'} end
local meta = redis.call('HMGET', KEYS[1], 'status', 'expiresAtMs', 'passphrase', 'roomId')
-- Membership first: a non-member must not learn whether a guessed passphrase is right.
if meta[4] ~= '' and ARGV[4] ~= meta[4] then return {'ROOM', meta[4]} end
-- A share already held is the answer whatever happened since (sold out, expired): a retry of
-- a grab whose answer was lost must get the same share again.
local mine = redis.call('HGET', KEYS[3], ARGV[1])
if mine then return {'ALREADY', mine} end
if meta[1] ~= 'open' or tonumber(ARGV[2]) >= tonumber(meta[2]) then return {'EXPIRED'} end
if meta[3] ~= '' and meta[3] ~= ARGV[3] then return {'WRONG_PASSPHRASE'} end
local share = redis.call('LPOP', KEYS[2])
if not share then return {'SOLD_OUT'} end
redis.call('HSET', KEYS[3], ARGV[1], share)
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1] .. ':' .. share)
return {'OK', share}
`;

/**
 * The grab with its request's idempotency record (SPEC §4) in the packet's hash slot (KEYS[5]):
 * a record of another attempt is the answer (replay, reuse, in flight); otherwise this attempt
 * claims the key, and a sold-out answer is stored with it at once. A loser costs one round trip.
 * ARGV[5…10]: attempt, request hash, lease ms, record TTL s, sold-out status and body.
 */
const GRAB_CLAIMED =
  `
local rec = redis.call('HMGET', KEYS[5], 'attempt', 'requestHash', 'status', 'responseStatus', 'responseBody')
if rec[1] and rec[1] ~= ARGV[5] then return {'STORED', rec[2] or '', rec[3] or '', rec[4] or '', rec[5] or ''} end
if not rec[1] then
  redis.call('HSET', KEYS[5], 'attempt', ARGV[5], 'requestHash', ARGV[6], 'status', 'in_flight')
  redis.call('PEXPIRE', KEYS[5], ARGV[7])
end
` +
  GRAB.replace(
    "if not share then return {'SOLD_OUT'} end",
    `if not share then
  redis.call('HSET', KEYS[5], 'status', 'completed', 'responseStatus', ARGV[9], 'responseBody', ARGV[10])
  redis.call('EXPIRE', KEYS[5], ARGV[8])
  return {'SOLD_OUT', 'RECORDED'}
end`,
  ).replace("return {'WRONG_PASSPHRASE'}", "redis.call('DEL', KEYS[5]) return {'WRONG_PASSPHRASE'}");

// The claimed grab is the plain one with two answers changed: fail at start-up, not in a storm, if they were not found.
if (!GRAB_CLAIMED.includes("'RECORDED'") || !GRAB_CLAIMED.includes("redis.call('DEL', KEYS[5])")) throw new Error('GRAB_CLAIMED no longer matches GRAB');

/** Loads a packet's state unless it is already there (the first rebuild wins; later ones are no-ops). */
const LOAD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = tonumber(ARGV[6])
for i = 1, n do redis.call('RPUSH', KEYS[2], ARGV[6 + i]) end
local i = 7 + n
while i < #ARGV do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 2
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'expiresAtMs', ARGV[2], 'passphrase', ARGV[3], 'roomId', ARGV[4])
for k = 1, 4 do redis.call('PEXPIREAT', KEYS[k], ARGV[5]) end
return 1
`;

/** Undoes a grab decided here that MySQL refused: the share goes back; the user keeps what MySQL says. */
const RELEASE = `
redis.call('ZREM', KEYS[4], ARGV[1] .. ':' .. ARGV[2])
if redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[2] then
  if ARGV[3] == '' then redis.call('HDEL', KEYS[3], ARGV[1]) else redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
end
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[2]) end
return 1
`;

export interface Share {
  seq: number;
  amountMb: number;
}

export type GrabDecision =
  | { kind: 'MISSING' | 'EXPIRED' | 'WRONG_PASSPHRASE' | 'SOLD_OUT' }
  | { kind: 'ROOM'; roomId: string }
  | { kind: 'ALREADY' | 'OK'; share: Share };

export interface PacketState {
  status: 'open' | 'closed';
  expiresAt: Date;
  passphrase: string | null;
  roomId: string | null;
  shares: Share[];
  grabbed: Array<{ userId: string; share: Share }>;
}

/** How long Redis keeps a packet's state after it expires; MySQL keeps it for ever. */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;
export const PENDING_GRAB_GRACE_MS = 5_000;

const encode = (share: Share) => `${share.seq}:${share.amountMb}`;
export function decodeShare(text: string): Share {
  const [seq, amountMb] = text.split(':').map(Number);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(amountMb) || amountMb < 1) throw new Error(`corrupt share in Redis: ${text}`);
  return { seq, amountMb };
}

type ScriptCall = (...args: Array<string | number>) => Promise<unknown>;

export class RedPacketStore {
  private readonly scripts: Record<'grab' | 'grabClaimed' | 'load' | 'release', ScriptCall>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    // Defined commands run by EVALSHA: the script body crosses the wire once, not per grab.
    redis.defineCommand('llRedPacketGrab', { numberOfKeys: 4, lua: GRAB });
    redis.defineCommand('llRedPacketGrabClaimed', { numberOfKeys: 5, lua: GRAB_CLAIMED });
    redis.defineCommand('llRedPacketLoad', { numberOfKeys: 4, lua: LOAD });
    redis.defineCommand('llRedPacketRelease', { numberOfKeys: 4, lua: RELEASE });
    const commands = redis as unknown as Record<string, ScriptCall>;
    this.scripts = {
      grab: (...args) => commands.llRedPacketGrab.apply(redis, args),
      grabClaimed: (...args) => commands.llRedPacketGrabClaimed.apply(redis, args),
      load: (...args) => commands.llRedPacketLoad.apply(redis, args),
      release: (...args) => commands.llRedPacketRelease.apply(redis, args),
    };
  }

  private keys(packetId: string): string[] {
    const tag = `${this.prefix}:{rp:${packetId}}`;
    return [`${tag}:meta`, `${tag}:shares`, `${tag}:grabbed`, `${tag}:pending`];
  }

  /**
   * `checkedRoomId` is the room the caller has verified membership of ('' when none yet). With
   * `claim`, the same script claims the request's idempotency key (see GRAB_CLAIMED): it throws
   * StoredRequestFound for another attempt's record, and marks a sold-out answer as recorded.
   */
  async decide(packetId: string, userId: string, nowMs: number, passphrase: string, checkedRoomId: string, claim?: { inWork: ClaimInWork; soldOut: { status: number; body: string } }): Promise<GrabDecision> {
    let answer: string[];
    if (claim) {
      const { inWork, soldOut } = claim;
      inWork.key = `${this.prefix}:{rp:${packetId}}:idem:${inWork.scope}:${inWork.keyHash}`;
      const args = [inWork.attempt, inWork.requestHash, IN_WORK_LEASE_MS, IN_WORK_RECORD_TTL_SECONDS, soldOut.status, soldOut.body];
      answer = (await this.scripts.grabClaimed(...this.keys(packetId), inWork.key, userId, nowMs, passphrase, checkedRoomId, ...args)) as string[];
      if (answer[0] === 'STORED') {
        const [, requestHash, status, responseStatus, responseBody] = answer;
        throw new StoredRequestFound({ requestHash, status: status as 'in_flight' | 'completed', responseStatus: responseStatus ? Number(responseStatus) : null, responseBody: responseBody || null });
      }
      if (answer[0] === 'SOLD_OUT' && answer[1] === 'RECORDED') inWork.recorded = soldOut;
    } else {
      answer = (await this.scripts.grab(...this.keys(packetId), userId, nowMs, passphrase, checkedRoomId)) as string[];
    }
    const [kind, value] = answer;
    if (kind === 'OK' || kind === 'ALREADY') return { kind, share: decodeShare(value) };
    if (kind === 'ROOM') return { kind, roomId: value };
    return { kind } as GrabDecision;
  }

  async load(packetId: string, state: PacketState): Promise<boolean> {
    const args = [
      state.status,
      state.expiresAt.getTime(),
      state.passphrase ?? '',
      state.roomId ?? '',
      state.expiresAt.getTime() + KEEP_AFTER_EXPIRY_MS,
      state.shares.length,
      ...state.shares.map(encode),
      ...state.grabbed.flatMap((g) => [g.userId, encode(g.share)]),
    ];
    return (await this.scripts.load(...this.keys(packetId), ...args)) === 1;
  }

  /** The grab is in MySQL: it is no longer pending. */
  async settled(packetId: string, userId: string, share: Share): Promise<void> {
    await this.redis.zrem(this.keys(packetId)[3], `${userId}:${encode(share)}`);
  }

  /**
   * MySQL refused a share decided here. `usersShare` is what MySQL says the user holds (or
   * null); `returnShare` puts the share back for others when it is still free in MySQL.
   */
  async release(packetId: string, userId: string, share: Share, usersShare: Share | null, returnShare: boolean): Promise<void> {
    await this.scripts.release(...this.keys(packetId), userId, encode(share), usersShare ? encode(usersShare) : '', returnShare ? '1' : '0');
  }

  async exists(packetId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(packetId)[0])) === 1;
  }

  async close(packetId: string): Promise<void> {
    const [meta] = this.keys(packetId);
    // Only an existing state is marked; a missing one is rebuilt from MySQL, which says closed.
    await this.redis.eval(`if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'status', 'closed') end return 1`, 1, meta);
  }

  /** Grabs decided here longer ago than the grace period whose MySQL write never came (a process died). */
  async stalePending(packetId: string, nowMs: number): Promise<Array<{ userId: string; share: Share }>> {
    const members = await this.redis.zrangebyscore(this.keys(packetId)[3], '-inf', nowMs - PENDING_GRAB_GRACE_MS, 'LIMIT', 0, 200);
    return members.map((m) => {
      const [userId, seq, amountMb] = m.split(':');
      return { userId, share: decodeShare(`${seq}:${amountMb}`) };
    });
  }
}
