import { z } from 'zod';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';
import { groupVisibleSql } from '../../platform/resources';
import { Page } from '../../platform/schemas';
import { ChatId, RowIdParam, Userid } from '../../platform/schemas';
import { access, ALL_ROLES } from '../../platform/access';

const groupOut = (g: any) => ({
  chatId: g.chat_id, name: g.name, ownerUserid: g.owner_userid, ownerName: g.owner_name, memberCount: g.member_count,
  customerCount: g.customer_count, createdAt: g.created_at, status: g.status, notice: g.notice, storeId: g.store_id,
  ownerStatus: g.owner_status, adminUserids: g.admin_userids,
  tier: g.tier, labels: g.labels, persona: g.persona, rulesText: g.rules_text, announcementTemplate: g.announcement_template,
});

export async function groupRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;
  app.get('/api/groups', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { owner: 'staff', storeId: 'store' } }), schema: {
      tags: ['groups'],
      querystring: Page.extend({
        q: z.string().max(100).optional(), owner: Userid.optional(), status: z.enum(['active', 'dismissed']).optional(),
        tier: z.string().max(30).optional(), label: z.string().max(30).optional(), storeId: RowIdParam.optional(),
      }),
    },
  }, async (req) => {
    const scope = req.scope;
    const q = req.query;
    const p = new Params();
    const where = [`g.corp_id = ${p.add(scope.corpId)}`, groupVisibleSql(scope, p)];
    if (q.q) where.push(`g.name ILIKE ${p.add(`%${q.q}%`)}`);
    if (q.owner) where.push(`g.owner_userid = ${p.add(q.owner)}`);
    if (q.tier) where.push(`g.tier = ${p.add(q.tier)}`);
    if (q.label) where.push(`${p.add(q.label)} = ANY(g.labels)`);
    if (q.storeId) where.push(`g.store_id = ${p.add(q.storeId)}`);
    where.push(`g.status = ${p.add(q.status ?? 'active')}`);
    const w = where.join(' AND ');
    const n = p.values.length;
    const { rows } = await pool.query(
      `SELECT g.*, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
       WHERE ${w} ORDER BY g.created_at DESC NULLS LAST, g.chat_id LIMIT ${p.add(q.pageSize)} OFFSET ${p.add((q.page - 1) * q.pageSize)}`, p.values);
    const { rows: t } = await pool.query(`SELECT count(*)::int AS n FROM groups g WHERE ${w}`, p.values.slice(0, n));
    return { items: rows.map(groupOut), total: t[0].n };
  });

  app.get('/api/group-tiers', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['groups'], summary: 'Tiers and labels in use, with group counts' } }, async (req) => {
    const p = new Params();
    const mine = `g.corp_id = ${p.add(req.scope.corpId)} AND g.status = 'active' AND ${groupVisibleSql(req.scope, p)}`;
    const [{ rows: tiers }, { rows: labels }] = await Promise.all([
      pool.query(`SELECT g.tier, count(*)::int AS groups, sum(g.member_count)::int AS members FROM groups g WHERE ${mine} AND g.tier IS NOT NULL GROUP BY g.tier ORDER BY g.tier`, p.values),
      pool.query(`SELECT l AS label, count(*)::int AS groups FROM groups g, unnest(g.labels) l WHERE ${mine} GROUP BY l ORDER BY l`, p.values),
    ]);
    return { tiers, labels };
  });

  app.patch('/api/groups/:chatId', {
    config: access(['operator', 'store_manager'], { params: { chatId: 'group' } }), schema: {
      tags: ['groups'], summary: "Set a group's tier, labels (region, theme…), owner persona, rules and announcement template",
      params: z.object({ chatId: ChatId }),
      body: z.object({
        tier: z.string().trim().max(30, 'must be at most 30 characters').nullish(),
        labels: z.array(z.string().trim().min(1).max(30, 'each label at most 30 characters')).max(20, 'at most 20 labels').optional(),
        persona: z.string().max(1000).nullish(),
        rulesText: z.string().max(2000).nullish(),
        announcementTemplate: z.string().max(4000, 'must be at most 4000 characters').nullish(),
      }),
    },
  }, async (req) => {
    const scope = req.scope;
    const p = new Params();
    const { rows: [cur] } = await pool.query(
      `SELECT g.* FROM groups g WHERE g.corp_id = ${p.add(scope.corpId)} AND g.chat_id = ${p.add(req.params.chatId)} AND ${groupVisibleSql(scope, p)}`, p.values);
    if (!cur) throw AppError.notFound(`group ${req.params.chatId}`);
    const b = req.body;
    const pick = <T>(v: T | undefined, old: T) => (v === undefined ? old : v);
    const { rows: [g] } = await pool.query(
      `UPDATE groups SET tier = $3, labels = $4, persona = $5, rules_text = $6, announcement_template = $7, updated_at = now()
       WHERE corp_id = $1 AND chat_id = $2 RETURNING *`,
      [scope.corpId, req.params.chatId, pick(b.tier, cur.tier), pick(b.labels, cur.labels), pick(b.persona, cur.persona), pick(b.rulesText, cur.rules_text), pick(b.announcementTemplate, cur.announcement_template)]);
    return groupOut(g);
  });

  app.get('/api/groups/:chatId', {
    config: access(ALL_ROLES, { params: { chatId: 'group' } }), schema: { tags: ['groups'], params: z.object({ chatId: ChatId }) },
  }, async (req) => {
    const scope = req.scope;
    const p = new Params();
    const { rows } = await pool.query(
      `SELECT g.*, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid
       WHERE g.corp_id = ${p.add(scope.corpId)} AND g.chat_id = ${p.add(req.params.chatId)} AND ${groupVisibleSql(scope, p)}`, p.values);
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
