import { z } from 'zod';

export const MOCK_PUPPET = 'wechaty-puppet-mock';

/** Wechaty puppet providers are npm packages named wechaty-puppet-<name>, optionally scoped. */
const PuppetNameSchema = z
  .string()
  .regex(/^(@[a-z0-9-]+\/)?wechaty-puppet-[a-z0-9-]+$/, 'an npm package named wechaty-puppet-<name>');

const BotEnvSchema = z.object({
  WECHATY_PUPPET: PuppetNameSchema.default(MOCK_PUPPET),
  WECHATY_PUPPET_TOKEN: z.string().min(1).optional(),
  SERVICE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  BOT_TOKEN: z.string().min(1, 'BOT_TOKEN is the service-client token the service issued to this bot'),
  BOT_OUTBOX_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  BOT_SUMMARY_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).optional(),
});

export interface BotConfig {
  puppetName: string;
  puppetToken: string | undefined;
  serviceUrl: string;
  botToken: string;
  outboxPollIntervalMs: number | undefined;
  summaryIntervalMs: number | undefined;
}

/** Reads the bot's configuration once, at start-up; the only place that looks at the environment. */
export function readBotConfig(env: NodeJS.ProcessEnv): BotConfig {
  const parsed = BotEnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`bot configuration is invalid: ${problems}`);
  }
  const config = parsed.data;
  return {
    puppetName: config.WECHATY_PUPPET,
    puppetToken: config.WECHATY_PUPPET_TOKEN,
    serviceUrl: config.SERVICE_URL.replace(/\/+$/, ''),
    botToken: config.BOT_TOKEN,
    outboxPollIntervalMs: config.BOT_OUTBOX_POLL_INTERVAL_MS,
    summaryIntervalMs: config.BOT_SUMMARY_INTERVAL_MS,
  };
}
