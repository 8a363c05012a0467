import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, type ServerProcess } from '../test-support/processes';

/** Bound on waiting for a child to answer its health check. */
const START_TIMEOUT_MS = 30_000;
/** Bound on a polite stop; past it the child is killed. */
export const STOP_TIMEOUT_MS = 5_000;

/** Every child the bench started and that is still running. */
const running = new Set<ChildProcess>();

/**
 * Whatever way the bench ends (an abort racing a scenario that is still starting processes,
 * an exception), no child outlives it: on exit, the survivors are killed.
 */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts one of the bench's own servers (`bare-koa-server.js`, `naive-grab-server.js`) as a
 * child process on a free loopback port, and waits until `GET /healthz` answers 200.
 */
export async function spawnBenchChild(script: string, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, script)], { env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited while starting:\n${output}`);
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
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
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Stops a process politely, and kills it if it has not gone within STOP_TIMEOUT_MS. */
export async function stopWithin(processes: readonly ServerProcess[]): Promise<void> {
  await Promise.all(
    processes.map(async (p) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)));
      const outcome = await Promise.race([p.stop().then(() => 'stopped' as const), late]);
      clearTimeout(timer);
      if (outcome === 'late') await p.kill();
    }),
  );
}
