import type { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { isSessionRevoked, revokeSession } from './sessions';

/**
 * Signed-out sessions. Every request with an access token asks whether its session was revoked,
 * so the answer comes from Redis (one EXISTS, pipelined with the request's other commands); the
 * mark lives as long as an access token can, since a token outliving it is expired anyway.
 * MySQL holds the revocation for good and answers when Redis cannot.
 */
export class SessionRevocations {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly dataSource: DataSource,
    private readonly accessTokenSeconds: number,
  ) {}

  private key(sessionId: string): string {
    return `${this.prefix}:revoked-session:${sessionId}`;
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.key(sessionId))) === 1;
    } catch {
      return isSessionRevoked(this.dataSource.manager, sessionId);
    }
  }

  /** Written to MySQL first: if the Redis mark is lost, the session still cannot be refreshed. */
  async revoke(sessionId: string, now: Date): Promise<void> {
    await revokeSession(this.dataSource.manager, sessionId, now);
    await this.redis.set(this.key(sessionId), '1', 'EX', this.accessTokenSeconds);
  }
}
