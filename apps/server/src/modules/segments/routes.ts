// Segments: live count and sample while a rule is edited, saved segments, members and CSV export —
// always within the caller's scope (staff: their customers; store managers: their stores').
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';
import { customerVisibleSql } from '../../platform/resources';
import { toCsv } from '../../platform/csv';
import { corpZone } from '../../platform/time';
import { withTransaction } from '../../platform/db';
import { Page } from '../../platform/schemas';
import { compileRule, RuleNode, savedRule } from './rule';
import { IdParams } from '../../platform/schemas';
import { readEventWindows, type EventWindows } from './windows';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export function where(scope: Scope, rule: RuleNode, p: Params, mode: 'fast' | 'plain' = 'fast', windows?: EventWindows): string {
  return `c.corp_id = ${p.add(scope.corpId)} AND c.active_follow_count > 0 AND ${customerVisibleSql(scope, p)} AND ${compileRule(rule, p, { mode, corpId: scope.corpId, windows })}`;
}

/**
 * SQL condition "`column` is a member of saved segment `segmentId`" (evaluated now, within the scope), for
 * the features that take a segment as their audience; an unknown segment is a validation error on `field`.
 */
export async function inSavedSegment(pool: pg.Pool, scope: Scope, segmentId: number, p: Params, column: string, field: string): Promise<string> {
  const { rows: [seg] } = await pool.query('SELECT rule FROM segments WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [scope.corpId, segmentId]);
  if (!seg) throw AppError.validation(field, `no segment ${segmentId}`);
  const rule = savedRule(seg.rule, field, `segment ${segmentId}`);
  return `${column} IN (SELECT c.external_userid FROM customers c WHERE ${where(scope, rule, p, 'fast', await readEventWindows(pool, scope.corpId))})`;
}

/** Runs a segment query. They are analytical: at their cost estimates JIT compilation takes hundreds of ms
 * and gains nothing, and hashing the window sets of a million customers needs more than the default work_mem. */
export async function querySegment(pool: pg.Pool, sql: string, values: unknown[]): Promise<pg.QueryResult> {
  return withTransaction(pool, (client) => client.query(sql, values), `BEGIN; SET LOCAL jit = off; SET LOCAL work_mem = '64MB'`);
}

export async function segmentRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;
  const members = async (scope: Scope, rule: RuleNode, limit: number, offset: number) => {
    const p = new Params();
    const w = where(scope, rule, p, 'fast', await readEventWindows(pool, scope.corpId));
    const n = p.values.length;
    const [{ rows: items }, { rows: [cnt] }] = await Promise.all([
      querySegment(pool, `SELECT c.external_userid, c.name, c.avatar, c.gender, c.first_added_at FROM customers c WHERE ${w}
                  ORDER BY c.first_added_at DESC NULLS LAST, c.external_userid LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, p.values),
      querySegment(pool, `SELECT count(*)::int AS n FROM customers c WHERE ${w}`, p.values.slice(0, n)),
    ]);
    return { total: cnt.n as number, items: items.map((r) => ({ externalUserid: r.external_userid, name: r.name, avatar: r.avatar, gender: r.gender, firstAddedAt: r.first_added_at })) };
  };
  const load = async (corpId: string, id: number) => {
    const { rows: [s] } = await pool.query('SELECT * FROM segments WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
    if (!s) throw AppError.notFound(`segment ${id}`);
    return s;
  };
  const ruleOf = (s: any) => savedRule(s.rule, 'rule', `segment ${s.id}`);
  const out = (s: any) => ({ id: s.id, name: s.name, rule: s.rule, createdBy: s.created_by, createdAt: s.created_at, updatedAt: s.updated_at });

  app.post('/api/segments/preview', {
    config: { ...access(ALL_ROLES, { scope: 'filtered' }), audit: false }, schema: { tags: ['segments'], summary: 'Live count and a sample of members for a rule', body: z.object({ rule: RuleNode }) },
  }, async (req) => {
    const r = await members(req.scope, req.body.rule, 20, 0);
    return { count: r.total, sample: r.items };
  });
  app.get('/api/segments', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: ['segments'] } }, async (req) => {
    const { rows } = await pool.query('SELECT * FROM segments WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY id DESC', [req.principal!.corpId]);
    return { items: rows.map(out) };
  });
  const Body = z.object({ name: z.string().trim().min(1, 'is required').max(60), rule: RuleNode });
  app.post('/api/segments', { config: access(WRITE_ROLES), schema: { tags: ['segments'], body: Body } }, async (req) => {
    const { rows: [s] } = await pool.query('INSERT INTO segments (corp_id, name, rule, created_by) VALUES ($1,$2,$3,$4) RETURNING *', [req.principal!.corpId, req.body.name, JSON.stringify(req.body.rule), req.principal!.name]);
    return out(s);
  });
  app.patch('/api/segments/:id', { config: access(WRITE_ROLES, { params: { id: 'segment' } }), schema: { tags: ['segments'], params: IdParams, body: Body.partial() } }, async (req) => {
    const cur = await load(req.principal!.corpId, req.params.id);
    const { rows: [s] } = await pool.query('UPDATE segments SET name = $3, rule = $4, updated_at = now() WHERE corp_id = $1 AND id = $2 RETURNING *',
      [req.principal!.corpId, req.params.id, req.body.name ?? cur.name, JSON.stringify(req.body.rule ?? ruleOf(cur))]);
    return out(s);
  });
  app.delete('/api/segments/:id', { config: access(WRITE_ROLES, { params: { id: 'segment' } }), schema: { tags: ['segments'], params: IdParams } }, async (req) => {
    await load(req.principal!.corpId, req.params.id);
    await pool.query('UPDATE segments SET deleted_at = now() WHERE id = $1', [req.params.id]);
    return { ok: true };
  });
  app.get('/api/segments/:id/members', {
    config: access(ALL_ROLES, { params: { id: 'segment' }, scope: 'filtered' }), schema: { tags: ['segments'], params: IdParams, querystring: Page },
  }, async (req) => {
    const s = await load(req.principal!.corpId, req.params.id);
    return members(req.scope, ruleOf(s), req.query.pageSize, (req.query.page - 1) * req.query.pageSize);
  });
  app.get('/api/segments/:id/export.csv', {
    config: access(ALL_ROLES, { params: { id: 'segment' }, scope: 'filtered' }), schema: { tags: ['segments'], params: IdParams },
  }, async (req, reply) => {
    const s = await load(req.principal!.corpId, req.params.id);
    const r = await members(req.scope, ruleOf(s), 100_000, 0);
    const csv = toCsv([{ key: 'externalUserid', header: 'external_userid' }, { key: 'name', header: '昵称 name' }, { key: 'gender', header: '性别 gender' }, { key: 'firstAddedAt', header: '首次添加 first_added_at' }], r.items,
      await corpZone(pool, req.principal!.corpId));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="segment-${s.id}.csv"`).send(csv);
  });
}
