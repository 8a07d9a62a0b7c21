// Segments' SQL: the condition "this customer is in the rule, within the caller's scope" (other modules take a saved
// segment as their audience through inSavedSegment), the member queries, and the saved rules — customer segments and
// group segments share one table layout (platform/db/schema.ts savedRule()).
import type pg from 'pg';
import { SegmentRule } from '@pond/contracts/segments';
import type { Scope } from '../../platform/auth';
import { withTransaction } from '../../platform/db';
import type { Cols, Row } from '../../platform/db/rows';
import { AppError } from '../../platform/errors';
import { customerVisibleSql, followVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import { compileRule, savedRule } from './rule';
import { readEventWindows, type EventWindows } from './windows';

type Queryable = Pick<pg.Pool, 'query'>;

/**
 * SQL condition over `customers c`: an active customer of the corp, visible in `scope`, matching `rule` — whose
 * relation conditions (tags, staff, store) read only the relations the scope sees.
 */
export function where(scope: Scope, rule: SegmentRule, p: Params, mode: 'fast' | 'plain' = 'fast', windows?: EventWindows): string {
  const follows = scope.staffUserid || scope.storeIds ? (q: Params, alias: string) => followVisibleSql(scope, q, alias) : undefined;
  return `c.corp_id = ${p.add(scope.corpId)} AND c.active_follow_count > 0 AND ${customerVisibleSql(scope, p)} AND ${compileRule(rule, p, { mode, corpId: scope.corpId, windows, follows })}`;
}

/**
 * SQL condition "`column` is a member of saved segment `segmentId`" (evaluated now, within the scope), for
 * the features that take a segment as their audience; an unknown segment is a validation error on `field`.
 */
export async function inSavedSegment(pool: pg.Pool, scope: Scope, segmentId: number, p: Params, column: string, field: string): Promise<string> {
  const { rows: [seg] } = await pool.query<Cols<'segments', 'rule'>>('SELECT rule FROM segments WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [scope.corpId, segmentId]);
  if (!seg) throw AppError.validation(field, `no segment ${segmentId}`);
  const rule = savedRule(SegmentRule, seg.rule, field, `segment ${segmentId}`);
  return `${column} IN (SELECT c.external_userid FROM customers c WHERE ${where(scope, rule, p, 'fast', await readEventWindows(pool, scope.corpId))})`;
}

/** Runs a segment query. They are analytical: at their cost estimates JIT compilation takes hundreds of ms
 * and gains nothing, and hashing the window sets of a million customers needs more than the default work_mem. */
export async function querySegment<R extends pg.QueryResultRow = Record<string, unknown>>(pool: pg.Pool, sql: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return withTransaction(pool, (client) => client.query<R>(sql, values), `BEGIN; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`);
}

export type MemberRow = Cols<'customers', 'external_userid' | 'name' | 'avatar' | 'gender' | 'first_added_at'>;

/** A page of the customers matching `rule` in `scope` (newest first), and how many there are. */
export async function segmentMembers(pool: pg.Pool, scope: Scope, rule: SegmentRule, limit: number, offset: number): Promise<{ items: MemberRow[]; total: number }> {
  const p = new Params();
  const w = where(scope, rule, p, 'fast', await readEventWindows(pool, scope.corpId));
  const n = p.values.length;
  const [{ rows: items }, { rows: [cnt] }] = await Promise.all([
    querySegment<MemberRow>(pool, `SELECT c.external_userid, c.name, c.avatar, c.gender, c.first_added_at FROM customers c WHERE ${w}
                ORDER BY c.first_added_at DESC NULLS LAST, c.external_userid LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, p.values),
    querySegment<{ n: number }>(pool, `SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values.slice(0, n)),
  ]);
  return { items, total: cnt.n };
}

// ---- saved rules: segments and group_segments ----

export type SavedRuleTable = 'segments' | 'group_segments';
/** A row of either table (the same columns). */
export type SavedRuleRow = Row<'segments'>;

export class SavedRuleRepo {
  constructor(private db: Queryable, private table: SavedRuleTable) {}

  async list(corpId: string): Promise<SavedRuleRow[]> {
    const { rows } = await this.db.query<SavedRuleRow>(`SELECT * FROM ${this.table} WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY id DESC`, [corpId]);
    return rows;
  }

  async find(corpId: string, id: number): Promise<SavedRuleRow | undefined> {
    const { rows: [s] } = await this.db.query<SavedRuleRow>(`SELECT * FROM ${this.table} WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL`, [corpId, id]);
    return s;
  }

  async insert(corpId: string, name: string, rule: unknown, createdBy: string): Promise<SavedRuleRow> {
    const { rows: [s] } = await this.db.query<SavedRuleRow>(
      `INSERT INTO ${this.table} (corp_id, name, rule, created_by) VALUES ($1,$2,$3,$4) RETURNING *`, [corpId, name, JSON.stringify(rule), createdBy]);
    return s;
  }

  async update(corpId: string, id: number, name: string, rule: unknown): Promise<SavedRuleRow> {
    const { rows: [s] } = await this.db.query<SavedRuleRow>(
      `UPDATE ${this.table} SET name = $3, rule = $4, updated_at = now() WHERE corp_id = $1 AND id = $2 RETURNING *`, [corpId, id, name, JSON.stringify(rule)]);
    return s;
  }

  async softDelete(corpId: string, id: number): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET deleted_at = now() WHERE corp_id = $1 AND id = $2`, [corpId, id]);
  }
}
