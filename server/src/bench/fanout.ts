import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveClientToServer, type LiveServerToClient } from '@liuliang/shared';
import { httpClient } from '../test-support/http-client';
import type { ServerProcess } from '../test-support/processes';
import { spawnBenchChild, stopWithin } from './children';
import { percentile } from './load';
import { watchCpu, type CpuShares } from './cpu';
import { createPacket } from './storm';
import type { BenchUser } from './stack';

/**
 * Live fan-out (SPEC §5): many socket.io clients follow one packet, split over the server
 * processes; grabs made through the API must reach every one of them, quickly, none lost.
 * Latency is arrival time at the client − the event's own `at`, on the same machine clock.
 * The baseline is the same clients and pace against bare socket.io (bare-live-server.ts).
 */

export interface FanoutShape {
  clients: number;
  grabs: number;
  /** Grabs are paced: every one fans out to all clients, and the clients share the bench's CPU. */
  grabsPerSecond: number;
  /** Clients are users[0 … clients-1]; grabbers the next `grabs` users. */
  users: readonly BenchUser[];
}

export interface FanoutRun {
  clients: number;
  events: number;
  expectedEvents: number;
  receivedEvents: number;
  duplicateEvents: number;
  lostEvents: number;
  finishedReceived: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  connectSeconds: number;
  sendSeconds: number;
  cpu: CpuShares;
  problems: string[];
}

type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

/** Bounds: sockets opened at once, waits for a connection/ack, and for stragglers after the last event. */
const CONNECT_BATCH = 100;
const CONNECT_TIMEOUT_MS = 20_000;
const DRAIN_TIMEOUT_MS = 15_000;
const MB_PER_SHARE = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The clients, connected round-robin to `urls` and subscribed to one packet, tallying what arrives. */
class Audience {
  readonly sockets: LiveSocket[] = [];
  readonly latenciesMs: Float64Array;
  received = 0;
  duplicates = 0;
  finished = 0;

  constructor(private readonly shape: FanoutShape) {
    this.latenciesMs = new Float64Array(shape.clients * shape.grabs);
  }

  async connect(urls: readonly string[], packetId: string): Promise<number> {
    const started = Date.now();
    for (let first = 0; first < this.shape.clients; first += CONNECT_BATCH) {
      const batch = this.shape.users.slice(first, Math.min(first + CONNECT_BATCH, this.shape.clients));
      await Promise.all(batch.map((user, offset) => this.connectOne(urls[(first + offset) % urls.length], user.token, packetId)));
    }
    return (Date.now() - started) / 1000;
  }

