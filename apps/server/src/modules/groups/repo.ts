// Customer groups and their members, stored from groupchat/get. Member changes are diffed so the
// customers' timelines get group.joined / group.left. Also the reads of the group pages: the list and its filters,
// a group with its members, tiers and labels in use, and the Pond-side profile.
import type pg from 'pg';
import type { GroupProfileBody, GroupsQuery } from '@pond/contracts/groups';
import type { Scope } from '../../platform/auth';
import type { Cols, Row } from '../../platform/db/rows';
import { groupVisibleSql } from '../../platform/resources';
import { Params } from '../../platform/sql';
import { notNewer, type RelationVersion, type TimelineEvent } from '../customers';

type Queryable = Pick<pg.Pool, 'query'>;

export interface GroupChatRecord {
  chat_id: string;
  name?: string;
  owner?: string;
  create_time?: number;
  notice?: string;
  admin_list?: { userid: string }[];
  member_version?: string;
  member_list?: {
    userid: string; type: number; unionid?: string; join_time?: number; join_scene?: number;
    invitor?: { userid?: string }; group_nickname?: string; name?: string; state?: string;
  }[];
}

/**
 * Stores the group as WeCom reported it, as of `version` (ADR 0013: the event that asked for the read, or the sync's
 * read time); returns who joined and who left since the stored copy. A group whose stored version is newer (its
 * dismiss, or a later event's read, applied first) is left alone: `applied` false. The first statement locks the
 * group's row, so in a transaction concurrent saves of one group run one after the other and diff what the other stored.
 */
export async function saveGroup(
  db: Queryable, corpId: string, g: GroupChatRecord, version: RelationVersion, ownerStatus?: number,
): Promise<{ joined: string[]; left: string[]; applied: boolean }> {
  const members = g.member_list ?? [];
  const customers = members.filter((m) => m.type === 2).length;
  const { rowCount } = await db.query(
    `INSERT INTO groups (corp_id, chat_id, name, owner_userid, notice, admin_userids, member_version, member_count,
                         customer_count, created_at, owner_status, status, dismissed_at, store_id, event_at, event_inbox, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,coalesce($11,0),'active',NULL,
             (SELECT store_id FROM staff WHERE corp_id = $1 AND userid = $4), $12, $13, now())
     ON CONFLICT (corp_id, chat_id) DO UPDATE SET name = EXCLUDED.name, owner_userid = EXCLUDED.owner_userid,
       notice = EXCLUDED.notice, admin_userids = EXCLUDED.admin_userids, member_version = EXCLUDED.member_version,
       member_count = EXCLUDED.member_count, customer_count = EXCLUDED.customer_count,
       created_at = coalesce(EXCLUDED.created_at, groups.created_at),
       owner_status = coalesce($11, groups.owner_status), status = 'active', dismissed_at = NULL,
       store_id = coalesce(EXCLUDED.store_id, groups.store_id), event_at = EXCLUDED.event_at, event_inbox = EXCLUDED.event_inbox, updated_at = now()
     WHERE ${notNewer('groups', 'EXCLUDED.event_at', 'EXCLUDED.event_inbox')}`,
    [corpId, g.chat_id, g.name ?? '', g.owner ?? null, g.notice ?? null, (g.admin_list ?? []).map((a) => a.userid),
     g.member_version ?? null, members.length, customers, g.create_time ? new Date(g.create_time * 1000) : null, ownerStatus ?? null,
     version.at, version.inbox]);
  if (!rowCount) return { joined: [], left: [], applied: false };

  const { rows: cur } = await db.query<Cols<'group_members', 'member_id'>>(
    'SELECT member_id FROM group_members WHERE corp_id = $1 AND chat_id = $2 AND left_at IS NULL', [corpId, g.chat_id]);
  const before = new Set(cur.map((r) => r.member_id));
  const now = new Set(members.map((m) => m.userid));
  const joined = members.filter((m) => !before.has(m.userid)).map((m) => m.userid);
  const left = [...before].filter((id) => !now.has(id));

  if (members.length) {
    await db.query(
      `INSERT INTO group_members (corp_id, chat_id, member_id, type, unionid, name, group_nickname, join_time, join_scene, invitor, state, left_at, quit_scene, updated_at)
       SELECT $1, $2, r.userid, r.type, r.unionid, r.name, r.group_nickname, to_timestamp(r.join_time), r.join_scene, r.invitor, r.state, NULL, NULL, now()
       FROM jsonb_to_recordset($3::jsonb) AS r(userid text, type smallint, unionid text, name text, group_nickname text,
            join_time bigint, join_scene smallint, invitor text, state text)
       ON CONFLICT (corp_id, chat_id, member_id) DO UPDATE SET type = EXCLUDED.type, unionid = coalesce(EXCLUDED.unionid, group_members.unionid),
         name = coalesce(EXCLUDED.name, group_members.name), group_nickname = EXCLUDED.group_nickname, join_time = EXCLUDED.join_time,
         join_scene = EXCLUDED.join_scene, invitor = EXCLUDED.invitor, state = coalesce(EXCLUDED.state, group_members.state),
         left_at = NULL, quit_scene = NULL, updated_at = now()`,
      [corpId, g.chat_id, JSON.stringify(members.map((m) => ({
        userid: m.userid, type: m.type, unionid: m.unionid ?? null, name: m.name ?? null, group_nickname: m.group_nickname ?? null,
        join_time: m.join_time ?? null, join_scene: m.join_scene ?? null, invitor: m.invitor?.userid ?? null, state: m.state ?? null,
      })))]);
  }
  if (left.length) {
    await db.query(
      `UPDATE group_members SET left_at = now(), updated_at = now() WHERE corp_id = $1 AND chat_id = $2 AND member_id = ANY($3) AND left_at IS NULL`,
      [corpId, g.chat_id, left]);
  }
  return { joined, left, applied: true };
}

