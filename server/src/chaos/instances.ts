import type { ChildProcess } from 'node:child_process';
import { startOwnMariadb, startOwnRedis, type OwnServer } from '../test-support/own-services';

/**
 * The chaos run's MariaDB and Redis: test-support's servers of their own (own ports, own data
 * directories, Redis with an fsynced AOF), which remember whether they are down so that a
 * fault can be undone once and clean-up can tell what is still running.
 */
export interface Instance {
  readonly url: string;
  readonly port: number;
  running(): boolean;
  /** SIGKILL: nothing flushed beyond what is on disk (AOF fsync always, InnoDB redo). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory (no-op while it runs). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function remembered(server: OwnServer): Instance {
  let up = true;
  return {
    url: server.url,
    port: server.port,
    running: () => up,
    async kill() {
      await server.kill();
      up = false;
    },
    async start() {
      if (up) return;
      await server.restart();
      up = true;
    },
    async destroy() {
      up = false;
      await server.destroy();
    },
  };
}

export const startPrivateRedis = async (): Promise<Instance> => remembered(await startOwnRedis());
export const startPrivateMariadb = async (): Promise<Instance> => remembered(await startOwnMariadb());

/** Every service process still running, killed when this process exits whatever the reason. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}
