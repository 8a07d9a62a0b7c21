// Moderation's and the tier profiles' SQL.
import type pg from 'pg';
import type { DailySlot, ModerationConfig, ModerationRule } from '@pond/contracts/moderation';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import { staffUseridVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';

type Db = Pick<pg.PoolClient, 'query'>;

export async function listRules(db: Db, corpId: string): Promise<Row<'moderation_rules'>[]> {
  const { rows } = await db.query<Row<'moderation_rules'>>('SELECT * FROM moderation_rules WHERE corp_id = $1 ORDER BY tier', [corpId]);
  return rows;
}

export async function upsertRule(db: Db, corpId: string, tier: string, config: ModerationConfig): Promise<void> {
  await db.query(
    `INSERT INTO moderation_rules (corp_id, tier, config) VALUES ($1, $2, $3)
     ON CONFLICT (corp_id, tier) DO UPDATE SET config = $3, updated_at = now()`, [corpId, tier, JSON.stringify(config)]);
}

export async function deleteRule(db: Db, corpId: string, tier: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM moderation_rules WHERE corp_id = $1 AND tier = $2', [corpId, tier]);
  return (rowCount ?? 0) > 0;
}

export async function groupsOf(db: Db, corpId: string, chatIds: string[]): Promise<Map<string, { tier: string | null; owner: string | null; name: string }>> {
  if (!chatIds.length) return new Map();
  const { rows } = await db.query<{ chat_id: string; tier: string | null; owner: string | null; name: string }>(
    `SELECT chat_id, tier, name, CASE WHEN owner_status = 0 OR cardinality(admin_userids) = 0 THEN owner_userid ELSE admin_userids[1] END AS owner
       FROM groups WHERE corp_id = $1 AND chat_id = ANY($2::text[])`, [corpId, chatIds]);
  return new Map(rows.map((r) => [r.chat_id, { tier: r.tier, owner: r.owner, name: r.name }]));
}

/** Records customers' group posts for the history rules (the message itself counts in what follows). */
export async function insertPosts(db: Db, corpId: string, posts: { ext: string; at: Date; chatId: string; hash: string | null; msgid: string }[]): Promise<void> {
  if (!posts.length) return;
  await db.query(
    `INSERT INTO moderation_posts (corp_id, external_userid, at, chat_id, text_hash, msgid)
     SELECT $1, * FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING`,
    [corpId, posts.map((p) => p.ext), posts.map((p) => p.at), posts.map((p) => p.chatId), posts.map((p) => p.hash), posts.map((p) => p.msgid)]);
}

/** For each message: how often its text was posted in its repeat window, and in how many groups in its group window. */
export async function historyCounts(db: Db, corpId: string, q: { msgid: string; ext: string; at: Date; hash: string | null; repeatMin: number; groupMin: number }[]): Promise<Map<string, { repeats: number; groups: number }>> {
  if (!q.length) return new Map();
  const { rows } = await db.query<{ msgid: string; repeats: number; groups: number }>(
    `SELECT m.msgid,
            (SELECT count(*)::int FROM moderation_posts p WHERE p.corp_id = $1 AND p.external_userid = m.ext AND m.hash IS NOT NULL AND p.text_hash = m.hash
                AND p.at > m.at - make_interval(mins => m.rmin) AND p.at <= m.at) AS repeats,
            (SELECT count(DISTINCT p.chat_id)::int FROM moderation_posts p WHERE p.corp_id = $1 AND p.external_userid = m.ext
                AND p.at > m.at - make_interval(mins => m.gmin) AND p.at <= m.at) AS groups
       FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::int[]) AS m(msgid, ext, at, hash, rmin, gmin)`,
    [corpId, q.map((x) => x.msgid), q.map((x) => x.ext), q.map((x) => x.at), q.map((x) => x.hash), q.map((x) => x.repeatMin), q.map((x) => x.groupMin)]);
  return new Map(rows.map((r) => [r.msgid, { repeats: r.repeats, groups: r.groups }]));
}

/** When each (group, customer) joined. */
export async function joinTimes(db: Db, corpId: string, pairs: { chatId: string; ext: string }[]): Promise<Map<string, Date>> {
  if (!pairs.length) return new Map();
  const { rows } = await db.query<{ chat_id: string; member_id: string; join_time: Date }>(
    `SELECT gm.chat_id, gm.member_id, gm.join_time FROM group_members gm
       JOIN unnest($2::text[], $3::text[]) AS p(chat_id, ext) ON gm.chat_id = p.chat_id AND gm.member_id = p.ext
      WHERE gm.corp_id = $1 AND gm.join_time IS NOT NULL AND gm.left_at IS NULL`, [corpId, pairs.map((p) => p.chatId), pairs.map((p) => p.ext)]);
  return new Map(rows.map((r) => [`${r.chat_id}\u0000${r.member_id}`, r.join_time]));
}

export interface NewViolation { msgid: string; rule: ModerationRule; detail: string; chatId: string; ext: string; text: string; owner: string | null; at: Date }

export async function insertViolations(db: Db, corpId: string, v: NewViolation[]): Promise<Cols<'moderation_violations', 'id' | 'msgid' | 'rule' | 'chat_id' | 'external_userid'>[]> {
  if (!v.length) return [];
  const col = <T>(f: (x: NewViolation) => T) => v.map(f);
  const { rows } = await db.query<Cols<'moderation_violations', 'id' | 'msgid' | 'rule' | 'chat_id' | 'external_userid'>>(
    `INSERT INTO moderation_violations (corp_id, msgid, rule, detail, chat_id, external_userid, text, owner_userid, occurred_at)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
     ON CONFLICT (corp_id, msgid, rule) DO NOTHING
     RETURNING id, msgid, rule, chat_id, external_userid`,
    [corpId, col((x) => x.msgid), col((x) => x.rule), col((x) => x.detail), col((x) => x.chatId), col((x) => x.ext), col((x) => x.text.slice(0, 2000)),
      col((x) => x.owner), col((x) => x.at)]);
  return rows;
}

export async function setViolationTasks(db: Db, corpId: string, ids: number[], taskIds: number[]): Promise<void> {
  await db.query(
    `UPDATE moderation_violations v SET task_id = t.task FROM unnest($2::bigint[], $3::bigint[]) AS t(id, task) WHERE v.corp_id = $1 AND v.id = t.id`,
    [corpId, ids, taskIds]);
}

/** Adds strikes (customers in key order); a customer reaching their limit is blocked now. */
export async function addStrikes(db: Db, corpId: string, s: { ext: string; n: number; limit: number; at: Date }[], now: Date): Promise<{ external_userid: string; strikes: number; newly_blocked: boolean }[]> {
  if (!s.length) return [];
  const sorted = [...s].sort((a, b) => (a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : 0));
  const { rows } = await db.query<{ external_userid: string; strikes: number; newly_blocked: boolean }>(
    `INSERT INTO moderation_offenders AS o (corp_id, external_userid, strikes, last_at, blocked_at)
     SELECT $1, x.ext, x.n, x.at, CASE WHEN x.n >= x.lim THEN $6::timestamptz END
       FROM unnest($2::text[], $3::int[], $4::int[], $5::timestamptz[]) AS x(ext, n, lim, at)
     ON CONFLICT (corp_id, external_userid) DO UPDATE SET strikes = o.strikes + EXCLUDED.strikes, last_at = greatest(o.last_at, EXCLUDED.last_at),
        blocked_at = CASE WHEN o.blocked_at IS NULL AND o.strikes + EXCLUDED.strikes >= (SELECT x.lim FROM unnest($2::text[], $4::int[]) AS x(ext, lim) WHERE x.ext = o.external_userid LIMIT 1)
                          THEN $6::timestamptz ELSE o.blocked_at END,
        updated_at = now()
     RETURNING o.external_userid, o.strikes, coalesce(o.blocked_at = $6::timestamptz, false) AS newly_blocked`,
    [corpId, sorted.map((x) => x.ext), sorted.map((x) => x.n), sorted.map((x) => x.limit), sorted.map((x) => x.at), now]);
  return rows;
}

export async function knownCustomers(db: Db, corpId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const { rows } = await db.query<{ external_userid: string }>('SELECT external_userid FROM customers WHERE corp_id = $1 AND external_userid = ANY($2::text[])', [corpId, ids]);
  return new Set(rows.map((r) => r.external_userid));
}

/** Whether a WeChat identity (unionid) belongs to a customer blocked from group codes. */
export async function isBlocked(db: Db, corpId: string, unionid: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM moderation_offenders o JOIN customers c ON c.corp_id = o.corp_id AND c.external_userid = o.external_userid
      WHERE o.corp_id = $1 AND c.unionid = $2 AND o.blocked_at IS NOT NULL LIMIT 1`, [corpId, unionid]);
  return rows.length > 0;
}

export async function pardon(db: Db, corpId: string, ext: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE moderation_offenders SET strikes = 0, blocked_at = NULL, pardoned_at = now(), updated_at = now() WHERE corp_id = $1 AND external_userid = $2', [corpId, ext]);
  return (rowCount ?? 0) > 0;
}

export async function prunePosts(db: Db, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM moderation_posts WHERE at < $1', [before]);
  return rowCount ?? 0;
}

export interface ViolationRow extends Row<'moderation_violations'> { chat_name: string | null; customer_name: string | null; strikes: number | null; blocked_at: Date | null }

export async function listViolations(db: Db, scope: Scope, f: { rule?: ModerationRule; chatId?: string; externalUserid?: string; limit: number; offset: number }): Promise<{ rows: ViolationRow[]; total: number }> {
  const p = new Params();
  const conds = [`v.corp_id = ${p.add(scope.corpId)}`];
  if (scope.staffUserid || scope.storeIds) conds.push(`coalesce(${staffUseridVisibleSql(scope, p, 'v.owner_userid', 'v.corp_id')}, false)`);
  if (f.rule) conds.push(`v.rule = ${p.add(f.rule)}`);
  if (f.chatId) conds.push(`v.chat_id = ${p.add(f.chatId)}`);
  if (f.externalUserid) conds.push(`v.external_userid = ${p.add(f.externalUserid)}`);
  const where = conds.join(' AND ');
  const countValues = [...p.values];
  const { rows } = await db.query<ViolationRow>(
    `SELECT v.*, g.name AS chat_name, c.name AS customer_name, o.strikes, o.blocked_at
       FROM moderation_violations v LEFT JOIN groups g ON g.corp_id = v.corp_id AND g.chat_id = v.chat_id
       LEFT JOIN customers c ON c.corp_id = v.corp_id AND c.external_userid = v.external_userid
       LEFT JOIN moderation_offenders o ON o.corp_id = v.corp_id AND o.external_userid = v.external_userid
      WHERE ${where} ORDER BY v.occurred_at DESC, v.id DESC LIMIT ${p.add(f.limit)} OFFSET ${p.add(f.offset)}`, p.values);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM moderation_violations v WHERE ${where}`, countValues);
  return { rows, total: n?.n ?? 0 };
}

