/**
 * The options every CREATE TABLE in a migration ends with. The character set is stated rather
 * than taken from the database's default: a database created as latin1 (a hosting panel's
 * default) made every table latin1, and the first Chinese nickname failed sign-in with a 500.
 *
 *   await q.query(`CREATE TABLE things (...) ${TABLE_OPTIONS}`);
 *
 * Indexed VARCHARs count 4 bytes a character under utf8mb4: InnoDB's DYNAMIC rows allow
 * 3072 bytes a key, so an indexed VARCHAR(768) is the most one key can hold.
 */
export const TABLE_CHARSET = 'utf8mb4';
export const TABLE_COLLATION = 'utf8mb4_unicode_ci';
export const TABLE_OPTIONS = `ENGINE=InnoDB DEFAULT CHARSET=${TABLE_CHARSET} COLLATE=${TABLE_COLLATION}`;
