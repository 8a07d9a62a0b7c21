// A database that cannot take a request answers 503 (retry), not 500; a fault in the request stays a 500.
import { describe, expect, it } from 'vitest';
import { asAppError, ERROR_STATUS } from './errors';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('asAppError', () => {
  it('makes a busy database (too many connections, starting up, no pool client in time) a 503 to retry', () => {
    for (const err of [
      pgError('53300', 'sorry, too many clients already'),
      pgError('57P03', 'the database system is starting up'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      const app = asAppError(err);
      expect(app?.code, err.message).toBe('unavailable');
      expect(ERROR_STATUS[app!.code]).toBe(503);
      expect(app!.message).toBe('the database is busy: try again in a moment');
    }
  });

  it('leaves other database errors to the 500 handler', () => {
    expect(asAppError(pgError('23505', 'duplicate key value violates unique constraint'))).toBeNull();
    expect(asAppError(pgError('42P01', 'relation "x" does not exist'))).toBeNull();
    expect(asAppError(new Error('timeout exceeded when trying to connect to something else'))).toBeNull();
  });
});
