// Typed rows (ADR 0017): a query that does not say what its rows are gets rows of `unknown` values, so
// every use must name a row type — usually one derived from the schema (platform/db/rows.ts). These
// overloads come before @types/pg's own, whose default row type is `any`.
import type { QueryResult, QueryResultRow } from 'pg';

declare module 'pg' {
  interface Pool {
    query<R extends QueryResultRow = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
  }
  interface ClientBase {
    query<R extends QueryResultRow = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
  }
}
