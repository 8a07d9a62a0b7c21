// Group segments (群分层): live count and sample while a rule is edited, saved segments, their groups and
// CSV export — always within the caller's scope (staff: groups they own; store managers: their stores').
import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';
import { groupVisibleSql } from '../../platform/resources';
import { toCsv } from '../../platform/csv';
import { corpZone } from '../../platform/time';
import { Page } from '../../platform/schemas';
import { groupStatsStatus } from '../groups';
import { compileGroupRule, GroupRuleNode, savedGroupRule } from './rule';
import { IdParams } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export function groupWhere(scope: Scope, rule: GroupRuleNode, p: Params): string {
  return `g.corp_id = ${p.add(scope.corpId)} AND ${groupVisibleSql(scope, p)} AND ${compileGroupRule(rule, p)}`;
}

const groupOut = (g: any) => ({
  chatId: g.chat_id, name: g.name, ownerUserid: g.owner_userid, ownerName: g.owner_name, tier: g.tier, labels: g.labels,
  memberCount: g.member_count, customerCount: g.customer_count, storeId: g.store_id, createdAt: g.created_at, status: g.status,
});

export async function groupSegmentRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;
  const groups = async (scope: Scope, rule: GroupRuleNode, limit: number, offset: number) => {
    const p = new Params();
    const w = groupWhere(scope, rule, p);
    const n = p.values.length;
    const [{ rows: items }, { rows: [cnt] }] = await Promise.all([
      pool.query(`SELECT g.*, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
                  WHERE ${w} ORDER BY g.created_at DESC NULLS LAST, g.chat_id LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, p.values),
      pool.query(`SELECT count(*)::int AS n FROM groups g WHERE ${w}`, p.values.slice(0, n)),
    ]);
    return { total: cnt.n as number, items: items.map(groupOut) };
  };
  const load = async (corpId: string, id: number) => {
    const { rows: [s] } = await pool.query('SELECT * FROM group_segments WHERE corp_id = $1 AND id = $2 AND deleted_at IS NULL', [corpId, id]);
    if (!s) throw AppError.notFound(`group segment ${id}`);
    return s;
  };
  const ruleOf = (s: any) => savedGroupRule(s.rule, 'rule', `group segment ${s.id}`);
  const out = (s: any) => ({ id: s.id, name: s.name, rule: s.rule, createdBy: s.created_by, createdAt: s.created_at, updatedAt: s.updated_at });
  const Id = IdParams;
  const tags = ['group segments'];

  app.post('/api/group-segments/preview', {
    config: { ...access(ALL_ROLES, { scope: 'filtered' }), audit: false }, schema: { tags, summary: 'Live count and a sample of groups for a rule', body: z.object({ rule: GroupRuleNode }) },
  }, async (req) => {
    const [r, stats] = await Promise.all([groups(req.scope, req.body.rule, 20, 0), groupStatsStatus(pool, req.principal!.corpId)]);
    return { count: r.total, sample: r.items, statsThrough: stats.through };
  });
  app.get('/api/group-segments', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags } }, async (req) => {
    const { rows } = await pool.query('SELECT * FROM group_segments WHERE corp_id = $1 AND deleted_at IS NULL ORDER BY id DESC', [req.principal!.corpId]);
    return { items: rows.map(out) };
  });
  const Body = z.object({ name: z.string().trim().min(1, 'is required').max(60), rule: GroupRuleNode });
  app.post('/api/group-segments', { config: access(WRITE_ROLES), schema: { tags, body: Body } }, async (req) => {
    const { rows: [s] } = await pool.query('INSERT INTO group_segments (corp_id, name, rule, created_by) VALUES ($1,$2,$3,$4) RETURNING *',
      [req.principal!.corpId, req.body.name, JSON.stringify(req.body.rule), req.principal!.name]);
    return out(s);
  });
  app.patch('/api/group-segments/:id', { config: access(WRITE_ROLES, { params: { id: 'groupSegment' } }), schema: { tags, params: Id, body: Body.partial() } }, async (req) => {
    const cur = await load(req.principal!.corpId, req.params.id);
    const { rows: [s] } = await pool.query('UPDATE group_segments SET name = $3, rule = $4, updated_at = now() WHERE corp_id = $1 AND id = $2 RETURNING *',
      [req.principal!.corpId, req.params.id, req.body.name ?? cur.name, JSON.stringify(req.body.rule ?? ruleOf(cur))]);
    return out(s);
  });
  app.delete('/api/group-segments/:id', { config: access(WRITE_ROLES, { params: { id: 'groupSegment' } }), schema: { tags, params: Id } }, async (req) => {
    await load(req.principal!.corpId, req.params.id);
    await pool.query('UPDATE group_segments SET deleted_at = now() WHERE corp_id = $1 AND id = $2', [req.principal!.corpId, req.params.id]);
    return { ok: true };
  });
  app.get('/api/group-segments/:id/groups', {
    config: access(ALL_ROLES, { params: { id: 'groupSegment' }, scope: 'filtered' }), schema: { tags, summary: "A saved segment's groups, paged", params: Id, querystring: Page },
  }, async (req) => {
    const s = await load(req.principal!.corpId, req.params.id);
    return groups(req.scope, ruleOf(s), req.query.pageSize, (req.query.page - 1) * req.query.pageSize);
  });
  app.get('/api/group-segments/:id/export.csv', { config: access(ALL_ROLES, { params: { id: 'groupSegment' }, scope: 'filtered' }), schema: { tags, params: Id } }, async (req, reply) => {
    const s = await load(req.principal!.corpId, req.params.id);
    const r = await groups(req.scope, ruleOf(s), 100_000, 0);
    const csv = toCsv([
      { key: 'chatId', header: 'chat_id' }, { key: 'name', header: '群名称 name' }, { key: 'ownerName', header: '群主 owner' },
      { key: 'ownerUserid', header: 'owner_userid' }, { key: 'tier', header: '分层 tier' }, { key: 'labels', header: '群标签 labels' },
      { key: 'memberCount', header: '成员 members' }, { key: 'customerCount', header: '客户 customers' },
      { key: 'createdAt', header: '创建时间 created_at' }, { key: 'status', header: '状态 status' },
    ], r.items, await corpZone(pool, req.principal!.corpId));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="group-segment-${s.id}.csv"`).send(csv);
  });
}
