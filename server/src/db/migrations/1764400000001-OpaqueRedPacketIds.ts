import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Red packets get opaque ids (SPEC §4): a link is the key to a packet, so its id must not be a
 * counter. The counter stays, renamed `seq`, for what it is good at (newest first, ties of one
 * millisecond included) but is never shown. Rows made before keep their number as their id, so
 * links already shared keep working (and those packets have expired within a day anyway).
 */
export class OpaqueRedPacketIds1764400000001 implements MigrationInterface {
  name = 'OpaqueRedPacketIds1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE red_packet_shares DROP FOREIGN KEY fk_shares_packet');
    await q.query('ALTER TABLE red_packet_grabs DROP FOREIGN KEY fk_grabs_packet');
    await q.query(`ALTER TABLE red_packets
      CHANGE id seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      DROP PRIMARY KEY,
      ADD UNIQUE KEY uq_red_packets_seq (seq),
      ADD COLUMN id VARCHAR(32) NULL FIRST`);
    await q.query('UPDATE red_packets SET id = CAST(seq AS CHAR)');
    await q.query(`ALTER TABLE red_packets
      MODIFY id VARCHAR(32) NOT NULL,
      ADD PRIMARY KEY (id),
      DROP KEY ix_red_packets_room,
      ADD KEY ix_red_packets_room (room_id, status, seq)`);
    await q.query('ALTER TABLE red_packet_shares MODIFY packet_id VARCHAR(32) NOT NULL');
    await q.query('ALTER TABLE red_packet_grabs MODIFY packet_id VARCHAR(32) NOT NULL');
    await q.query('ALTER TABLE red_packet_shares ADD CONSTRAINT fk_shares_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id)');
    await q.query('ALTER TABLE red_packet_grabs ADD CONSTRAINT fk_grabs_packet FOREIGN KEY (packet_id) REFERENCES red_packets (id)');
  }

  async down(): Promise<void> {
    // Opaque ids cannot be turned back into numbers that other rows and links agree on.
    throw new Error('OpaqueRedPacketIds cannot be undone: restore a backup taken before it instead.');
  }
}
