import { loadConfig } from '../config';
import { startServer } from '../server';
import { requireHttpsEndpoints } from './endpoints';

const HTTPS = { CARRIER_URL: 'https://carrier.example/api', MESSAGE_PROVIDER_URL: 'https://sms.example' };

describe('carrier and provider endpoints in production', () => {
  it('refuses an endpoint that is not https, naming the variable', () => {
    expect(() => requireHttpsEndpoints({ NODE_ENV: 'production', ...HTTPS, CARRIER_URL: 'http://carrier.example' })).toThrow(/CARRIER_URL.*https/);
    expect(() => requireHttpsEndpoints({ NODE_ENV: 'production', ...HTTPS, MESSAGE_PROVIDER_URL: 'http://127.0.0.1:4010' })).toThrow(
      /MESSAGE_PROVIDER_URL.*https/,
    );
    expect(() => requireHttpsEndpoints({ NODE_ENV: 'production', ...HTTPS, CARRIER_URL: 'carrier.example' })).toThrow(/CARRIER_URL/);
  });

  it('accepts https in production and anything in development and test', () => {
    expect(() => requireHttpsEndpoints({ NODE_ENV: 'production', ...HTTPS })).not.toThrow();
    for (const NODE_ENV of ['development', 'test'] as const) {
      expect(() => requireHttpsEndpoints({ NODE_ENV, CARRIER_URL: 'http://127.0.0.1:4010', MESSAGE_PROVIDER_URL: 'http://127.0.0.1:4010' })).not.toThrow();
    }
  });

  it('keeps the service from starting with the development http carrier in production', async () => {
    // The defaults (http on loopback) are what an operator who forgot to configure would run with.
    const config = { ...loadConfig({}), NODE_ENV: 'production' as const, PORT: 0, JOBS_ENABLED: false };
    await expect(startServer(config)).rejects.toThrow(/CARRIER_URL must be an https:\/\/ URL in production/);
    await expect(startServer({ ...config, CARRIER_URL: HTTPS.CARRIER_URL })).rejects.toThrow(/MESSAGE_PROVIDER_URL must be an https/);
  });
});
