import { ConfigError, loadConfig } from './config';
import { migrate } from './db/data-source';
import { startServer } from './server';

/** The service process: migrate (idempotent), serve, and stop cleanly on SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  await migrate(config.DATABASE_URL);
  const server = await startServer(config);
  server.deps.logger.info({ url: server.url }, `Liuliang is listening on port ${config.PORT}`);
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // A configuration problem is the operator's to fix: one line naming the variable, no stack.
  if (error instanceof ConfigError) console.error(`Liuliang did not start: ${error.message}`);
  else console.error('Liuliang failed to start:', error);
  process.exit(1);
});
