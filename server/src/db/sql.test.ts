import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { inTransaction, queryAll, writeLater } from './sql';
import { createTestDatabase } from '../test-support/database';

/**
 * inTransaction sends a transaction's statements in batches (BEGIN with the first statement,
 * held-back writes with the next one or the COMMIT). What must not change: a transaction is all
 * or nothing, a held-back write is seen by the statements after it, and it runs READ COMMITTED.
 */
describe('transactions sent in batches', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource(database.url, 2);
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE batch_probe (id INT NOT NULL PRIMARY KEY, n INT NOT NULL, CONSTRAINT ck_probe_n CHECK (n >= 0))');
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });
  beforeEach(() => dataSource.query('DELETE FROM batch_probe'));

  const rows = async () => ((await dataSource.query('SELECT id, n FROM batch_probe ORDER BY id')) as Array<{ id: number; n: number }>).map((r) => [r.id, r.n]);

  it('commits held-back writes with the COMMIT, and later statements see them', async () => {
    const seen = await inTransaction(dataSource, async (tx) => {
      await writeLater(tx, 'INSERT INTO batch_probe (id, n) VALUES (?, ?)', [1, 5]);
      await writeLater(tx, 'UPDATE batch_probe SET n = n + ? WHERE id = ?', [2, 1]);
      const [[row]] = (await queryAll(tx, [['SELECT n FROM batch_probe WHERE id = ?', [1]]])) as Array<Array<{ n: number }>>;
      await writeLater(tx, 'INSERT INTO batch_probe (id, n) VALUES (?, ?)', [2, row.n]);
      return row.n;
    });
    expect(seen).toBe(7);
    expect(await rows()).toEqual([
      [1, 7],
      [2, 7],
    ]);
  });

  it('rolls back everything when a held-back write fails at the COMMIT', async () => {
    await expect(
      inTransaction(dataSource, async (tx) => {
        await tx.query('INSERT INTO batch_probe (id, n) VALUES (?, ?)', [1, 1]);
        await writeLater(tx, 'INSERT INTO batch_probe (id, n) VALUES (?, ?)', [2, 1]);
        await writeLater(tx, 'UPDATE batch_probe SET n = n - 5 WHERE id = ?', [1]);
      }),
    ).rejects.toThrow(/ck_probe_n|CONSTRAINT/i);
    expect(await rows()).toEqual([]);
  });

  it('rolls back everything when the work throws after statements were sent, and sends nothing when it throws before', async () => {
    const refused = new Error('refused by the work');
    await expect(
      inTransaction(dataSource, async (tx) => {
        await tx.query('INSERT INTO batch_probe (id, n) VALUES (?, ?)', [1, 1]);
        await writeLater(tx, 'INSERT INTO batch_probe (id, n) VALUES (?, ?)', [2, 1]);
        throw refused;
      }),
    ).rejects.toBe(refused);
    await expect(
      inTransaction(dataSource, async (tx) => {
        await writeLater(tx, 'INSERT INTO batch_probe (id, n) VALUES (?, ?)', [3, 1]);
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(await rows()).toEqual([]);
  });

  it('runs every transaction READ COMMITTED, on every pooled connection', async () => {
    const levels = await Promise.all(
      Array.from({ length: 6 }, () => inTransaction(dataSource, async (tx) => ((await tx.query('SELECT @@tx_isolation AS level')) as Array<{ level: string }>)[0].level)),
    );
    expect(new Set(levels)).toEqual(new Set(['READ-COMMITTED']));
  });

  it('writes at once on the pool, outside a transaction', async () => {
    await writeLater(dataSource.manager, 'INSERT INTO batch_probe (id, n) VALUES (?, ?)', [9, 9]);
    expect(await rows()).toEqual([[9, 9]]);
    await expect(queryAll(dataSource.manager as never, [['SELECT 1', []]])).rejects.toThrow(/inside a transaction/);
  });
});