/** The group was dismissed (at `version`): its members leave. Returns the customers who left; none when a newer event is stored. */
export async function dismissGroup(db: Queryable, corpId: string, chatId: string, at: Date, version: RelationVersion): Promise<string[]> {
  const { rowCount } = await db.query(
    `INSERT INTO groups (corp_id, chat_id, status, dismissed_at, event_at, event_inbox) VALUES ($1,$2,'dismissed',$3,$4,$5)
     ON CONFLICT (corp_id, chat_id) DO UPDATE SET status = 'dismissed', dismissed_at = $3, event_at = EXCLUDED.event_at,
       event_inbox = EXCLUDED.event_inbox, updated_at = now()
     WHERE ${notNewer('groups', 'EXCLUDED.event_at', 'EXCLUDED.event_inbox')}`,
    [corpId, chatId, at, version.at, version.inbox]);
  if (!rowCount) return [];
  const { rows } = await db.query<Cols<'group_members', 'member_id' | 'type'>>(
    `UPDATE group_members SET left_at = $3, updated_at = now() WHERE corp_id = $1 AND chat_id = $2 AND left_at IS NULL
     RETURNING member_id, type`, [corpId, chatId, at]);
  return rows.filter((r) => r.type === 2).map((r) => r.member_id);
}

export function memberTimeline(
  chatId: string, groupName: string, members: { id: string; type: number; joinScene?: number | null }[],
  kind: 'group.joined' | 'group.left', at: Date, keyPrefix: string, extra: Record<string, unknown> = {},
): TimelineEvent[] {
  return members.filter((m) => m.type === 2).map((m) => ({
    externalUserid: m.id, type: kind, chatId, occurredAt: at,
    data: { groupName, ...(m.joinScene != null ? { joinScene: m.joinScene } : {}), ...extra },
    dedupeKey: `${keyPrefix}:${kind}:${chatId}:${m.id}`,
  }));
}

// ---- the group pages ----

/** A group with its owner's name. */
export type GroupRow = Row<'groups'> & { owner_name: string | null };
const WITH_OWNER = `SELECT g.*, s.name AS owner_name FROM groups g LEFT JOIN staff s ON s.corp_id = g.corp_id AND s.userid = g.owner_userid`;

/**
 * A page of the groups matching `where` (a condition over `groups g` whose parameters are in `p`), newest first, and
 * how many there are: the group list and group segments.
 */
/** Stored members of a group among `memberIds`, with their type (1 staff, 2 customer). */
export async function membersOf(db: Queryable, corpId: string, chatId: string, memberIds: string[]) {
  if (memberIds.length === 0) return [];
  const { rows } = await db.query<Cols<'group_members', 'member_id' | 'type'>>(
    'SELECT member_id, type FROM group_members WHERE corp_id=$1 AND chat_id=$2 AND member_id = ANY($3)', [corpId, chatId, memberIds]);
  return rows;
}

/** How members left (WeCom's QuitScene of the event that told). */
export async function setQuitScene(db: Queryable, corpId: string, chatId: string, memberIds: string[], quitScene: number): Promise<void> {
  await db.query('UPDATE group_members SET quit_scene = $4 WHERE corp_id=$1 AND chat_id=$2 AND member_id = ANY($3)', [corpId, chatId, memberIds, quitScene]);
}

export async function groupName(db: Queryable, corpId: string, chatId: string): Promise<string | null | undefined> {
  const { rows } = await db.query<Cols<'groups', 'name'>>('SELECT name FROM groups WHERE corp_id=$1 AND chat_id=$2', [corpId, chatId]);
  return rows[0]?.name;
}

