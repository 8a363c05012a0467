import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import type { Config } from '../config';

/** The built service entry: multi-process tests run the real process, as production does. */
const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  log(): string;
  /** SIGKILL: no cleanup, as when a machine dies. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `node server/dist/main.js` with the stack's configuration on a port of its own. */
export async function spawnServer(config: Config, overrides: Partial<Record<keyof Config, string | number | boolean>> = {}): Promise<ServerProcess> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...config, ...overrides })) if (value !== undefined) env[key] = String(value);
  return startNodeProcess(MAIN, env, '/readyz');
}

/** Bound on waiting for a started process to answer its health check. */
const START_TIMEOUT_MS = 30_000;

/**
 * Runs a Node script as a child process on a free loopback port (`PORT`) and waits until
 * `readyPath` answers 200. `onSpawn` sees the child at once (e.g. to kill it on exit).
 */
export async function startNodeProcess(script: string, env: Record<string, string>, readyPath: string, onSpawn?: (child: ChildProcess) => void): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (!running()) throw new Error(`${script} exited while starting:\n${output}`);
    if (await fetch(`${url}${readyPath}`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    log: () => output,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (running()) child.kill('SIGTERM');
      await exited;
    },
  };
}
