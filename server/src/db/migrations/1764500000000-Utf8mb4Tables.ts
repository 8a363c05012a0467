import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TABLE_CHARSET, TABLE_COLLATION } from '../table-options';

/** Bound on the tables one run converts: the schema has about twenty. */
const MAX_TABLES = 200;

interface ForeignKey {
  name: string;
  table: string;
  column: string;
  references: string;
}

/** The schema's foreign keys between string columns as of this migration (OpaqueRedPacketIds). */
const STRING_FOREIGN_KEYS: readonly ForeignKey[] = [
  { name: 'fk_shares_packet', table: 'red_packet_shares', column: 'packet_id', references: 'red_packets' },
  { name: 'fk_grabs_packet', table: 'red_packet_grabs', column: 'packet_id', references: 'red_packets' },
];

async function foreignKeyExists(q: QueryRunner, key: ForeignKey): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = ?`,
    [key.table, key.name],
  );
  return rows.length > 0;
}

/**
 * Converts every table (and the database's default, for tables created later) to utf8mb4.
 * The earlier migrations took the database's default character set, so a database created as
 * latin1 got latin1 tables and every sign-in failed on its Chinese nickname. Tables already in
 * utf8mb4_unicode_ci, every column included, are left alone: converting rebuilds the table.
 *
 * Every indexed string column stays far below InnoDB's 3072-byte key limit under utf8mb4
 * (the longest key, room_members' (room_id, contact_id), is 256 characters, 1024 bytes).
 *
 * There is no way down: latin1 cannot hold what utf8mb4 tables may by then contain.
 */
export class Utf8mb4Tables1764500000000 implements MigrationInterface {
  name = 'Utf8mb4Tables1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ database }] = await q.query('SELECT DATABASE() AS `database`');
    await q.query(`ALTER DATABASE \`${database}\` CHARACTER SET ${TABLE_CHARSET} COLLATE ${TABLE_COLLATION}`);
    const tables: Array<{ name: string }> = await q.query(
      `SELECT t.TABLE_NAME AS name FROM information_schema.TABLES t
        WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
          AND (t.TABLE_COLLATION <> ? OR EXISTS (
            SELECT 1 FROM information_schema.COLUMNS c
             WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME AND c.COLLATION_NAME <> ?))
        ORDER BY t.TABLE_NAME LIMIT ${MAX_TABLES + 1}`,
      [TABLE_COLLATION, TABLE_COLLATION],
    );
    if (tables.length > MAX_TABLES) throw new Error(`more than ${MAX_TABLES} tables to convert: not this schema`);
    const converting = new Set(tables.map((t) => t.name));
    // MariaDB refuses to change the character set of a column in a foreign key, even with
    // FOREIGN_KEY_CHECKS = 0, so the keys between string columns go first and come back after.
    for (const key of STRING_FOREIGN_KEYS) {
      if ((converting.has(key.table) || converting.has(key.references)) && (await foreignKeyExists(q, key))) {
        await q.query(`ALTER TABLE \`${key.table}\` DROP FOREIGN KEY \`${key.name}\``);
      }
    }
    for (const { name } of tables) {
      await q.query(`ALTER TABLE \`${name}\` CONVERT TO CHARACTER SET ${TABLE_CHARSET} COLLATE ${TABLE_COLLATION}`);
    }
    // Added whenever missing, not only when dropped above: a run that died in between is
    // finished by the next one, which finds nothing left to convert.
    for (const key of STRING_FOREIGN_KEYS) {
      if (!(await foreignKeyExists(q, key))) {
        await q.query(`ALTER TABLE \`${key.table}\` ADD CONSTRAINT \`${key.name}\` FOREIGN KEY (${key.column}) REFERENCES \`${key.references}\` (id)`);
      }
    }
  }

  async down(): Promise<void> {
    // Deliberately nothing: see the class comment.
  }
}
