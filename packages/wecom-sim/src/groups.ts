// Customer groups (客户群): membership with WeCom's caps (500 members; joining by QR closes at
// 200), member versions, change_external_chat callbacks for every change made on phones or in
// the client, and the groupchat/list + groupchat/get API shapes.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num, numOrNull } from './db';
import { ControlError, E } from './errors';
import { chatEvent, type ChatUpdateDetail, type SimEvent } from './events';
import { externalUseridFor, newIds } from './ids';
import { ensureCustomer, getWechatUser } from './customers';
import { getStaff } from './org';
import { deliverGroupWelcome } from './welcome';
import { groupArchiveBody, recordArchive } from './msgaudit';
import { encodeCursor, readKeyCursor } from './cursor';
import { isStringArray, prop, type Body } from './validate';
import type { Count, Joined, SimGroupMemberRow, SimGroupRow, SimStaffRow, SimWechatUserRow } from './rows';

export const QR_JOIN_CAP = 200;
export const GROUP_MEMBER_CAP = 500;

/** join_scene in groupchat/get: 1 direct invite, 2 invite link, 3 scanned the group QR. */
export type JoinScene = 1 | 2 | 3;

export interface SimGroup {
  corpId: string;
  chatId: string;
  name: string;
  owner: string;
  notice: string;
  adminList: string[];
  createTime: number;
  memberVersion: string;
  status: number;
  welcomeTemplateId: string | null;
  dismissedAt: number | null;
}

export function mapGroup(r: SimGroupRow): SimGroup {
  return {
    corpId: r.corp_id,
    chatId: r.chat_id,
    name: r.name,
    owner: r.owner,
    notice: r.notice,
    adminList: r.admin_list,
    createTime: num(r.create_time_sec),
    memberVersion: r.member_version,
    status: r.status,
    welcomeTemplateId: r.welcome_template_id,
    dismissedAt: numOrNull(r.dismissed_at),
  };
}

