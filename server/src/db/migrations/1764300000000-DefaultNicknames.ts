import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rows renamed per statement: keeps each UPDATE's undo log and lock list small. */
const RENAME_BATCH = 1000;
/** Frozen copy of the alphabet in auth/users.ts at the time of writing: a migration never changes meaning. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const SUFFIX_CHARS = 6;

/**
 * Renames users still called by the old default, "用户" + the last four digits of their phone,
 * which showed part of the number to everyone who saw them in a chat or a packet. The new name
 * is "用户" + six random letters, as a new user gets. A name the user changed is left alone.
 */
export class DefaultNicknames1764300000000 implements MigrationInterface {
  name = 'DefaultNicknames1764300000000';

  async up(q: QueryRunner): Promise<void> {
    // RAND() is drawn again for every row and every letter.
    const letter = `SUBSTRING('${ALPHABET}', 1 + FLOOR(RAND() * ${ALPHABET.length}), 1)`;
    const newName = `CONCAT('用户', ${Array.from({ length: SUFFIX_CHARS }, () => letter).join(', ')})`;
    // Compared in utf8mb4 whatever the table's own character set: on a database created as
    // latin1 (converted only later, by Utf8mb4Tables) the plain CONCAT was an illegal mix of
    // collations and stopped every later migration. A latin1 table holds no such name anyway.
    const oldDefault = `nickname = CONCAT('用户', RIGHT(CONVERT(phone USING utf8mb4), 4)) COLLATE utf8mb4_unicode_ci`;
    const [{ n }] = await q.query(`SELECT COUNT(*) AS n FROM users WHERE ${oldDefault}`);
    const maxBatches = Math.ceil(Number(n) / RENAME_BATCH) + 1;
    for (let batch = 0; batch < maxBatches; batch++) {
      const result = await q.query(`UPDATE users SET nickname = ${newName} WHERE ${oldDefault} LIMIT ${RENAME_BATCH}`);
      if (Number(result.affectedRows ?? 0) === 0) return;
    }
    const [{ remaining }] = await q.query(`SELECT COUNT(*) AS remaining FROM users WHERE ${oldDefault}`);
    if (Number(remaining) !== 0) throw new Error(`${remaining} users still carry a phone-derived nickname after ${maxBatches} batches`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the old names leaked part of each number, and no one should get them back.
  }
}
