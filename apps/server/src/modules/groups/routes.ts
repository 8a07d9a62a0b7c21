import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { ALL_ROLES, requireRole, scopeOf } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { Params, groupScopeSql } from '../../platform/sql';
import { Page } from '../customers/routes';

const groupOut = (g: any) => ({
  chatId: g.chat_id, name: g.name, ownerUserid: g.owner_userid, ownerName: g.owner_name, memberCount: g.member_count,
  customerCount: g.customer_count, createdAt: g.created_at, status: g.status, notice: g.notice, storeId: g.store_id,
  ownerStatus: g.owner_status, adminUserids: g.admin_userids,
});

export async function groupRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;
  app.get('/api/groups', {
    preHandler: requireRole(...ALL_ROLES),
    schema: {
      tags: ['groups'],
      querystring: Page.extend({ q: z.string().max(100).optional(), owner: z.string().optional(), status: z.enum(['active', 'dismissed']).optional() }),
    },
  }, async (req) => {
    const scope = scopeOf(req.principal!);
    const q = req.query;
    const p = new Params();
    const where = [`g.corp_id = ${p.add(scope.corpId)}`, groupScopeSql(scope, p)];
    if (q.q) where.push(`g.name ILIKE ${p.add(`%${q.q}%`)}`);
    if (q.owner) where.push(`g.owner_userid = ${p.add(q.owner)}`);
    where.push(`g.status = ${p.add(q.status ?? 'active')}`);
    const w = where.join(' AND ');
    const n = p.values.length;
    const { rows } = await pool.query(
      `SELECT g.*, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
       WHERE ${w} ORDER BY g.created_at DESC NULLS LAST, g.chat_id LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
    const { rows: t } = await pool.query(`SELECT count(*)::int AS n FROM groups g WHERE ${w}`, p.values.slice(0, n));
    return { items: rows.map(groupOut), total: t[0].n };
  });

  app.get('/api/groups/:chatId', {
    preHandler: requireRole(...ALL_ROLES),
    schema: { tags: ['groups'], params: z.object({ chatId: z.string().min(1) }) },
  }, async (req) => {
    const scope = scopeOf(req.principal!);
    const p = new Params();
    const { rows } = await pool.query(
      `SELECT g.*, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
       WHERE g.corp_id = ${p.add(scope.corpId)} AND g.chat_id = ${p.add(req.params.chatId)} AND ${groupScopeSql(scope, p)}`, p.values);
    if (!rows[0]) throw AppError.notFound(`group ${req.params.chatId}`);
    const { rows: members } = await pool.query(
      `SELECT m.*, coalesce(c.name, s.name, m.name) AS display_name FROM group_members m
       LEFT JOIN customers c ON m.type = 2 AND c.corp_id = m.corp_id AND c.external_userid = m.member_id
       LEFT JOIN staff s ON m.type = 1 AND s.corp_id = m.corp_id AND s.userid = m.member_id
       WHERE m.corp_id = $1 AND m.chat_id = $2 ORDER BY m.left_at NULLS FIRST, m.join_time`, [scope.corpId, req.params.chatId]);
    return {
      group: groupOut(rows[0]),
      members: members.map((m) => ({
        memberId: m.member_id, type: m.type, name: m.display_name, groupNickname: m.group_nickname, joinTime: m.join_time,
        joinScene: m.join_scene, invitor: m.invitor, state: m.state, leftAt: m.left_at, quitScene: m.quit_scene,
      })),
    };
  });
}
