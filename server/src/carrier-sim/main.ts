import { startCarrierSim } from './sim';

/**
 * The simulator as its own process (`node server/dist-tools/carrier-sim/main.js`), for local runs and
 * demos. As a process entry it is the one place here that reads the environment.
 */

const DEFAULT_PORT = 4010;
const DEFAULT_SECRET = 'dev-carrier-secret';
const DEFAULT_MESSAGE_PROVIDER_SECRET = 'dev-message-provider-secret';
const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:3000';

function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`CARRIER_SIM_PORT is not a port: ${raw}`);
  return port;
}

async function main(): Promise<void> {
  const sim = await startCarrierSim({
    port: portFromEnv(process.env.CARRIER_SIM_PORT),
    host: process.env.CARRIER_SIM_HOST || '127.0.0.1',
    secret: process.env.CARRIER_SECRET || DEFAULT_SECRET,
    messageProviderSecret: process.env.MESSAGE_PROVIDER_SECRET || DEFAULT_MESSAGE_PROVIDER_SECRET,
    // Where the provider's replies and delivery receipts go: the service `npm start` runs.
    webhookUrl: process.env.CARRIER_SIM_WEBHOOK_URL || DEFAULT_WEBHOOK_URL,
  });
  console.log(`carrier simulator listening on ${sim.url}`);
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('carrier simulator failed to close', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error('carrier simulator failed to start', error);
  process.exit(1);
});
