// Reads for the customer list and the customer page, always within the caller's scope.
import type pg from 'pg';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';
import { customerVisibleSql } from '../../platform/resources';
import { corpZone } from '../../platform/time';
import { describeEvent, referencedIds, type DescribableEvent, type EventNames } from './describe';

export interface CustomerListQuery {
  q?: string; tagIds?: string[]; userid?: string; storeId?: number; channel?: string; page: number; pageSize: number;
}

export class CustomerService {
  constructor(private pool: pg.Pool) {}

  async list(scope: Scope, query: CustomerListQuery) {
    const p = new Params();
    const where = [`c.corp_id = ${p.add(scope.corpId)}`, customerVisibleSql(scope, p)];
    if (query.q) {
      const like = p.add(`%${query.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
      where.push(`(c.name ILIKE ${like} OR EXISTS (SELECT 1 FROM follows qf WHERE qf.corp_id = c.corp_id AND qf.external_userid = c.external_userid AND qf.remark ILIKE ${like}))`);
    }
    const followConds: string[] = [];
    if (query.tagIds?.length) followConds.push(`ff.tag_ids && ${p.add(query.tagIds)}::text[]`);
    if (query.userid) followConds.push(`ff.userid = ${p.add(query.userid)}`);
    if (query.storeId) followConds.push(`ff.userid IN (SELECT userid FROM staff WHERE corp_id = c.corp_id AND store_id = ${p.add(query.storeId)})`);
    if (query.channel) {
      const ch = query.channel;
      if (/^\d+$/.test(ch)) followConds.push(`ff.add_way = ${p.add(Number(ch))}`);
      else followConds.push(`ff.state LIKE ${p.add(`${ch.replace(/[%_\\]/g, (m) => `\\${m}`)}%`)}`);
    }
    if (followConds.length) {
      where.push(`EXISTS (SELECT 1 FROM follows ff WHERE ff.corp_id = c.corp_id AND ff.external_userid = c.external_userid AND ff.status = 'active' AND ${followConds.join(' AND ')})`);
    }
    const whereSql = where.join(' AND ');
    const countP = p.values.length;
    const limit = p.add(query.pageSize);
    const offset = p.add((query.page - 1) * query.pageSize);
    const [{ rows: items }, { rows: total }] = await Promise.all([
      this.pool.query(
        `SELECT c.external_userid, c.name, c.avatar, c.type, c.gender, c.corp_name, c.first_added_at, c.order_count, c.order_total, c.last_order_at,
           coalesce((SELECT json_agg(json_build_object('userid', f.userid, 'staffName', s.name, 'addedAt', f.added_at, 'remark', f.remark, 'status', f.status, 'personalTags', f.personal_tags) ORDER BY f.added_at)
                     FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
                     WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid), '[]') AS follows,
           coalesce((SELECT array_agg(DISTINCT t) FROM follows f, unnest(f.tag_ids) t
                     WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status = 'active'), '{}') AS tag_ids
         FROM customers c WHERE ${whereSql}
         ORDER BY c.first_added_at DESC NULLS LAST, c.external_userid LIMIT ${limit} OFFSET ${offset}`, p.values),
      this.pool.query(`SELECT count(*)::int AS n FROM customers c WHERE ${whereSql}`, p.values.slice(0, countP)),
    ]);
    return {
      items: items.map((r) => ({
        externalUserid: r.external_userid, name: r.name, avatar: r.avatar, type: r.type, gender: r.gender, corpName: r.corp_name,
        tagIds: r.tag_ids, follows: r.follows, firstAddedAt: r.first_added_at,
        orderCount: r.order_count as number, orderTotal: Number(r.order_total), lastOrderAt: r.last_order_at as Date | null,
      })),
      total: total[0].n as number,
    };
  }

  async tagNames(corpId: string): Promise<{ id: string; name: string }[]> {
    const { rows } = await this.pool.query('SELECT id, name FROM tags WHERE corp_id = $1', [corpId]);
    return rows;
  }

  async detail(scope: Scope, externalUserid: string) {
    const p = new Params();
    const { rows } = await this.pool.query(
      `SELECT * FROM customers c WHERE c.corp_id = ${p.add(scope.corpId)} AND c.external_userid = ${p.add(externalUserid)} AND ${customerVisibleSql(scope, p)}`,
      p.values);
    const c = rows[0];
    if (!c) throw AppError.notFound(`customer ${externalUserid}`);
    const [follows, groups, timeline, attributes] = await Promise.all([
      this.pool.query(
        `SELECT f.*, s.name AS staff_name FROM follows f LEFT JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
         WHERE f.corp_id = $1 AND f.external_userid = $2 ORDER BY f.added_at NULLS LAST`, [scope.corpId, externalUserid]),
      this.pool.query(
        `SELECT m.chat_id, g.name, m.join_time, m.join_scene, m.left_at, m.quit_scene FROM group_members m
         LEFT JOIN groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
         WHERE m.corp_id = $1 AND m.member_id = $2 ORDER BY m.join_time DESC NULLS LAST`, [scope.corpId, externalUserid]),
      this.timeline(scope.corpId, externalUserid, { limit: 100 }),
      this.pool.query('SELECT key, value FROM customer_attributes WHERE corp_id = $1 AND external_userid = $2 ORDER BY key', [scope.corpId, externalUserid]),
    ]);
    return {
      customer: {
        externalUserid: c.external_userid, name: c.name, avatar: c.avatar, type: c.type, gender: c.gender, unionid: c.unionid,
        corpName: c.corp_name, corpFullName: c.corp_full_name, position: c.position, firstAddedAt: c.first_added_at,
        lastEventAt: c.last_event_at, activeFollowCount: c.active_follow_count,
        orderCount: c.order_count, orderTotal: Number(c.order_total), firstOrderAt: c.first_order_at, lastOrderAt: c.last_order_at,
        attributes: Object.fromEntries(attributes.rows.map((a) => [a.key, a.value])),
      },
      follows: follows.rows.map((f) => ({
        userid: f.userid, staffName: f.staff_name, remark: f.remark, description: f.description, remarkMobiles: f.remark_mobiles,
        remarkCorpName: f.remark_corp_name, addWay: f.add_way, operUserid: f.oper_userid, state: f.state, tagIds: f.tag_ids,
        personalTags: (f.personal_tags ?? []) as string[], addedAt: f.added_at, status: f.status, deletedAt: f.deleted_at,
      })),
      groups: groups.rows.map((g) => ({ chatId: g.chat_id, name: g.name, joinTime: g.join_time, joinScene: g.join_scene, leftAt: g.left_at, quitScene: g.quit_scene })),
      timeline: timeline.items,
    };
  }

  /** The corp's time zone: exports write times in it. */
  timezone(corpId: string): Promise<string> {
    return corpZone(this.pool, corpId);
  }

  async timeline(corpId: string, externalUserid: string, opts: { before?: number; limit: number }) {
    const { rows } = await this.pool.query(
      `SELECT e.id, e.type, e.occurred_at, e.userid, s.name AS staff_name, e.chat_id, e.data FROM customer_events e
       LEFT JOIN staff s ON s.corp_id = e.corp_id AND s.userid = e.userid
       WHERE e.corp_id = $1 AND e.external_userid = $2 AND ($3::bigint IS NULL OR e.id < $3)
       ORDER BY e.occurred_at DESC, e.id DESC LIMIT $4`, [corpId, externalUserid, opts.before ?? null, opts.limit]);
    const names = await this.eventNames(corpId, rows.map((r) => ({ type: r.type, userid: r.userid, staffName: r.staff_name, chatId: r.chat_id, data: r.data })));
    return {
      items: rows.map((r) => {
        const e = { id: r.id, type: r.type, occurredAt: r.occurred_at, userid: r.userid, staffName: r.staff_name, chatId: r.chat_id, data: r.data };
        return { ...e, summary: describeEvent(e, names) };
      }),
    };
  }

  /** Names of the codes, tags (deleted ones too: the event happened), groups and staff a page of events mentions. */
  private async eventNames(corpId: string, events: DescribableEvent[]): Promise<EventNames> {
    const ids = referencedIds(events);
    const [codes, tags, groups, staff] = await Promise.all([
      ids.codeIds.length ? this.pool.query('SELECT id::text AS id, name FROM live_codes WHERE corp_id = $1 AND id = ANY($2::bigint[])', [corpId, ids.codeIds.filter((x) => /^\d{1,18}$/.test(x))]) : null,
      ids.tagIds.length ? this.pool.query('SELECT id, name FROM tags WHERE corp_id = $1 AND id = ANY($2::text[])', [corpId, ids.tagIds]) : null,
      ids.chatIds.length ? this.pool.query(`SELECT chat_id AS id, name FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[]) AND name <> ''`, [corpId, ids.chatIds]) : null,
      ids.userids.length ? this.pool.query('SELECT userid AS id, name FROM staff WHERE corp_id = $1 AND userid = ANY($2::text[])', [corpId, ids.userids]) : null,
    ]);
    const toMap = (r: { rows: { id: string; name: string }[] } | null) => new Map((r?.rows ?? []).map((x) => [x.id, x.name]));
    return { codes: toMap(codes), tags: toMap(tags), groups: toMap(groups), staff: toMap(staff) };
  }
}
