import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Red packets with their pre-drawn shares and grabs; chat contacts bound to users, and room members. */
export class RedPackets1764200000000 implements MigrationInterface {
  name = 'RedPackets1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE red_packets (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      sender_id BIGINT UNSIGNED NOT NULL,
      mode ENUM('random','equal') NOT NULL,
      count INT NOT NULL,
      total_mb BIGINT NOT NULL,
      greeting VARCHAR(255) NULL,
      passphrase VARCHAR(64) NULL,
      room_id VARCHAR(128) NULL,
      status ENUM('open','finished','expired') NOT NULL,
      remaining_count INT NOT NULL,
      remaining_mb BIGINT NOT NULL,
      refunded_mb BIGINT NOT NULL DEFAULT 0,
      expires_at DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      settled_at DATETIME(3) NULL,
      KEY ix_red_packets_due (status, expires_at),
      KEY ix_red_packets_room (room_id, status, id),
      CONSTRAINT fk_red_packets_sender FOREIGN KEY (sender_id) REFERENCES users (id),
      CONSTRAINT ck_red_packet_remaining CHECK (remaining_count >= 0 AND remaining_mb >= 0)
    ) ENGINE=InnoDB`);

    // The split is drawn once at creation: the source of truth for rebuilding Redis.
    await q.query(`CREATE TABLE red_packet_shares (
      packet_id BIGINT UNSIGNED NOT NULL,
      seq INT NOT NULL,
      amount_mb BIGINT NOT NULL,
      PRIMARY KEY (packet_id, seq),
      CONSTRAINT fk_shares_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id),
      CONSTRAINT ck_share_positive CHECK (amount_mb >= 1)
    ) ENGINE=InnoDB`);

    // One grab per user per packet, and one grab per share: the database refuses doubles
    // whatever Redis says.
    await q.query(`CREATE TABLE red_packet_grabs (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      packet_id BIGINT UNSIGNED NOT NULL,
      user_id BIGINT UNSIGNED NOT NULL,
      seq INT NOT NULL,
      amount_mb BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      UNIQUE KEY uq_grab_user (packet_id, user_id),
      UNIQUE KEY uq_grab_share (packet_id, seq),
      CONSTRAINT fk_grabs_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id),
      CONSTRAINT fk_grabs_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE bot_bindings (
      contact_id VARCHAR(128) NOT NULL PRIMARY KEY,
      user_id BIGINT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_bot_bindings_user (user_id),
      CONSTRAINT fk_bindings_user FOREIGN KEY (user_id) REFERENCES users (id)
    ) ENGINE=InnoDB`);

    await q.query(`CREATE TABLE room_members (
      room_id VARCHAR(128) NOT NULL,
      contact_id VARCHAR(128) NOT NULL,
      joined_at DATETIME(3) NOT NULL,
      PRIMARY KEY (room_id, contact_id),
      KEY ix_room_members_contact (contact_id)
    ) ENGINE=InnoDB`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['room_members', 'bot_bindings', 'red_packet_grabs', 'red_packet_shares', 'red_packets']) await q.query(`DROP TABLE IF EXISTS ${table}`);
  }
}
