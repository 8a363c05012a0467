import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_SECRETS, listenHost, loadConfig, MIN_SECRET_BYTES } from './config';

const strong = (label: string) => `${label}-`.padEnd(MIN_SECRET_BYTES + 8, 'x');
const productionSecrets = {
  NODE_ENV: 'production',
  JWT_SECRET: strong('jwt'),
  BOT_TOKEN: strong('bot'),
  CODE_HASH_KEY: strong('code-hash'),
  COUPON_KEK: strong('coupon-kek'),
  COUPON_HASH_KEY: strong('coupon-hash'),
  CARRIER_SECRET: strong('carrier'),
  MESSAGE_PROVIDER_SECRET: strong('sms-provider'),
};

describe('configuration in production', () => {
  it('starts with a distinct, long secret for every purpose', () => {
    expect(loadConfig(productionSecrets).NODE_ENV).toBe('production');
  });

  it.each(Object.keys(DEV_SECRETS))('refuses to start while %s is unset, naming it', (name) => {
    const env: Record<string, string> = { ...productionSecrets };
    delete env[name];
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name} is unset or a development default`));
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => loadConfig({ ...productionSecrets, JWT_SECRET: 'a'.repeat(MIN_SECRET_BYTES - 1) })).toThrow(/JWT_SECRET is shorter than 32 bytes/);
  });

  it('refuses one secret shared by two purposes', () => {
    expect(() => loadConfig({ ...productionSecrets, BOT_TOKEN: productionSecrets.JWT_SECRET })).toThrow(/BOT_TOKEN is the same value as JWT_SECRET/);
  });

  it('never serves the dev outbox', () => {
    expect(() => loadConfig({ ...productionSecrets, DEV_OUTBOX: '1' })).toThrow(/DEV_OUTBOX/);
  });

  it('never puts a secret value in the message', () => {
    const short = 'short-but-secret';
    expect(() => loadConfig({ ...productionSecrets, JWT_SECRET: short })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(short) }));
  });
});

describe('configuration in development', () => {
  it('keeps the dev outbox off unless asked for, and listens on loopback', () => {
    const config = loadConfig({});
    expect(config.DEV_OUTBOX).toBe(false);
    expect(config.TRUST_PROXY).toBe(false);
    expect(listenHost(config)).toBe('127.0.0.1');
    expect(listenHost(loadConfig({ HOST: '0.0.0.0' }))).toBe('0.0.0.0');
    expect(loadConfig({ DEV_OUTBOX: '1' }).DEV_OUTBOX).toBe(true);
  });
});

describe('the service process', () => {
  const main = join(__dirname, '..', 'dist', 'main.js');
  // `npm test` builds before it runs jest; a bare `npx jest` on a clean tree has no dist.
  (existsSync(main) ? it : it.skip)('exits at once with one line naming the variable when production has no secrets', () => {
    const run = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Liuliang did not start: Refusing to start in production: JWT_SECRET is unset or a development default;/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
