import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_OPTIONS } from '../table-options';

/**
 * Coupons (卡密, SPEC §3.8). A batch holds its data key only wrapped by COUPON_KEK, and only
 * until its codes are downloaded once; a code is stored as its keyed hash (to find it) and its
 * ciphertext under the batch's key, so no column holds a code or anything that opens to one
 * without the KEK. Coupon rows have no id anyone sees: a code is found by its hash alone.
 */
export class Coupons1765600000000 implements MigrationInterface {
  name = 'Coupons1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE coupon_batches (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      sponsor_id VARCHAR(32) NOT NULL,
      title VARCHAR(64) NOT NULL,
      amount_mb BIGINT NOT NULL,
      code_count INT NOT NULL,
      valid_from DATETIME(3) NOT NULL,
      valid_until DATETIME(3) NOT NULL,
      status ENUM('active','settled') NOT NULL DEFAULT 'active',
      wrapped_key VARBINARY(128) NULL,
      redeemed_count INT NOT NULL DEFAULT 0,
      returned_mb BIGINT NOT NULL DEFAULT 0,
      codes_downloaded_at DATETIME(3) NULL,
      codes_downloaded_by VARCHAR(32) NULL,
      created_by VARCHAR(32) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      settled_at DATETIME(3) NULL,
      KEY ix_coupon_batches_sponsor (sponsor_id, created_at),
      KEY ix_coupon_batches_due (status, valid_until),
      CONSTRAINT fk_coupon_batches_sponsor FOREIGN KEY (sponsor_id) REFERENCES sponsors (id),
      CONSTRAINT ck_coupon_batch_amounts CHECK (amount_mb > 0 AND code_count > 0 AND redeemed_count >= 0 AND redeemed_count <= code_count AND returned_mb >= 0),
      CONSTRAINT ck_coupon_batch_window CHECK (valid_until > valid_from)
    ) ${TABLE_OPTIONS}`);

    await q.query(`CREATE TABLE coupons (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      batch_id VARCHAR(32) NOT NULL,
      code_hash BINARY(32) NOT NULL,
      code_cipher VARBINARY(64) NOT NULL,
      redeemed_by BIGINT UNSIGNED NULL,
      redeemed_at DATETIME(3) NULL,
      UNIQUE KEY uq_coupons_code_hash (code_hash),
      KEY ix_coupons_batch (batch_id, id),
      CONSTRAINT fk_coupons_batch FOREIGN KEY (batch_id) REFERENCES coupon_batches (id),
      CONSTRAINT ck_coupon_redeemed CHECK ((redeemed_by IS NULL) = (redeemed_at IS NULL))
    ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE coupons');
    await q.query('DROP TABLE coupon_batches');
  }
}
