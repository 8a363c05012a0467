import { ConfigError, type Config } from '../config';

/**
 * In production the carrier and the message provider are reached over https only: the HMAC
 * proves who signed, but plain http would still show every phone number and message to anyone
 * on the path. Called where the clients are built at start-up, so a misconfigured service never
 * starts (an http URL is the development default, easy to forget).
 */
export function requireHttpsEndpoints(config: Pick<Config, 'NODE_ENV' | 'CARRIER_URL' | 'MESSAGE_PROVIDER_URL'>): void {
  if (config.NODE_ENV !== 'production') return;
  for (const name of ['CARRIER_URL', 'MESSAGE_PROVIDER_URL'] as const) {
    const value = config[name];
    if (!URL.canParse(value)) throw new ConfigError(`${name} is not a URL: ${JSON.stringify(value)}`);
    if (new URL(value).protocol !== 'https:') throw new ConfigError(`${name} must be an https:// URL in production, got ${new URL(value).protocol}//…`);
  }
}
