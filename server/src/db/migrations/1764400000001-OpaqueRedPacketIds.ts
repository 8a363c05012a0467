import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Red packets get opaque ids (SPEC §4): a link is the key to a packet, so its id must not be a
 * counter. The column becomes a string; rows made before keep their number as their id, so
 * links already shared keep working (and those packets have expired within a day anyway).
 */
export class OpaqueRedPacketIds1764400000001 implements MigrationInterface {
  name = 'OpaqueRedPacketIds1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE red_packet_shares DROP FOREIGN KEY fk_shares_packet');
    await q.query('ALTER TABLE red_packet_grabs DROP FOREIGN KEY fk_grabs_packet');
    await q.query('ALTER TABLE red_packets MODIFY id VARCHAR(32) NOT NULL, DROP KEY ix_red_packets_room, ADD KEY ix_red_packets_room (room_id, status, created_at)');
    await q.query('ALTER TABLE red_packet_shares MODIFY packet_id VARCHAR(32) NOT NULL');
    await q.query('ALTER TABLE red_packet_grabs MODIFY packet_id VARCHAR(32) NOT NULL');
    await q.query('ALTER TABLE red_packet_shares ADD CONSTRAINT fk_shares_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id)');
    await q.query('ALTER TABLE red_packet_grabs ADD CONSTRAINT fk_grabs_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE red_packet_shares DROP FOREIGN KEY fk_shares_packet');
    await q.query('ALTER TABLE red_packet_grabs DROP FOREIGN KEY fk_grabs_packet');
    // Only numeric ids can go back; a database with opaque ids cannot be migrated down.
    await q.query('ALTER TABLE red_packets MODIFY id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, DROP KEY ix_red_packets_room, ADD KEY ix_red_packets_room (room_id, status, id)');
    await q.query('ALTER TABLE red_packet_shares MODIFY packet_id BIGINT UNSIGNED NOT NULL');
    await q.query('ALTER TABLE red_packet_grabs MODIFY packet_id BIGINT UNSIGNED NOT NULL');
    await q.query('ALTER TABLE red_packet_shares ADD CONSTRAINT fk_shares_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id)');
    await q.query('ALTER TABLE red_packet_grabs ADD CONSTRAINT fk_grabs_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id)');
  }
}