export async function listOffenders(db: Db, corpId: string, f: { blocked?: boolean; limit: number; offset: number }): Promise<{ rows: (Row<'moderation_offenders'> & { name: string | null })[]; total: number }> {
  const cond = f.blocked === undefined ? 'true' : f.blocked ? 'o.blocked_at IS NOT NULL' : 'o.blocked_at IS NULL';
  const { rows } = await db.query<Row<'moderation_offenders'> & { name: string | null }>(
    `SELECT o.*, c.name FROM moderation_offenders o LEFT JOIN customers c ON c.corp_id = o.corp_id AND c.external_userid = o.external_userid
      WHERE o.corp_id = $1 AND o.strikes > 0 AND ${cond} ORDER BY o.last_at DESC LIMIT $2 OFFSET $3`, [corpId, f.limit, f.offset]);
  const { rows: [n] } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM moderation_offenders o WHERE o.corp_id = $1 AND o.strikes > 0 AND ${cond}`, [corpId]);
  return { rows, total: n?.n ?? 0 };
}

// ---- tier profiles ----
export async function listProfiles(db: Db, corpId: string): Promise<(Row<'group_tier_profiles'> & { groups: number })[]> {
  const { rows } = await db.query<Row<'group_tier_profiles'> & { groups: number }>(
    `WITH tiers AS (SELECT DISTINCT tier FROM groups WHERE corp_id = $1 AND tier IS NOT NULL AND tier <> '' UNION SELECT tier FROM group_tier_profiles WHERE corp_id = $1)
     SELECT t.tier, $1 AS corp_id, coalesce(p.persona_name, '') AS persona_name, coalesce(p.tone, '') AS tone, coalesce(p.intro, '') AS intro,
            coalesce(p.rules, '') AS rules, coalesce(p.announcement, '') AS announcement, coalesce(p.slots, '[]'::jsonb) AS slots, p.updated_at,
            (SELECT count(*)::int FROM groups g WHERE g.corp_id = $1 AND g.tier = t.tier AND g.status = 'active') AS groups
       FROM tiers t LEFT JOIN group_tier_profiles p ON p.corp_id = $1 AND p.tier = t.tier ORDER BY t.tier`, [corpId]);
  return rows;
}

export async function upsertProfile(db: Db, corpId: string, tier: string, p: { personaName: string; tone: string; intro: string; rules: string; announcement: string; slots: DailySlot[] }): Promise<void> {
  await db.query(
    `INSERT INTO group_tier_profiles (corp_id, tier, persona_name, tone, intro, rules, announcement, slots) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (corp_id, tier) DO UPDATE SET persona_name = $3, tone = $4, intro = $5, rules = $6, announcement = $7, slots = $8, updated_at = now()`,
    [corpId, tier, p.personaName, p.tone, p.intro, p.rules, p.announcement, JSON.stringify(p.slots)]);
}

// ---- intercept rules seen ----
export async function rememberInterceptRules(db: Db, corpId: string, rules: { id: string; name: string }[], complete: boolean): Promise<void> {
  if (rules.length) {
    await db.query(
      `INSERT INTO moderation_intercept_rules (corp_id, rule_id, name) SELECT $1, * FROM unnest($2::text[], $3::text[])
       ON CONFLICT (corp_id, rule_id) DO UPDATE SET name = EXCLUDED.name, seen_at = now()`, [corpId, rules.map((r) => r.id), rules.map((r) => r.name)]);
  }
  // A full list from WeCom: rules deleted there are forgotten.
  if (complete) await db.query('DELETE FROM moderation_intercept_rules WHERE corp_id = $1 AND NOT (rule_id = ANY($2::text[]))', [corpId, rules.map((r) => r.id)]);
}

export async function forgetInterceptRule(db: Db, corpId: string, ruleId: string): Promise<void> {
  await db.query('DELETE FROM moderation_intercept_rules WHERE corp_id = $1 AND rule_id = $2', [corpId, ruleId]);
}
