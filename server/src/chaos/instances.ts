import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from '../test-support/processes';

/**
 * Private MariaDB and Redis servers for fault injection: on their own loopback ports, in their
 * own temporary directories, so that killing, wiping and restarting them never touches the
 * machine's shared servers (3306, 6379). Each can be SIGKILLed and started again on the same
 * port with the same data, as a crashed and restarted server is.
 */

/** Bound on waiting for a (re)started server to answer. InnoDB crash recovery takes seconds. */
const START_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export interface Instance {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  running(): boolean;
  /** SIGKILL: no shutdown, no flush beyond what is already on disk (AOF fsync always, InnoDB redo). */
  kill(): Promise<void>;
  /** Starts again on the same port and data directory; resolves when it answers. */
  start(): Promise<void>;
  /** Stops for good and removes the data directory. */
  destroy(): Promise<void>;
}

/** Every server child still running, killed when this process exits whatever the reason. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntil(what: string, answers: () => Promise<boolean>, child: () => ChildProcess | null, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const c = child();
    if (!c || c.exitCode !== null || c.signalCode !== null) throw new Error(`${what} exited while starting:\n${log()}`);
    if (await answers()) return;
    if (Date.now() > deadline) throw new Error(`${what} did not answer within ${START_TIMEOUT_MS} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-8_000)));
    child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-8_000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

/** A server binary run as a child, restartable on the same port. */
function restartableServer(name: string, port: number, url: string, dir: string, command: string, args: string[], answers: () => Promise<boolean>): Instance {
  let child: ChildProcess | null = null;
  let output = '';
  const running = () => child !== null && child.exitCode === null && child.signalCode === null;
  return {
    name,
    port,
    url,
    running,
    async kill() {
      if (!child) return;
      if (running()) child.kill('SIGKILL');
      await exitOf(child);
      child = null;
    },
    async start() {
      if (running()) return;
      output = '';
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      trackChild(child);
      child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-8_000)));
      child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-8_000)));
      await waitUntil(name, answers, () => child, () => output);
    },
    async destroy() {
      await this.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Redis with an append-only file fsynced on every write, so that a SIGKILL loses nothing that
 * was acknowledged: a restart shows what a crashed production Redis with AOF would.
 */
export async function startPrivateRedis(): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), 'll-chaos-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'no', '--daemonize', 'no'];
  const instance = restartableServer('redis', port, `redis://127.0.0.1:${port}`, dir, 'redis-server', args, () => redisAnswers(port));
  await instance.start();
  return instance;
}

/** PING over a raw socket: +PONG only once the AOF is loaded (-LOADING before). */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

/**
 * MariaDB in a temporary data directory, root without a password (grant tables skipped: it
 * listens on loopback only, for the length of one run). Buffers are kept small: the machine
 * is shared.
 */
export async function startPrivateMariadb(): Promise<Instance> {
  const dir = await mkdtemp(join(tmpdir(), 'll-chaos-mariadb-'));
  const datadir = join(dir, 'data');
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve']);
  const port = await freePort();
  const args = [
    '--no-defaults',
    `--datadir=${datadir}`,
    `--port=${port}`,
    `--socket=${join(dir, 'mariadb.sock')}`,
    `--pid-file=${join(dir, 'mariadb.pid')}`,
    '--bind-address=127.0.0.1',
    '--user=root',
    '--skip-grant-tables',
    '--skip-name-resolve',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=64M',
    '--innodb-log-file-size=32M',
    '--max-connections=300',
  ];
  const instance = restartableServer('mariadb', port, `mysql://root@127.0.0.1:${port}`, dir, 'mariadbd', args, () => mariadbAnswers(port));
  await instance.start();
  return instance;
}

async function mariadbAnswers(port: number): Promise<boolean> {
  try {
    const connection = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1_000 });
    await connection.query('SELECT 1');
    await connection.end();
    return true;
  } catch {
    return false;
  }
}
