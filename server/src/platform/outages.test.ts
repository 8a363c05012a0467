import { QueryFailedError } from 'typeorm';
import { isOutageError } from './outages';

describe('isOutageError', () => {
  const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

  it.each([
    ['a refused connection (mysql2 or ioredis)', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:3306')],
    ['a MySQL connection lost mid-query', coded('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.')],
    ['a query on a closed mysql2 connection', new Error("Can't add new command when connection is in closed state")],
    ['TypeORM wrapping a lost connection', new QueryFailedError('SELECT 1', [], coded('ECONNRESET'))],
    ['ioredis giving up on a command', Object.assign(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' })],
    ['ioredis without a connection', new Error('Connection is closed.')],
    ['a full MySQL server', coded('ER_CON_COUNT_ERROR', 'Too many connections')],
  ])('recognises %s', (_what, error) => {
    expect(isOutageError(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', new QueryFailedError('INSERT', [], coded('ER_DUP_ENTRY', "Duplicate entry '1' for key 'PRIMARY'"))],
    ['a lock wait timeout (the data layer translates it)', coded('ER_LOCK_WAIT_TIMEOUT')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string', 'boom'],
    ['nothing', undefined],
  ])('leaves %s alone', (_what, error) => {
    expect(isOutageError(error)).toBe(false);
  });
});
