// Postgres access for the simulator. All tables live in one schema chosen at start; SQL is
// written with a `{s}` placeholder for it so the same pool can be shared with Pond.
import type pg from 'pg';

/**
 * Queries name their row type (rows.ts): `sql.q<SimStaffRow>(…)`, `sql.one<Pick<SimCorpRow, 'secret'>>(…)`.
 * One that names none gets rows of `unknown` values, enough for statements whose rows are only counted.
 */
export interface Sql {
  q<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  one<T extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T | undefined>;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/i.test(name)) throw new Error(`invalid schema name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

export class Db implements Sql {
  readonly s: string;
  private readonly cache = new Map<string, string>();

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {
    this.s = quoteIdent(schema);
  }

  sql(text: string): string {
    let out = this.cache.get(text);
    if (out === undefined) {
      out = text.replaceAll('{s}', this.s);
      if (this.cache.size < 2000) this.cache.set(text, out);
    }
    return out;
  }

  async q<T extends object = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query<T & pg.QueryResultRow>(this.sql(text), params)).rows;
  }

  async one<T extends object = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.q<T>(text, params))[0];
  }

  /** Runs fn in one transaction; events collected by the caller are sent only after COMMIT. */
  async tx<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: Sql = {
      q: async <R extends object>(text: string, params: unknown[] = []) => (await client.query<R & pg.QueryResultRow>(this.sql(text), params)).rows,
      one: async <R extends object>(text: string, params: unknown[] = []): Promise<R | undefined> =>
        (await client.query<R & pg.QueryResultRow>(this.sql(text), params)).rows[0],
    };
    try {
      await client.query('BEGIN');
      const out = await fn(tx);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}

/**
 * Reads a bigint column (rows.ts `Int8`): pg returns int8 as a string unless the pool parses it (Pond's
 * does); the simulator keeps times as epoch ms / s in bigint columns.
 */
export function num(v: unknown): number {
  return v == null ? 0 : Number(v);
}
export function numOrNull(v: unknown): number | null {
  return v == null ? null : Number(v);
}