export async function pageGroups(db: Queryable, where: string, p: Params, limit: number, offset: number): Promise<{ items: GroupRow[]; total: number }> {
  const n = p.values.length;
  const [{ rows: items }, { rows: [t] }] = await Promise.all([
    db.query<GroupRow>(`${WITH_OWNER} WHERE ${where} ORDER BY g.created_at DESC NULLS LAST, g.chat_id LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`, p.values),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM groups g WHERE ${where}`, p.values.slice(0, n)),
  ]);
  return { items, total: t.n };
}

/** The group list's filters, within the scope (active groups unless `status` says otherwise). */
export function groupFilterSql(scope: Scope, q: Omit<GroupsQuery, 'page' | 'pageSize'>, p: Params): string {
  const where = [`g.corp_id = ${p.add(scope.corpId)}`, groupVisibleSql(scope, p)];
  if (q.q) where.push(`g.name ILIKE ${p.add(`%${q.q}%`)}`);
  if (q.owner) where.push(`g.owner_userid = ${p.add(q.owner)}`);
  if (q.tier) where.push(`g.tier = ${p.add(q.tier)}`);
  if (q.label) where.push(`${p.add(q.label)} = ANY(g.labels)`);
  if (q.storeId) where.push(`g.store_id = ${p.add(q.storeId)}`);
  where.push(`g.status = ${p.add(q.status ?? 'active')}`);
  return where.join(' AND ');
}

/** Tiers and labels of the active groups in the scope, with counts. */
export async function groupTiers(db: Queryable, scope: Scope) {
  const p = new Params();
  const mine = `g.corp_id = ${p.add(scope.corpId)} AND g.status = 'active' AND ${groupVisibleSql(scope, p)}`;
  const [{ rows: tiers }, { rows: labels }] = await Promise.all([
    db.query<{ tier: string; groups: number; members: number }>(
      `SELECT g.tier, count(*)::int AS groups, sum(g.member_count)::int AS members FROM groups g WHERE ${mine} AND g.tier IS NOT NULL GROUP BY g.tier ORDER BY g.tier`, p.values),
    db.query<{ label: string; groups: number }>(`SELECT l AS label, count(*)::int AS groups FROM groups g, unnest(g.labels) l WHERE ${mine} GROUP BY l ORDER BY l`, p.values),
  ]);
  return { tiers, labels };
}

/** A group visible in the scope, with its owner's name. */
export async function findGroup(db: Queryable, scope: Scope, chatId: string): Promise<GroupRow | undefined> {
  const p = new Params();
  const { rows: [g] } = await db.query<GroupRow>(
    `${WITH_OWNER} WHERE g.corp_id = ${p.add(scope.corpId)} AND g.chat_id = ${p.add(chatId)} AND ${groupVisibleSql(scope, p)}`, p.values);
  return g;
}

/** Sets the group's Pond-side profile (the fields given; the others keep their values). */
export async function updateGroupProfile(db: Queryable, cur: GroupRow, b: GroupProfileBody): Promise<GroupRow> {
  const pick = <T>(v: T | undefined, old: T) => (v === undefined ? old : v);
  const { rows: [g] } = await db.query<GroupRow>(
    `UPDATE groups SET tier = $3, labels = $4, persona = $5, rules_text = $6, announcement_template = $7, updated_at = now()
     WHERE corp_id = $1 AND chat_id = $2
     RETURNING *, (SELECT s.name FROM staff s WHERE s.corp_id = groups.corp_id AND s.userid = groups.owner_userid) AS owner_name`,
    [cur.corp_id, cur.chat_id, pick(b.tier, cur.tier), pick(b.labels, cur.labels), pick(b.persona, cur.persona), pick(b.rulesText, cur.rules_text),
     pick(b.announcementTemplate, cur.announcement_template)]);
  return g;
}

export type GroupMemberRow = Row<'group_members'> & { display_name: string | null };

/** Everyone who is or was in the group (current members first), named as customers, staff or WeCom named them. */
export async function listGroupMembers(db: Queryable, corpId: string, chatId: string): Promise<GroupMemberRow[]> {
  const { rows } = await db.query<GroupMemberRow>(
    `SELECT m.*, coalesce(c.name, s.name, m.name) AS display_name FROM group_members m
     LEFT JOIN customers c ON m.type = 2 AND c.corp_id = m.corp_id AND c.external_userid = m.member_id
     LEFT JOIN staff s ON m.type = 1 AND s.corp_id = m.corp_id AND s.userid = m.member_id
     WHERE m.corp_id = $1 AND m.chat_id = $2 ORDER BY m.left_at NULLS FIRST, m.join_time`, [corpId, chatId]);
  return rows;
}
