import { ConfigError, loadConfig } from './config';
import { migrate } from './db/data-source';
import { SHUTDOWN_AFTER_DRAIN_MS, startServer } from './server';
import { createLogger } from './platform/logger';
import { installCrashPolicy } from './platform/crash-policy';
import { mysqlDependency, redisDependency, StartupWaitError, waitForDependencies } from './platform/startup-wait';

/** Slack beyond the shutdown's own bounds before the process stops waiting for itself. */
const SHUTDOWN_EXIT_SLACK_MS = 1_000;

/**
 * The service process: wait for MySQL and Redis, migrate (idempotent), serve, and stop cleanly
 * on SIGTERM within a bound.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  installCrashPolicy(logger);
  // Orchestrators start everything at once: a database still starting is waited for, not a crash.
  await waitForDependencies([mysqlDependency(config.DATABASE_URL), redisDependency(config.REDIS_URL)], config.STARTUP_WAIT_SECONDS, logger);
  await migrate(config.DATABASE_URL);
  const server = await startServer(config);
  server.deps.logger.info({ url: server.url }, `Liuliang is listening on port ${config.PORT}`);
  const stop = async () => {
    const overran = setTimeout(() => {
      logger.error('shutdown overran its bounds; exiting without finishing it');
      process.exit(1);
    }, config.SHUTDOWN_DRAIN_MS + SHUTDOWN_AFTER_DRAIN_MS + SHUTDOWN_EXIT_SLACK_MS);
    overran.unref();
    await server.close(config.SHUTDOWN_DRAIN_MS);
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // What the operator must fix or wait for is one line naming it, no stack.
  if (error instanceof ConfigError || error instanceof StartupWaitError) console.error(`Liuliang did not start: ${error.message}`);
  else console.error('Liuliang failed to start:', error);
  process.exit(1);
});
