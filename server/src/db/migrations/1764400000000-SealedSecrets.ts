import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox gains a column for a sealed secret, so a sign-in code waiting for the SMS
 * provider is not stored in clear text. Codes already waiting are short-lived; new ones are sealed.
 */
export class SealedSecrets1764400000000 implements MigrationInterface {
  name = 'SealedSecrets1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN sealed VARCHAR(255) NULL AFTER text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP COLUMN sealed');
  }
}
