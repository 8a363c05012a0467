import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, sign-in codes, the ledger, idempotency, the outbox, deposits and gifts. */
export class Initial1764100000000 implements MigrationInterface {
  name = 'Initial1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      phone CHAR(11) NOT NULL,
      nickname VARCHAR(64) NOT NULL,
      carrier VARCHAR(16) NOT NULL,
      province VARCHAR(32) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_users_phone (phone)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE sms_codes (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      phone CHAR(11) NOT NULL,
      code_hash CHAR(64) NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      expires_at DATETIME(3) NOT NULL,
      consumed_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_sms_codes_phone (phone, id)
    ) ENGINE=InnoDB`);

    // Internal accounts hold lots and never go below zero; external ones carry a signed balance.
    await q.query(`CREATE TABLE accounts (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      code VARCHAR(96) NOT NULL,
      type ENUM('internal','external') NOT NULL,
      owner_user_id BIGINT UNSIGNED NULL,
      balance_mb BIGINT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_accounts_code (code),
      CONSTRAINT ck_internal_nonnegative CHECK (type = 'external' OR balance_mb >= 0)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE transfers (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      from_account_id BIGINT UNSIGNED NOT NULL,
      to_account_id BIGINT UNSIGNED NOT NULL,
      amount_mb BIGINT NOT NULL,
      kind VARCHAR(32) NOT NULL,
      ref_type VARCHAR(32) NULL,
      ref_id VARCHAR(64) NULL,
      memo VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_transfers_from (from_account_id, id),
      KEY ix_transfers_to (to_account_id, id),
      KEY ix_transfers_ref (ref_type, ref_id),
      CONSTRAINT ck_transfer_positive CHECK (amount_mb > 0),
      CONSTRAINT ck_transfer_distinct CHECK (from_account_id <> to_account_id),
      CONSTRAINT fk_transfers_from FOREIGN KEY (from_account_id) REFERENCES accounts (id),
      CONSTRAINT fk_transfers_to FOREIGN KEY (to_account_id) REFERENCES accounts (id)
    ) ENGINE=InnoDB`);
    // External accounts exist from the start: creating them on demand inside busy transactions
    // (INSERT IGNORE takes a shared lock, then FOR UPDATE wants an exclusive one) deadlocks.
    for (const code of ['ext:carrier_plan', 'ext:expired', 'ext:recharged', 'ext:sponsor_budget', 'ext:exchanged']) {
      await q.query(`INSERT INTO accounts (code, type, balance_mb, created_at) VALUES (?, 'external', 0, NOW(3))`, [code]);
    }

    // Transfers are written once: corrections are new transfers (SPEC §2).
    await q.query(`CREATE TRIGGER transfers_are_immutable_update BEFORE UPDATE ON transfers FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'transfers are immutable'`);
    await q.query(`CREATE TRIGGER transfers_are_immutable_delete BEFORE DELETE ON transfers FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'transfers are immutable'`);

    // One lot per (account, expiry): moved data merges into the lot of the same expiry.
    await q.query(`CREATE TABLE lots (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      account_id BIGINT UNSIGNED NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      remaining_mb BIGINT NOT NULL,
      UNIQUE KEY uq_lots_account_expiry (account_id, expires_at),
      KEY ix_lots_expiry (expires_at),
      CONSTRAINT ck_lot_nonnegative CHECK (remaining_mb >= 0),
      CONSTRAINT fk_lots_account FOREIGN KEY (account_id) REFERENCES accounts (id)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE idempotency_keys (
      scope VARCHAR(64) NOT NULL,
      key_hash CHAR(64) NOT NULL,
      request_hash CHAR(64) NOT NULL,
      status ENUM('in_flight','completed') NOT NULL,
      response_status INT NULL,
      response_body MEDIUMTEXT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (scope, key_hash)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE outbox (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      channel ENUM('sms','wechat','email') NOT NULL,
      recipient VARCHAR(128) NOT NULL,
      template VARCHAR(64) NOT NULL,
      text TEXT NOT NULL,
      status ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NOT NULL,
      lease_until DATETIME(3) NULL,
      last_error VARCHAR(255) NULL,
      created_at DATETIME(3) NOT NULL,
      sent_at DATETIME(3) NULL,
      KEY ix_outbox_due (channel, status, next_attempt_at),
      KEY ix_outbox_recipient (recipient, id)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE deposits (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      user_id BIGINT UNSIGNED NOT NULL,
      request_id CHAR(36) NOT NULL,
      amount_mb BIGINT NOT NULL,
      month CHAR(7) NOT NULL,
      status ENUM('pending','completed','failed') NOT NULL,
      expires_at DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      settled_at DATETIME(3) NULL,
      UNIQUE KEY uq_deposits_request (request_id),
      KEY ix_deposits_user_month (user_id, month),
      KEY ix_deposits_status (status, created_at),
      CONSTRAINT fk_deposits_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE gifts (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      sender_id BIGINT UNSIGNED NOT NULL,
      to_phone CHAR(11) NOT NULL,
      recipient_id BIGINT UNSIGNED NULL,
      amount_mb BIGINT NOT NULL,
      message VARCHAR(255) NULL,
      status ENUM('delivered','pending_claim','refunded') NOT NULL,
      claim_deadline DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      settled_at DATETIME(3) NULL,
      KEY ix_gifts_sender (sender_id, created_at),
      KEY ix_gifts_pending_phone (to_phone, status),
      KEY ix_gifts_pending_deadline (status, claim_deadline),
      CONSTRAINT fk_gifts_sender FOREIGN KEY (sender_id) REFERENCES users (id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['gifts', 'deposits', 'outbox', 'idempotency_keys', 'lots', 'transfers', 'accounts', 'sms_codes', 'users']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
