// Row types derived from the schema (ADR 0017). Queries are SQL in each module's repository; what they
// return is typed from here, so a renamed or retyped column breaks the build where it is read:
//
//   const { rows } = await db.query<Row<'live_codes'>>('SELECT * FROM live_codes WHERE …');
//   const { rows } = await db.query<Pick<Row<'customers'>, 'external_userid' | 'name'>>('SELECT external_userid, name …');
//   const { rows } = await db.query<Pick<Row<'stores'>, 'id'> & { members: number }>('SELECT id, count(*)::int AS members …');
//
// Keys are the columns' SQL names (snake_case), as `pg` returns them. Values follow the parsers set in
// platform/db.ts: bigint and bigint[] as numbers, timestamptz as Date, numeric as string, date as the
// mode the column declares. A query that names no row type gets rows of `unknown` (types/pg-rows.ts).
import type { Table } from 'drizzle-orm';
import type * as schema from './schema';

type Tables = { [K in keyof typeof schema as (typeof schema)[K] extends Table ? (typeof schema)[K]['_']['name'] : never]: (typeof schema)[K] };

/** The SQL names of Pond's tables. */
export type TableName = keyof Tables;

type Columns<T extends Table> = T['_']['columns'];
type ValueOf<C> = C extends { _: { data: infer D; notNull: infer N } } ? (N extends true ? D : D | null) : never;
type NameOf<C> = C extends { _: { name: infer N extends string } } ? N : never;

/** A whole row of a table, keyed by SQL column name. */
export type Row<T extends TableName> = {
  [K in keyof Columns<Tables[T]> as NameOf<Columns<Tables[T]>[K]>]: ValueOf<Columns<Tables[T]>[K]>;
};

/** Some columns of a table's row. */
export type Cols<T extends TableName, K extends keyof Row<T>> = Pick<Row<T>, K>;
