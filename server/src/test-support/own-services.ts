import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

/**
 * A Redis or MariaDB of a test's own, on a port of its own: the machine's shared servers are
 * never killed, so a test that takes a server down starts one here. Data lives in a temporary
 * directory (Redis with AOF, MariaDB's InnoDB) so that a restart on the same port finds it again.
 */
export interface OwnServer {
  port: number;
  url: string;
  /** SIGKILL, as when the machine under the server dies. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops it for good and removes its data. */
  destroy(): Promise<void>;
}

/** Bound on waiting for a started server to accept connections. */
const SERVER_START_TIMEOUT_MS = 30_000;

const children = new Set<ChildProcess>();
// A failed test file must not leave servers behind.
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

async function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function ownServer(port: number, url: string, dir: string, start: () => ChildProcess): Promise<OwnServer> {
  let child: ChildProcess | null = null;
  const launch = async () => {
    const started = start();
    children.add(started);
    let output = '';
    started.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-5_000)));
    started.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-5_000)));
    started.once('exit', () => children.delete(started));
    child = started;
    const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
    while (!(await acceptsConnections(port))) {
      if (started.exitCode !== null || Date.now() > deadline) throw new Error(`server on port ${port} did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const killChild = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    port,
    url,
    kill: killChild,
    restart: launch,
    async destroy() {
      await killChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server with AOF on, so that what it held survives a SIGKILL and restart. */
export async function startOwnRedis(port?: number): Promise<OwnServer> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'll-redis-'));
  const start = () =>
    spawn('redis-server', ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return ownServer(chosen, `redis://127.0.0.1:${chosen}`, dir, start);
}

/** Chosen ports for a server that starts later: nothing listens there until `start` is called. */
export async function reserveRedis(): Promise<{ port: number; url: string; start(): Promise<OwnServer> }> {
  const port = await freePort();
  return { port, url: `redis://127.0.0.1:${port}`, start: () => startOwnRedis(port) };
}

/** A MariaDB with a data directory of its own; root without a password, as the shared one. */
export async function startOwnMariadb(port?: number): Promise<OwnServer> {
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'll-mariadb-'));
  execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'ignore' });
  const start = () =>
    spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        `--port=${chosen}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 's.sock')}`,
        '--user=root',
        '--skip-grant-tables',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  return ownServer(chosen, `mysql://root@127.0.0.1:${chosen}`, dir, start);
}
