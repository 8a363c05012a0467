import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startNodeProcess, type ServerProcess } from '../test-support/processes';

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
export function spawnBenchChild(script: string, env: Record<string, string>): Promise<ServerProcess> {
  return startNodeProcess(join(__dirname, script), env, '/healthz', killOnExit);
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
