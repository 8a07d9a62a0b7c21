// Postgres access for the simulator. All tables live in one schema chosen at start; SQL is
// written with a `{s}` placeholder for it so the same pool can be shared with Pond.
import type pg from 'pg';

export interface Sql {
  q<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  one<T = any>(text: string, params?: unknown[]): Promise<T | undefined>;
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

  async q<T = any>(text: string, params: unknown[] = []): Promise<T[]> {
    const res = await this.pool.query(this.sql(text), params as any[]);
    return res.rows as T[];
  }

  async one<T = any>(text: string, params: unknown[] = []): Promise<T | undefined> {
    return (await this.q<T>(text, params))[0];
  }

  /** Runs fn in one transaction; events collected by the caller are sent only after COMMIT. */
  async tx<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: Sql = {
      q: async <R>(text: string, params: unknown[] = []) => (await client.query(this.sql(text), params as any[])).rows as R[],
      one: async <R>(text: string, params: unknown[] = []) =>
        (await client.query(this.sql(text), params as any[])).rows[0] as R | undefined,
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

/** pg returns int8 as string; the simulator keeps times as epoch ms / s in bigint columns. */
export function num(v: unknown): number {
  return v == null ? 0 : Number(v);
}
export function numOrNull(v: unknown): number | null {
  return v == null ? null : Number(v);
}