export async function findGroup(sql: Sql, chatId: string, lock = false): Promise<SimGroup | null> {
  const r = await sql.one<SimGroupRow>(`SELECT * FROM {s}.groups WHERE chat_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [chatId]);
  return r ? mapGroup(r) : null;
}

async function requireGroup(sql: Sql, chatId: string, lock = true): Promise<SimGroup> {
  const g = await findGroup(sql, chatId, lock);
  if (!g) throw new ControlError(`unknown group ${chatId}`, 404);
  if (g.dismissedAt) throw new ControlError(`group ${chatId} was dismissed`, 409);
  return g;
}

export async function memberCount(sql: Sql, corpId: string, chatId: string): Promise<number> {
  const r = await sql.one<Count>(
    `SELECT count(*) AS n FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND left_at IS NULL`,
    [corpId, chatId],
  );
  return num(r?.n);
}

async function bumpVersion(sql: Sql, g: SimGroup): Promise<{ last: string; cur: string }> {
  const cur = newIds.memberVersion();
  await sql.q(`UPDATE {s}.groups SET member_version = $3 WHERE corp_id = $1 AND chat_id = $2`, [g.corpId, g.chatId, cur]);
  return { last: g.memberVersion, cur };
}

type Member = { memberId: string; type: 1 | 2; wechatUserId: string | null };

/** A staff userid or a WeChat user id, as the member it becomes in this corp's group. */
async function resolveMember(sql: Sql, corpId: string, id: string, now: number): Promise<Member> {
  const staff = await getStaff(sql, corpId, id);
  if (staff) {
    if (staff.status !== 1) throw new ControlError(`staff ${id} is not active`);
    return { memberId: id, type: 1, wechatUserId: null };
  }
  const wu = await getWechatUser(sql, id);
  if (!wu) throw new ControlError(`${id} is neither a staff userid nor a WeChat user id`, 404);
  return { memberId: await ensureCustomer(sql, corpId, id, now), type: 2, wechatUserId: id };
}

async function insertMember(sql: Sql, corpId: string, chatId: string, m: Member, f: { joinSec: number; scene: number; invitor: string | null; state: string }) {
  await sql.q(
    `INSERT INTO {s}.group_members (corp_id, chat_id, member_id, type, wechat_user_id, join_time_sec, join_scene, invitor, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (corp_id, chat_id, member_id) DO UPDATE SET join_time_sec = EXCLUDED.join_time_sec,
       join_scene = EXCLUDED.join_scene, invitor = EXCLUDED.invitor, state = EXCLUDED.state, left_at = NULL, quit_scene = NULL`,
    [corpId, chatId, m.memberId, m.type, m.wechatUserId, f.joinSec, f.scene, f.invitor, f.state],
  );
}

export interface CreateGroupInput {
  owner: string;
  name: string;
  /** Staff userids and/or WeChat user ids (customers). The owner is always a member. */
  members?: string[];
  notice?: string;
}

/** Inside a transaction; returns the group and its `create` event. */
export async function createGroupTx(sql: Sql, corpId: string, input: CreateGroupInput, now: number): Promise<{ group: SimGroup; events: SimEvent[] }> {
  const owner = await getStaff(sql, corpId, input.owner);
  if (!owner || owner.status !== 1) throw new ControlError(`owner ${input.owner} is not an active staff member`, 404);
  if (typeof input.name !== 'string' || [...input.name].length > 64) throw new ControlError('name: a string of at most 64 characters');
  const ids = [...new Set([input.owner, ...(input.members ?? [])])];
  if (ids.length > GROUP_MEMBER_CAP) throw new ControlError(`a group holds at most ${GROUP_MEMBER_CAP} members`);
  const nowSec = Math.floor(now / 1000);
  const row = await sql.one<SimGroupRow>(
    `INSERT INTO {s}.groups (corp_id, chat_id, name, owner, notice, create_time_sec, member_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [corpId, newIds.chatId(), input.name, input.owner, input.notice ?? '', nowSec, newIds.memberVersion()],
  );
  const group = mapGroup(row!);
  for (const id of ids) {
    const m = await resolveMember(sql, corpId, id, now);
    await insertMember(sql, corpId, group.chatId, m, { joinSec: nowSec, scene: 1, invitor: id === input.owner ? null : input.owner, state: '' });
  }
  return { group, events: [chatEvent(corpId, nowSec, 'create', group.chatId)] };
}

export async function createGroup(ctx: SimContext, corpId: string, input: CreateGroupInput): Promise<SimGroup> {
  const { group, events } = await ctx.db.tx((tx) => createGroupTx(tx, corpId, input, ctx.clock.now()));
  await ctx.callbacks.emit(events);
  return group;
}

export interface JoinOptions {
  scene?: JoinScene;
  /** The staff member who invited (scenes 1 and 2); default the owner. */
  invitor?: string;
  /** member_list[].state: set when joining through a join way with a state. */
  state?: string;
}

export interface JoinResult {
  corpId: string;
  chatId: string;
  memberId: string;
  status: 'joined' | 'already_member';
}

/** Caps are checked with the group row locked, so concurrent joins cannot overshoot. */
export async function joinGroupTx(sql: Sql, group: SimGroup, who: string, opts: JoinOptions, now: number): Promise<{ result: JoinResult; events: SimEvent[] }> {
  const scene = opts.scene ?? 1;
  if (![1, 2, 3].includes(scene)) throw new ControlError('scene: 1 direct invite, 2 invite link, 3 group QR code');
  const m = await resolveMember(sql, group.corpId, who, now);
  const existing = await sql.one(
    `SELECT 1 FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3 AND left_at IS NULL`,
    [group.corpId, group.chatId, m.memberId],
  );
  if (existing) return { result: { corpId: group.corpId, chatId: group.chatId, memberId: m.memberId, status: 'already_member' }, events: [] };
  const count = await memberCount(sql, group.corpId, group.chatId);
  if (count >= GROUP_MEMBER_CAP) throw new ControlError(`group ${group.chatId} is full (${GROUP_MEMBER_CAP} members)`, 409);
  if (scene === 3 && count >= QR_JOIN_CAP) {
    throw new ControlError(`group ${group.chatId} has ${count} members: past ${QR_JOIN_CAP} people can only join by invitation, not by QR code`, 409);
  }
  const nowSec = Math.floor(now / 1000);
  const invitor = scene === 3 ? null : (opts.invitor ?? group.owner);
  await insertMember(sql, group.corpId, group.chatId, m, { joinSec: nowSec, scene, invitor, state: opts.state ?? '' });
  const ver = await bumpVersion(sql, group);
  if (m.type === 2 && group.welcomeTemplateId && m.wechatUserId) {
    const wu = await getWechatUser(sql, m.wechatUserId);
    await deliverGroupWelcome(
      sql,
      group.corpId,
      group.chatId,
      group.welcomeTemplateId,
      { wechatUserId: m.wechatUserId, externalUserid: m.memberId, nickname: wu?.nickname ?? '' },
      group.owner,
      now,
    );
  }
  return {
    result: { corpId: group.corpId, chatId: group.chatId, memberId: m.memberId, status: 'joined' },
    events: [
      chatEvent(group.corpId, nowSec, 'update', group.chatId, {
        detail: 'add_member',
        joinScene: scene === 3 ? 3 : 0,
        members: [m.memberId],
        lastMemVer: ver.last,
        curMemVer: ver.cur,
      }),
    ],
  };
}

/** A customer (WeChat user id) or a staff member (userid) joins. */
export async function joinGroup(ctx: SimContext, who: string, chatId: string, opts: JoinOptions = {}): Promise<JoinResult> {
  const { result, events } = await ctx.db.tx(async (tx) => joinGroupTx(tx, await requireGroup(tx, chatId), who, opts, ctx.clock.now()));
  await ctx.callbacks.emit(events);
  return result;
}

/** Leaves by themselves (quit scene 0) or removed by the owner or an admin (1). */
export async function leaveGroup(ctx: SimContext, who: string, chatId: string, opts: { removed?: boolean } = {}) {
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  const out = await ctx.db.tx(async (tx) => {
    const g = await requireGroup(tx, chatId);
    const staff = await getStaff(tx, g.corpId, who);
    const memberId = staff ? who : externalUseridFor(g.corpId, who);
    if (memberId === g.owner) throw new ControlError('the owner cannot leave: change the owner or dismiss the group', 409);
    const r = await tx.q(
      `UPDATE {s}.group_members SET left_at = $4, quit_scene = $5 WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3 AND left_at IS NULL RETURNING 1`,
      [g.corpId, chatId, memberId, now, opts.removed ? 1 : 0],
    );
    if (r.length === 0) throw new ControlError(`${who} is not in group ${chatId}`, 404);
    await tx.q(`UPDATE {s}.groups SET admin_list = array_remove(admin_list, $3) WHERE corp_id = $1 AND chat_id = $2`, [g.corpId, chatId, memberId]);
    const ver = await bumpVersion(tx, g);
    events.push(
      chatEvent(g.corpId, Math.floor(now / 1000), 'update', chatId, {
        detail: 'del_member',
        quitScene: opts.removed ? 1 : 0,
        members: [memberId],
        lastMemVer: ver.last,
        curMemVer: ver.cur,
      }),
    );
    return { corpId: g.corpId, chatId, memberId };
  });
  await ctx.callbacks.emit(events);
  return out;
}

/**
 * A member (customer by WeChat user id, or staff by userid) says something in the group — text, or any send-form payload
 * (link, image, miniprogram…); group statistics count it and the chat archive records it.
 */
export async function sayInGroup(ctx: SimContext, who: string, chatId: string, text: string | Record<string, unknown>) {
  if (typeof text === 'string' && !text.trim()) throw new ControlError('text: required');
  const payload = typeof text === 'string' ? { msgtype: 'text', text: { content: text.slice(0, 2000) } } : text;
  const now = ctx.clock.now();
  const out = await ctx.db.tx(async (tx) => {
    const g = await requireGroup(tx, chatId, false);
    const staff = await getStaff(tx, g.corpId, who);
    const memberId = staff ? who : externalUseridFor(g.corpId, who);
    const r = await tx.q(`SELECT 1 FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3 AND left_at IS NULL`, [g.corpId, chatId, memberId]);
    if (r.length === 0) throw new ControlError(`${who} is not in group ${chatId}`, 404);
    const msgid = newIds.msgid();
    await tx.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, external_userid, userid, chat_id, ref_id, payload, created_at)
       VALUES ($1, 'group_chat', 'in_group', $2, $3, $4, $5, $6, $7)`,
      [g.corpId, staff ? null : memberId, staff ? who : null, chatId, memberId, JSON.stringify(payload), now]);
    await recordArchive(tx, g.corpId, [await groupArchiveBody(tx, g.corpId, chatId, memberId, payload, now, msgid)]);
    return { corpId: g.corpId, chatId, memberId, msgid, createdAt: now };
  });
  ctx.onArchived?.(out.corpId);
  return out;
}

async function simpleUpdate(ctx: SimContext, chatId: string, detail: ChatUpdateDetail, apply: (tx: Sql, g: SimGroup) => Promise<void>) {
  const now = ctx.clock.now();
  const g = await ctx.db.tx(async (tx) => {
    const g = await requireGroup(tx, chatId);
    await apply(tx, g);
    return g;
  });
  await ctx.callbacks.emit([chatEvent(g.corpId, Math.floor(now / 1000), 'update', chatId, { detail })]);
  return (await findGroup(ctx.db, chatId))!;
}

export function renameGroup(ctx: SimContext, chatId: string, name: string) {
  if (typeof name !== 'string' || [...name].length > 64) throw new ControlError('name: a string of at most 64 characters');
  return simpleUpdate(ctx, chatId, 'change_name', (tx, g) => tx.q(`UPDATE {s}.groups SET name = $3 WHERE corp_id = $1 AND chat_id = $2`, [g.corpId, chatId, name]).then(() => {}));
}

export function changeGroupNotice(ctx: SimContext, chatId: string, notice: string) {
  if (typeof notice !== 'string') throw new ControlError('notice: a string');
  return simpleUpdate(ctx, chatId, 'change_notice', (tx, g) =>
    tx.q(`UPDATE {s}.groups SET notice = $3 WHERE corp_id = $1 AND chat_id = $2`, [g.corpId, chatId, notice]).then(() => {}),
  );
}

/** Moves ownership (the new owner joins if not a member). Used by the client action and both group transfers. */
export async function setOwnerTx(sql: Sql, g: SimGroup, newOwner: string, now: number, status?: number): Promise<void> {
  const s = await getStaff(sql, g.corpId, newOwner);
  if (!s || s.status !== 1) throw new ControlError(`new owner ${newOwner} is not an active staff member`, 404);
  await sql.q(
    `UPDATE {s}.groups SET owner = $3, status = coalesce($4, status), admin_list = array_remove(admin_list, $3) WHERE corp_id = $1 AND chat_id = $2`,
    [g.corpId, g.chatId, newOwner, status ?? null],
  );
  const isMember = await sql.one(`SELECT 1 FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3 AND left_at IS NULL`, [
    g.corpId,
    g.chatId,
    newOwner,
  ]);
  if (!isMember) {
    await insertMember(sql, g.corpId, g.chatId, { memberId: newOwner, type: 1, wechatUserId: null }, {
      joinSec: Math.floor(now / 1000),
      scene: 1,
      invitor: null,
      state: '',
    });
  }
}

export function changeGroupOwner(ctx: SimContext, chatId: string, newOwner: string) {
  return simpleUpdate(ctx, chatId, 'change_owner', async (tx, g) => {
    if (g.owner === newOwner) throw new ControlError(`${newOwner} already owns ${chatId}`, 409);
    await setOwnerTx(tx, g, newOwner, ctx.clock.now());
  });
}

export async function dismissGroup(ctx: SimContext, chatId: string) {
  const now = ctx.clock.now();
  const g = await ctx.db.tx(async (tx) => {
    const g = await requireGroup(tx, chatId);
    await tx.q(`UPDATE {s}.groups SET dismissed_at = $3 WHERE corp_id = $1 AND chat_id = $2`, [g.corpId, chatId, now]);
    return g;
  });
  await ctx.callbacks.emit([chatEvent(g.corpId, Math.floor(now / 1000), 'dismiss', chatId)]);
}

/** The owner picks a welcome template from the library (入群欢迎语) in the client; null clears it. */
export async function setGroupWelcomeTemplate(ctx: SimContext, chatId: string, templateId: string | null) {
  const g = await requireGroup(ctx.db, chatId, false);
  if (templateId) {
    const t = await ctx.db.one(`SELECT 1 FROM {s}.group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL`, [
      g.corpId,
      templateId,
    ]);
    if (!t) throw new ControlError(`unknown group welcome template ${templateId}`, 404);
  }
  await ctx.db.q(`UPDATE {s}.groups SET welcome_template_id = $3 WHERE corp_id = $1 AND chat_id = $2`, [g.corpId, chatId, templateId]);
}

// ---- API ----------------------------------------------------------------------------------

export async function listGroupsJson(sql: Sql, corpId: string, body: Body) {
  const limit = body.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) throw E.param('limit', 'required, 1–1000');
  const status = body.status_filter ?? 0;
  if (status !== 0 && status !== 1 && status !== 2 && status !== 3) throw E.param('status_filter', 'must be 0, 1, 2 or 3');
  const owners = prop(body.owner_filter, 'userid_list');
  if (owners !== undefined && (!isStringArray(owners) || owners.length > 100)) throw E.param('owner_filter.userid_list', 'an array of at most 100 userids');
  const after = readKeyCursor(body.cursor);
  const rows = await sql.q<Pick<SimGroupRow, 'chat_id' | 'status'>>(
    `SELECT chat_id, status FROM {s}.groups
      WHERE corp_id = $1 AND dismissed_at IS NULL AND ($2::int = 0 OR status = $2)
        AND ($3::text[] IS NULL OR owner = ANY($3)) AND ($4::text IS NULL OR chat_id > $4)
      ORDER BY chat_id LIMIT $5`,
    [corpId, status, owners?.length ? owners : null, after, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    group_chat_list: page.map((r) => ({ chat_id: r.chat_id, status: r.status })),
    next_cursor: more ? encodeCursor(page[page.length - 1].chat_id) : '',
  };
}

export async function getGroupJson(sql: Sql, corpId: string, chatId: unknown, needName: boolean) {
  if (typeof chatId !== 'string' || !chatId) throw E.param('chat_id', 'required');
  const g = await sql.one<SimGroupRow>(`SELECT * FROM {s}.groups WHERE corp_id = $1 AND chat_id = $2 AND dismissed_at IS NULL`, [corpId, chatId]);
  if (!g) throw E.invalidChatId(chatId);
  const members = await sql.q<SimGroupMemberRow & Joined<Pick<SimWechatUserRow, 'nickname' | 'unionid'>> & { staff_name: SimStaffRow['name'] | null }>(
    `SELECT m.*, w.nickname, w.unionid, s.name AS staff_name
       FROM {s}.group_members m
       LEFT JOIN {s}.wechat_users w ON w.id = m.wechat_user_id
       LEFT JOIN {s}.staff s ON s.corp_id = m.corp_id AND s.userid = m.member_id AND m.type = 1
      WHERE m.corp_id = $1 AND m.chat_id = $2 AND m.left_at IS NULL
      ORDER BY m.join_time_sec, m.member_id`,
    [corpId, chatId],
  );
  return {
    chat_id: g.chat_id,
    name: g.name,
    owner: g.owner,
    create_time: num(g.create_time_sec),
    notice: g.notice,
    member_list: members.map((m) => ({
      userid: m.member_id,
      type: m.type,
      ...(m.type === 2 && m.unionid ? { unionid: m.unionid } : {}),
      join_time: num(m.join_time_sec),
      join_scene: m.join_scene,
      ...(m.invitor ? { invitor: { userid: m.invitor } } : {}),
      group_nickname: m.group_nickname,
      ...(needName ? { name: m.type === 2 ? (m.nickname ?? '') : (m.staff_name ?? '') } : {}),
      ...(m.state ? { state: m.state } : {}),
    })),
    admin_list: g.admin_list.map((userid) => ({ userid })),
    member_version: g.member_version,
  };
}
