import type { Logger } from 'pino';
import { isOutageError } from './outages';

/**
 * What the process does with an error nobody caught. A database or Redis outage is an
 * operating condition, never a reason to die: the clients reconnect, /readyz turns 503, and
 * requests answer 503 meanwhile. Anything else means a code path we did not foresee left its
 * work half done; the process then says so and exits, so that a fresh one starts from a known
 * state (the ledger's invariants live in the database, not in this process's memory).
 */
export function installCrashPolicy(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const onUncaught = (kind: 'unhandledRejection' | 'uncaughtException') => (error: unknown) => {
    if (isOutageError(error)) {
      logger.warn({ err: error, kind }, 'a database or Redis outage surfaced outside a request; carrying on');
      return;
    }
    logger.fatal({ err: error, kind }, 'unexpected error outside any handler; exiting so a fresh process starts clean');
    logger.flush?.();
    exit(1);
  };
  process.on('unhandledRejection', onUncaught('unhandledRejection'));
  process.on('uncaughtException', onUncaught('uncaughtException'));
}
