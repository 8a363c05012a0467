import { Writable } from 'node:stream';
import { createDataSource } from '../db/data-source';
import { createTestDatabase } from '../test-support/database';
import { createLogger, maskQuotedValues } from './logger';

const PHONE = '13800138000';
const GIFT_MESSAGE = 'happy birthday, from a secret admirer';

/** A logger writing into memory, as the service's logger writes to stdout. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('info', stream), text: () => lines.join('') };
}

describe('the service logger', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: ReturnType<typeof createDataSource>;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource(database.url, 1);
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE log_probe (phone VARCHAR(20) PRIMARY KEY, message VARCHAR(100))');
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function failureOf(query: Promise<unknown>): Promise<unknown> {
    return query.then(
      () => {
        throw new Error('the query was expected to fail');
      },
      (error: unknown) => error,
    );
  }

  it('logs a failed query without its SQL, its parameters or the duplicate phone in the message', async () => {
    await dataSource.query('INSERT INTO log_probe (phone, message) VALUES (?, ?)', [PHONE, GIFT_MESSAGE]);
    const duplicate = await failureOf(dataSource.query('INSERT INTO log_probe (phone, message) VALUES (?, ?)', [PHONE, GIFT_MESSAGE]));
    const missingTable = await failureOf(dataSource.query('SELECT * FROM no_such_table WHERE phone = ? AND message = ?', [PHONE, GIFT_MESSAGE]));
    const { logger, text } = capturedLogger();

    logger.error({ err: duplicate, requestId: 'r1' }, 'request failed');
    logger.warn({ err: missingTable }, 'could not reconcile deposit yet');
    logger.flush();

    // The probe is real: the errors do carry the phone, so the assertion below means something.
    expect(JSON.stringify({ ...(duplicate as object), message: (duplicate as Error).message })).toContain(PHONE);
    const logged = text();
    expect(logged).not.toContain(PHONE);
    expect(logged).not.toContain(GIFT_MESSAGE);
    // What is left still tells an operator what went wrong and where.
    expect(logged).toContain('Duplicate entry');
    expect(logged).toContain('ER_DUP_ENTRY');
    expect(logged).toContain('no_such_table');
    expect(logged).toContain('QueryFailedError');
  });

  it('keeps the names of keys and columns readable while masking the values', () => {
    expect(maskQuotedValues("Duplicate entry '13800138000' for key 'users.phone'")).toBe("Duplicate entry '***' for key 'users.phone'");
    expect(maskQuotedValues("Data too long for column 'message' at row 1")).toBe("Data too long for column 'message' at row 1");
    expect(maskQuotedValues("Incorrect integer value: 'it\\'s me' for column `amount_mb`")).toBe("Incorrect integer value: '***' for column `amount_mb`");
  });
});
