import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './processes';

/** Bound on waiting for a started redis-server to answer PING. */
const REDIS_START_TIMEOUT_MS = 10_000;

export interface OwnRedis {
  url: string;
  /** A client of this instance only: FLUSHALL here never touches the machine's shared Redis. */
  admin: Redis;
  /** Kills the server (SIGKILL) and starts an empty one on the same port: a restart without data. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port and in a temporary directory, for tests that
 * wipe or kill Redis: the machine's Redis is shared and must never be flushed or stopped.
 */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'll-redis-'));
  let child = await launch(port, dir);
  const admin = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 3 });
  return {
    url: `redis://127.0.0.1:${port}`,
    admin,
    async restartEmpty() {
      await kill(child);
      await rm(dir, { recursive: true, force: true });
      child = await launch(port, dir);
    },
    async stop() {
      admin.disconnect();
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  await mkdir(dir, { recursive: true });
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
      const answered = await probe.connect().then(() => probe.ping(), () => undefined).catch(() => undefined);
      if (answered === 'PONG') return child;
      probe.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    probe.disconnect();
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
