import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency records gain the recovery point of their request: the object its committed work
 * made, written in the same transaction as the work (see platform/outcomes.ts).
 */
export class IdempotencyOutcomes1764400000002 implements MigrationInterface {
  name = 'IdempotencyOutcomes1764400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_keys ADD COLUMN result_ref VARCHAR(96) NULL AFTER request_hash, ADD KEY ix_idempotency_result (result_ref), ADD KEY ix_idempotency_age (updated_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_keys DROP KEY ix_idempotency_age, DROP KEY ix_idempotency_result, DROP COLUMN result_ref');
  }
}
