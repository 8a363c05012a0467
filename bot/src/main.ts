import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { createBot, quietWechatyLog, type LiuliangBot } from './bot';
import { MOCK_PUPPET, readBotConfig, type BotConfig } from './config';
import { createDemoWorld, runConsoleDemo } from './demo/console';
import { consoleLogger, type Logger } from './logger';
import { loadPuppet } from './puppet';

/**
 * The bot process: reads its configuration once, builds the configured puppet, starts the bot.
 * With the mock puppet it also builds a small mock chat and, on a terminal, a console to play
 * in it; without a terminal the bot just keeps running.
 */
async function main(): Promise<void> {
  const config = readBotConfig(process.env);
  const logger = consoleLogger('bot');
  if (process.env.WECHATY_LOG === undefined) quietWechatyLog('warn');
  const bot = config.puppetName === MOCK_PUPPET ? await startMockBot(config, logger) : await startBot(config, logger);
  stopOnSignals(bot, logger);
}

function botOptions(config: BotConfig) {
  return {
    serviceUrl: config.serviceUrl,
    botToken: config.botToken,
    ...(config.outboxPollIntervalMs === undefined ? {} : { outboxPollIntervalMs: config.outboxPollIntervalMs }),
    ...(config.summaryIntervalMs === undefined ? {} : { summaryIntervalMs: config.summaryIntervalMs }),
  };
}

async function startBot(config: BotConfig, logger: Logger): Promise<LiuliangBot> {
  const puppet = await loadPuppet(config.puppetName, config.puppetToken);
  const bot = createBot({ puppet, logger, ...botOptions(config) });
  await bot.start();
  logger.info(`started with ${config.puppetName}, service ${config.serviceUrl}`);
  return bot;
}

async function startMockBot(config: BotConfig, logger: Logger): Promise<LiuliangBot> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = createBot({ puppet, logger: withoutMockNoise(logger), ...botOptions(config) });
  await bot.start();
  const world = createDemoWorld(mocker);
  logger.info(`started with the mock puppet, service ${config.serviceUrl}`);
  if (process.stdin.isTTY === true) {
    void runConsoleDemo(world, process.stdin, process.stdout).then(() => shutDown(bot, logger, 0));
  } else {
    logger.info('stdin is not a terminal: no console demo; the bot keeps running');
  }
  return bot;
}

/**
 * On a room join the mock puppet marks the room's member list stale under the room's id, and
 * Wechaty then looks that id up as a contact and reports an error. It is harmless and only
 * clutters the console demo, so the demo leaves it out.
 */
function withoutMockNoise(logger: Logger): Logger {
  const noise = /^wechaty: no payload found for id \S+@chatroom$/;
  return { ...logger, warn: (message) => (noise.test(message) ? undefined : logger.warn(message)) };
}

function stopOnSignals(bot: LiuliangBot, logger: Logger): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutDown(bot, logger, 0));
  }
}

async function shutDown(bot: LiuliangBot, logger: Logger, exitCode: number): Promise<void> {
  try {
    await bot.stop();
  } catch (error) {
    logger.error(`stopping: ${String(error)}`);
  }
  process.exit(exitCode);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
