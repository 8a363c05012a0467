import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 红包记录 lists a sender's packets newest first: by sender, then the packet's sequence. */
export class RedPacketRecords1765000000000 implements MigrationInterface {
  name = 'RedPacketRecords1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE red_packets ADD KEY ix_red_packets_sender (sender_id, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE red_packets DROP KEY ix_red_packets_sender');
  }
}