  private async connectOne(url: string, token: string, packetId: string): Promise<void> {
    const socket: LiveSocket = io(`${url}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false, timeout: CONNECT_TIMEOUT_MS });
    this.sockets.push(socket);
    const seen = new Set<string>();
    socket.on('grabbed', (event) => {
      const arrivedAt = Date.now();
      if (seen.has(event.userId)) {
        this.duplicates++;
        return;
      }
      seen.add(event.userId);
      if (this.received < this.latenciesMs.length) this.latenciesMs[this.received] = arrivedAt - Date.parse(event.at);
      this.received++;
    });
    socket.on('finished', () => this.finished++);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(new Error(`a live client could not connect: ${error.message}`)));
    });
    const ack = await socket.timeout(CONNECT_TIMEOUT_MS).emitWithAck('subscribe', { packetId });
    if (!ack.ok) throw new Error(`subscribe answered ${JSON.stringify(ack)}`);
  }

  /** Waits (bounded) for every expected event, then reports. */
  async settle(events: number, connectSeconds: number, sendSeconds: number, cpu: { stop(): CpuShares }, problems: string[]): Promise<FanoutRun> {
    const expectedEvents = this.shape.clients * events;
    const drainUntil = Date.now() + DRAIN_TIMEOUT_MS;
    while ((this.received < expectedEvents || this.finished < this.shape.clients) && Date.now() < drainUntil) await sleep(50);
    const cpuShares = cpu.stop();
    const sorted = this.latenciesMs.subarray(0, Math.min(this.received, this.latenciesMs.length)).sort();
    const lostEvents = Math.max(0, expectedEvents - this.received);
    if (lostEvents > 0) problems.push(`${lostEvents} grabbed events never arrived`);
    if (this.duplicates > 0) problems.push(`${this.duplicates} grabbed events arrived twice`);
    if (this.finished !== this.shape.clients) problems.push(`${this.finished} of ${this.shape.clients} clients got the finished event`);
    return {
      clients: this.shape.clients,
      events,
      expectedEvents,
      receivedEvents: this.received,
      duplicateEvents: this.duplicates,
      lostEvents,
      finishedReceived: this.finished,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
      connectSeconds,
      sendSeconds,
      cpu: cpuShares,
      problems,
    };
  }

  close(): void {
    for (const socket of this.sockets) socket.disconnect();
  }
}

/** Calls `send(i)` for i in 0 … count-1 at `perSecond`, without waiting for one before the next. */
async function paced<T>(count: number, perSecond: number, send: (i: number) => Promise<T>): Promise<{ results: T[]; seconds: number }> {
  const started = Date.now();
  const pending: Array<Promise<T>> = [];
  for (let i = 0; i < count; i++) {
    const dueAt = started + (i * 1000) / perSecond;
    if (dueAt > Date.now()) await sleep(dueAt - Date.now());
    pending.push(send(i));
  }
  const results = await Promise.all(pending);
  return { results, seconds: (Date.now() - started) / 1000 };
}

export async function runFanout(servers: readonly ServerProcess[], sender: BenchUser, shape: FanoutShape): Promise<FanoutRun> {
  if (shape.users.length < shape.clients + shape.grabs) throw new Error(`fan-out needs ${shape.clients + shape.grabs} users, has ${shape.users.length}`);
  const packetId = await createPacket(servers[0].url, sender, shape.grabs, shape.grabs * MB_PER_SHARE);
  const audience = new Audience(shape);
  try {
    const connectSeconds = await audience.connect(servers.map((s) => s.url), packetId);
    const cpu = watchCpu({ servers: servers.map((s) => s.child.pid ?? 0) });
    const clients = servers.map((s) => httpClient(s.url));
    const { results: statuses, seconds } = await paced(shape.grabs, shape.grabsPerSecond, (i) =>
      clients[i % clients.length].post(`/api/v1/red-packets/${packetId}/grab`, {}, { token: shape.users[shape.clients + i].token, idempotencyKey: true }).then((a) => a.status),
    );
    const grants = statuses.filter((s) => s === 200).length;
    const problems = grants === shape.grabs ? [] : [`${grants} of ${shape.grabs} fan-out grabs answered 200`];
    return await audience.settle(grants, connectSeconds, seconds, cpu, problems);
  } finally {
    audience.close();
  }
}

export async function runBareFanout(shape: FanoutShape, processes: number): Promise<FanoutRun> {
  const servers = await Promise.all(Array.from({ length: processes }, () => spawnBenchChild('bare-live-server.js', {})));
  const audience = new Audience(shape);
  try {
    const connectSeconds = await audience.connect(servers.map((s) => s.url), '1');
    const cpu = watchCpu({ servers: servers.map((s) => s.child.pid ?? 0) });
    const post = (path: string) => Promise.all(servers.map((s) => fetch(`${s.url}${path}`, { method: 'POST' }).then((r) => r.status)));
    const { seconds } = await paced(shape.grabs, shape.grabsPerSecond, (i) => post(`/emit/${i}`));
    await post('/finish');
    return await audience.settle(shape.grabs, connectSeconds, seconds, cpu, []);
  } finally {
    audience.close();
    await stopWithin(servers);
  }
}
