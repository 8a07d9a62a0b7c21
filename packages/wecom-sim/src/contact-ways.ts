// 「联系我」 contact ways and 「加入群聊」 join ways: the API that configures them, and what
// happens when a customer scans their QR page — a staff member is picked (type 2: in turn) and
// added, or the first listed group under 200 members is joined, creating the next group when
// all are full (auto_create_room).
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import type { SimEvent } from './events';
import { newIds } from './ids';
import { addStaff, VISIBLE_FOLLOW, type AddStaffResult } from './customers';
import { createGroupTx, joinGroupTx, mapGroup, memberCount, QR_JOIN_CAP, type JoinResult } from './groups';
import { externalUseridFor } from './ids';
import { getStaff } from './org';
import { encodeCursor, readPairCursor } from './cursor';
import type { Int8, SimContactWayRow, SimCorpRow, SimDepartmentRow, SimFollowRow, SimGroupMemberRow, SimGroupRow, SimJoinWayRow, SimStaffRow } from './rows';
import { chars, limitOf, optBool, optInt, optIntArray, optString, optStringArray, reqInt, type Body } from './validate';

const DAY_SEC = 86_400;

function qrUrl(base: string, kind: 'contact' | 'join', configId: string): string {
  return `${base}/qr/${kind}/${configId}`;
}

async function checkUsers(sql: Sql, corpId: string, users: string[]): Promise<void> {
  for (const u of users) {
    const s = await getStaff(sql, corpId, u);
    if (!s || s.status !== 1) throw E.invalidUserid(u);
    if (!s.isFollowUser) throw new SimError(84074, `no external contact permission: ${u}`);
  }
}

async function checkParty(sql: Sql, corpId: string, party: number[]): Promise<void> {
  if (party.length === 0) return;
  const rows = await sql.q<Pick<SimDepartmentRow, 'id'>>(`SELECT id FROM {s}.departments WHERE corp_id = $1 AND id = ANY($2::int[])`, [corpId, party]);
  const bad = party.find((p) => !rows.some((r) => r.id === p));
  if (bad !== undefined) throw E.param('party', `department ${bad} not found`);
}

function readState(body: Body): string | undefined {
  const state = optString(body, 'state');
  if (state !== undefined && chars(state) > 30) throw E.param('state', `exceeds max length 30 (got ${chars(state)})`);
  return state;
}

// ---- contact ways ----------------------------------------------------------------------------

export async function addContactWay(ctx: SimContext, corpId: string, body: Body, base: string) {
  const type = reqInt(body, 'type', { allowed: [1, 2] });
  const scene = reqInt(body, 'scene', { allowed: [1, 2] });
  const style = optInt(body, 'style', { min: 1, max: type === 1 ? 3 : 2 });
  const remark = optString(body, 'remark', { max: 30 }) ?? '';
  const skipVerify = optBool(body, 'skip_verify') ?? true;
  const state = readState(body) ?? '';
  const user = optStringArray(body, 'user', { max: 100 }) ?? [];
  const party = optIntArray(body, 'party', { max: 100 }) ?? [];
  const isTemp = optBool(body, 'is_temp') ?? false;
  const expiresIn = optInt(body, 'expires_in', { min: 1, max: 14 * DAY_SEC });
  const chatExpiresIn = optInt(body, 'chat_expires_in', { min: 1, max: 14 * DAY_SEC });
  const unionid = optString(body, 'unionid');
  const isExclusive = optBool(body, 'is_exclusive') ?? false;
  if (type === 1 && (user.length !== 1 || party.length > 0)) throw E.param('user', 'type 1 takes exactly one user and no party');
  if (type === 2 && user.length === 0 && party.length === 0) throw E.param('user', 'type 2 needs user or party');
  if (isTemp && (type !== 1 || scene !== 2)) throw E.param('is_temp', 'temporary sessions need type 1 and scene 2');
  await checkUsers(ctx.db, corpId, user);
  await checkParty(ctx.db, corpId, party);
  const configId = newIds.configId();
  await ctx.db.q(
    `INSERT INTO {s}.contact_ways (corp_id, config_id, type, scene, style, remark, skip_verify, state, users, party, is_temp,
                                   expires_in, chat_expires_in, unionid, conclusions, is_exclusive, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      corpId,
      configId,
      type,
      scene,
      style ?? null,
      remark,
      skipVerify,
      state,
      user,
      party,
      isTemp,
      isTemp ? (expiresIn ?? 7 * DAY_SEC) : (expiresIn ?? null),
      isTemp ? (chatExpiresIn ?? DAY_SEC) : (chatExpiresIn ?? null),
      unionid ?? null,
      body.conclusions ? JSON.stringify(body.conclusions) : null,
      isExclusive,
      ctx.clock.now(),
    ],
  );
  return { config_id: configId, ...(scene === 2 ? { qr_code: qrUrl(base, 'contact', configId) } : {}) };
}

async function requireContactWay(sql: Sql, corpId: string, configId: unknown, lock = false) {
  if (typeof configId !== 'string' || !configId) throw E.param('config_id', 'required');
  const r = await sql.one<SimContactWayRow>(`SELECT * FROM {s}.contact_ways WHERE corp_id = $1 AND config_id = $2 AND deleted_at IS NULL ${lock ? 'FOR UPDATE' : ''}`, [
    corpId,
    configId,
  ]);
  if (!r) throw E.param('config_id', `not found: ${configId}`);
  return r;
}

export async function getContactWay(ctx: SimContext, corpId: string, body: Body, base: string) {
  const r = await requireContactWay(ctx.db, corpId, body.config_id);
  return {
    contact_way: {
      config_id: r.config_id,
      type: r.type,
      scene: r.scene,
      ...(r.style != null ? { style: r.style } : {}),
      remark: r.remark,
      skip_verify: r.skip_verify,
      state: r.state,
      ...(r.scene === 2 ? { qr_code: qrUrl(base, 'contact', r.config_id) } : {}),
      user: r.users,
      party: r.party,
      is_temp: r.is_temp,
      ...(r.expires_in != null ? { expires_in: r.expires_in } : {}),
      ...(r.chat_expires_in != null ? { chat_expires_in: r.chat_expires_in } : {}),
      ...(r.unionid ? { unionid: r.unionid } : {}),
      ...(r.conclusions ? { conclusions: r.conclusions } : {}),
      is_exclusive: r.is_exclusive,
    },
  };
}

export async function listContactWays(ctx: SimContext, corpId: string, body: Body) {
  const nowSec = ctx.clock.nowSec();
  const end = optInt(body, 'end_time') ?? nowSec;
  const start = optInt(body, 'start_time') ?? end - 90 * DAY_SEC;
  if (start > end) throw E.param('start_time', 'must not be after end_time');
  const limit = limitOf(body, 'limit', 100, 1000);
  const after = readPairCursor(body.cursor, 'number');
  const rows = await ctx.db.q<Pick<SimContactWayRow, 'config_id' | 'created_at'>>(
    `SELECT config_id, created_at FROM {s}.contact_ways
      WHERE corp_id = $1 AND deleted_at IS NULL AND created_at >= $2 AND created_at < $3
        AND ($4::bigint IS NULL OR (created_at, config_id) > ($4, $5))
      ORDER BY created_at, config_id LIMIT $6`,
    [corpId, start * 1000, (end + 1) * 1000, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    contact_way: page.map((r) => ({ config_id: r.config_id })),
    ...(more ? { next_cursor: encodeCursor([num(last.created_at), last.config_id]) } : {}),
  };
}

export async function updateContactWay(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireContactWay(ctx.db, corpId, body.config_id);
  const remark = optString(body, 'remark', { max: 30 });
  const skipVerify = optBool(body, 'skip_verify');
  const style = optInt(body, 'style', { min: 1, max: r.type === 1 ? 3 : 2 });
  const state = readState(body);
  const user = optStringArray(body, 'user', { max: 100 });
  const party = optIntArray(body, 'party', { max: 100 });
  const expiresIn = optInt(body, 'expires_in', { min: 1, max: 14 * DAY_SEC });
  const chatExpiresIn = optInt(body, 'chat_expires_in', { min: 1, max: 14 * DAY_SEC });
  const unionid = optString(body, 'unionid');
  const users = user ?? r.users;
  const parties = party ?? r.party;
  if (r.type === 1 && (users.length !== 1 || parties.length > 0)) throw E.param('user', 'type 1 takes exactly one user and no party');
  if (r.type === 2 && users.length === 0 && parties.length === 0) throw E.param('user', 'type 2 needs user or party');
  if (user) await checkUsers(ctx.db, corpId, user);
  if (party) await checkParty(ctx.db, corpId, party);
  await ctx.db.q(
    `UPDATE {s}.contact_ways SET remark = coalesce($3, remark), skip_verify = coalesce($4, skip_verify), style = coalesce($5, style),
        state = coalesce($6, state), users = $7, party = $8, expires_in = coalesce($9, expires_in),
        chat_expires_in = coalesce($10, chat_expires_in), unionid = coalesce($11, unionid),
        conclusions = coalesce($12, conclusions)
      WHERE corp_id = $1 AND config_id = $2`,
    [
      corpId,
      r.config_id,
      remark ?? null,
      skipVerify ?? null,
      style ?? null,
      state ?? null,
      users,
      parties,
      expiresIn ?? null,
      chatExpiresIn ?? null,
      unionid ?? null,
      body.conclusions ? JSON.stringify(body.conclusions) : null,
    ],
  );
}

export async function delContactWay(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireContactWay(ctx.db, corpId, body.config_id);
  await ctx.db.q(`UPDATE {s}.contact_ways SET deleted_at = $3 WHERE corp_id = $1 AND config_id = $2`, [corpId, r.config_id, ctx.clock.now()]);
}

/** The staff member a scan of this contact way reaches: type 1 its user, type 2 users and departments in turn. */
async function pickStaff(sql: Sql, cw: SimContactWayRow, externalUserid: string): Promise<string> {
  if (cw.type === 1) return cw.users[0];
  const fromParty =
    cw.party.length > 0
      ? await sql.q<Pick<SimStaffRow, 'userid'>>(
          `SELECT userid FROM {s}.staff WHERE corp_id = $1 AND status = 1 AND is_follow_user AND department && $2::int[] ORDER BY created_at, userid`,
          [cw.corp_id, cw.party],
        )
      : [];
  const active = await sql.q<Pick<SimStaffRow, 'userid'>>(
    `SELECT userid FROM {s}.staff WHERE corp_id = $1 AND status = 1 AND is_follow_user AND userid = ANY($2::text[])`,
    [cw.corp_id, cw.users],
  );
  const ok = new Set(active.map((r) => r.userid));
  const candidates = [...new Set([...cw.users.filter((u) => ok.has(u)), ...fromParty.map((r) => r.userid)])];
  if (candidates.length === 0) throw new ControlError('nobody on this contact way can take customers now', 409);
  // Someone who already serves this customer answers again, as the phone shows "already added".
  const existing = await sql.one<Pick<SimFollowRow, 'userid'>>(
    `SELECT userid FROM {s}.follows WHERE corp_id = $1 AND external_userid = $2 AND userid = ANY($3::text[]) AND status = ANY($4::text[]) LIMIT 1`,
    [cw.corp_id, externalUserid, candidates, VISIBLE_FOLLOW.filter((s) => s !== 'customer_deleted')],
  );
  if (existing) return existing.userid;
  const pick = candidates[cw.next_pick % candidates.length];
  await sql.q(`UPDATE {s}.contact_ways SET next_pick = next_pick + 1 WHERE corp_id = $1 AND config_id = $2`, [cw.corp_id, cw.config_id]);
  return pick;
}

/** A customer scanned the contact way's QR: picks the staff member and adds them. */
export async function scanContactWay(
  ctx: SimContext,
  configId: string,
  wechatUserId: string,
  opts: { userid?: string; state?: string; addWay?: number; skipVerify?: boolean } = {},
): Promise<AddStaffResult & { configId: string }> {
  const picked = await ctx.db.tx(async (tx) => {
    const cw = await tx.one<SimContactWayRow>(`SELECT * FROM {s}.contact_ways WHERE config_id = $1 FOR UPDATE`, [configId]);
    if (!cw) throw new ControlError(`unknown contact way ${configId}`, 404);
    if (cw.deleted_at) throw new ControlError('this QR code is no longer valid (二维码已失效)', 409);
    if (cw.is_temp && num(cw.created_at) + (cw.expires_in ?? 0) * 1000 < ctx.clock.now()) throw new ControlError('this QR code has expired (二维码已过期)', 409);
    if (cw.scene !== 2) throw new ControlError('this contact way is a mini-program button, not a QR code', 409);
    if (opts.userid && !cw.users.includes(opts.userid)) {
      const inParty = await tx.one(`SELECT 1 FROM {s}.staff WHERE corp_id = $1 AND userid = $2 AND department && $3::int[]`, [cw.corp_id, opts.userid, cw.party]);
      if (!inParty) throw new ControlError(`${opts.userid} is not on contact way ${configId}`, 409);
    }
    const userid = opts.userid ?? (await pickStaff(tx, cw, externalUseridFor(cw.corp_id, wechatUserId)));
    return { corpId: cw.corp_id, userid, state: cw.state, skipVerify: cw.skip_verify, isTemp: cw.is_temp };
  });
  const r = await addStaff(ctx, picked.corpId, wechatUserId, { userid: picked.userid, state: opts.state, addWay: opts.addWay, skipVerify: opts.skipVerify }, {
    configId,
    state: picked.state,
    skipVerify: picked.skipVerify,
    isTemp: picked.isTemp,
  });
  return { ...r, configId };
}

// ---- join ways -------------------------------------------------------------------------------

async function readJoinWay(sql: Sql, corpId: string, body: Body) {
  const scene = reqInt(body, 'scene', { allowed: [1, 2] });
  const remark = optString(body, 'remark', { max: 30, truncate: true }) ?? '';
  const autoCreate = optInt(body, 'auto_create_room', { allowed: [0, 1] }) ?? 1;
  const roomBaseName = optString(body, 'room_base_name', { max: 40 }) ?? '';
  const roomBaseId = optInt(body, 'room_base_id', { min: 0 }) ?? 1;
  const chatIds = optStringArray(body, 'chat_id_list');
  if (!chatIds || chatIds.length === 0) throw E.param('chat_id_list', 'required, 1–5 chat ids');
  if (chatIds.length > 5) throw E.param('chat_id_list', `at most 5 chat ids (got ${chatIds.length})`);
  const state = readState(body) ?? '';
  const found = await sql.q<Pick<SimGroupRow, 'chat_id'>>(
    `SELECT chat_id FROM {s}.groups WHERE corp_id = $1 AND chat_id = ANY($2::text[]) AND dismissed_at IS NULL`,
    [corpId, chatIds],
  );
  const bad = chatIds.find((c) => !found.some((r) => r.chat_id === c));
  if (bad) throw E.invalidChatId(bad);
  return { scene, remark, autoCreate, roomBaseName, roomBaseId, chatIds: [...new Set(chatIds)], state };
}

export async function addJoinWay(ctx: SimContext, corpId: string, body: Body) {
  const j = await readJoinWay(ctx.db, corpId, body);
  const configId = newIds.configId();
  await ctx.db.q(
    `INSERT INTO {s}.join_ways (corp_id, config_id, scene, remark, auto_create_room, room_base_name, room_base_id, room_seq,
                                chat_id_list, state, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)`,
    [corpId, configId, j.scene, j.remark, j.autoCreate, j.roomBaseName, j.roomBaseId, j.chatIds, j.state, ctx.clock.now()],
  );
  return { config_id: configId };
}

async function requireJoinWay(sql: Sql, corpId: string, configId: unknown) {
  if (typeof configId !== 'string' || !configId) throw E.param('config_id', 'required');
  const r = await sql.one<SimJoinWayRow>(`SELECT * FROM {s}.join_ways WHERE corp_id = $1 AND config_id = $2 AND deleted_at IS NULL`, [corpId, configId]);
  if (!r) throw E.param('config_id', `not found: ${configId}`);
  return r;
}

export async function getJoinWay(ctx: SimContext, corpId: string, body: Body, base: string) {
  const r = await requireJoinWay(ctx.db, corpId, body.config_id);
  return {
    join_way: {
      config_id: r.config_id,
      scene: r.scene,
      remark: r.remark,
      auto_create_room: r.auto_create_room,
      room_base_name: r.room_base_name,
      room_base_id: r.room_base_id,
      chat_id_list: r.chat_id_list,
      ...(r.scene === 2 ? { qr_code: qrUrl(base, 'join', r.config_id) } : {}),
      state: r.state,
    },
  };
}

export async function updateJoinWay(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireJoinWay(ctx.db, corpId, body.config_id);
  const j = await readJoinWay(ctx.db, corpId, body);
  await ctx.db.q(
    `UPDATE {s}.join_ways SET scene = $3, remark = $4, auto_create_room = $5, room_base_name = $6,
        room_seq = CASE WHEN room_base_id = $7 THEN room_seq ELSE $7 END, room_base_id = $7, chat_id_list = $8, state = $9
      WHERE corp_id = $1 AND config_id = $2`,
    [corpId, r.config_id, j.scene, j.remark, j.autoCreate, j.roomBaseName, j.roomBaseId, j.chatIds, j.state],
  );
}

export async function delJoinWay(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireJoinWay(ctx.db, corpId, body.config_id);
  await ctx.db.q(`UPDATE {s}.join_ways SET deleted_at = $3 WHERE corp_id = $1 AND config_id = $2`, [corpId, r.config_id, ctx.clock.now()]);
}

/**
 * A customer scanned the join way's QR. The first listed group still open to QR joins (< 200
 * members) takes them; when every group is full and auto_create_room is on, a new group named
 * room_base_name + sequence is created, owned by the first group's owner, and appended (the
 * oldest full groups drop off so the list stays ≤ 5).
 */
export async function scanJoinWay(ctx: SimContext, configId: string, wechatUserId: string): Promise<JoinResult & { configId: string; createdGroup: boolean }> {
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  const out = await ctx.db.tx(async (tx) => {
    const jw = await tx.one<SimJoinWayRow>(`SELECT * FROM {s}.join_ways WHERE config_id = $1 FOR UPDATE`, [configId]);
    if (!jw) throw new ControlError(`unknown join way ${configId}`, 404);
    if (jw.deleted_at) throw new ControlError('this group QR code is no longer valid (二维码已失效)', 409);
    if (jw.scene !== 2) throw new ControlError('this join way is a mini-program plugin, not a QR code', 409);
    const corpId: string = jw.corp_id;
    const externalUserid = externalUseridFor(corpId, wechatUserId);
    const groups = (
      await tx.q<SimGroupRow>(`SELECT * FROM {s}.groups WHERE corp_id = $1 AND chat_id = ANY($2::text[]) ORDER BY chat_id FOR UPDATE`, [corpId, jw.chat_id_list])
    ).map(mapGroup);
    const ordered = jw.chat_id_list.map((id) => groups.find((g) => g.chatId === id)).filter((g) => g !== undefined);
    const open = ordered.filter((g) => !g.dismissedAt);
    const already = await tx.one<Pick<SimGroupMemberRow, 'chat_id'>>(
      `SELECT chat_id FROM {s}.group_members WHERE corp_id = $1 AND member_id = $2 AND chat_id = ANY($3::text[]) AND left_at IS NULL LIMIT 1`,
      [corpId, externalUserid, open.map((g) => g.chatId)],
    );
    if (already) return { corpId, chatId: already.chat_id, memberId: externalUserid, status: 'already_member' as const, configId, createdGroup: false };
    const full = new Set<string>();
    for (const g of open) {
      if ((await memberCount(tx, corpId, g.chatId)) < QR_JOIN_CAP) {
        const j = await joinGroupTx(tx, g, wechatUserId, { scene: 3, state: jw.state }, now);
        events.push(...j.events);
        return { ...j.result, configId, createdGroup: false };
      }
      full.add(g.chatId);
    }
    if (jw.auto_create_room !== 1) throw new ControlError('all groups of this code are full (群已满)', 409);
    const first = ordered[0];
    if (!first) throw new ControlError('this group QR code has no groups left', 409);
    const owner = await getStaff(tx, corpId, first.owner);
    if (!owner || owner.status !== 1) throw new ControlError(`cannot create the next group: owner ${first.owner} is not active`, 409);
    const created = await createGroupTx(tx, corpId, { owner: first.owner, name: `${jw.room_base_name || first.name}${jw.room_seq}` }, now);
    events.push(...created.events);
    const list = [...jw.chat_id_list, created.group.chatId];
    while (list.length > 5) {
      const drop = list.findIndex((c) => full.has(c) || !open.some((g) => g.chatId === c));
      list.splice(drop >= 0 ? drop : 0, 1);
    }
    await tx.q(`UPDATE {s}.join_ways SET chat_id_list = $3, room_seq = room_seq + 1 WHERE corp_id = $1 AND config_id = $2`, [corpId, configId, list]);
    const fresh = (await tx.one<SimGroupRow>(`SELECT * FROM {s}.groups WHERE corp_id = $1 AND chat_id = $2 FOR UPDATE`, [corpId, created.group.chatId]))!;
    const j = await joinGroupTx(tx, mapGroup(fresh), wechatUserId, { scene: 3, state: jw.state }, now);
    events.push(...j.events);
    return { ...j.result, configId, createdGroup: true };
  });
  await ctx.callbacks.emit(events);
  return out;
}

/** For the QR pages: what a config id is and which corp it belongs to. */
export async function describeQr(sql: Sql, kind: 'contact' | 'join', configId: string) {
  if (kind === 'contact') {
    const r = await sql.one<SimContactWayRow & { corp_name: SimCorpRow['name'] }>(
      `SELECT cw.*, c.name AS corp_name FROM {s}.contact_ways cw JOIN {s}.corps c ON c.corp_id = cw.corp_id WHERE cw.config_id = $1`,
      [configId],
    );
    if (!r) return null;
    const staff = await sql.q<Pick<SimStaffRow, 'userid' | 'name' | 'avatar' | 'position'>>(
      `SELECT userid, name, avatar, position FROM {s}.staff WHERE corp_id = $1 AND userid = ANY($2::text[]) ORDER BY userid`,
      [r.corp_id, r.users],
    );
    return { kind, corpId: r.corp_id, corpName: r.corp_name, deleted: !!r.deleted_at, remark: r.remark, staff, groups: [] as { chatId: string; name: string; members: number }[] };
  }
  const r = await sql.one<SimJoinWayRow & { corp_name: SimCorpRow['name'] }>(
    `SELECT jw.*, c.name AS corp_name FROM {s}.join_ways jw JOIN {s}.corps c ON c.corp_id = jw.corp_id WHERE jw.config_id = $1`,
    [configId],
  );
  if (!r) return null;
  const groups = await sql.q<Pick<SimGroupRow, 'chat_id' | 'name'> & { members: Int8 }>(
    `SELECT g.chat_id, g.name, (SELECT count(*) FROM {s}.group_members m WHERE m.corp_id = g.corp_id AND m.chat_id = g.chat_id AND m.left_at IS NULL) AS members
       FROM {s}.groups g WHERE g.corp_id = $1 AND g.chat_id = ANY($2::text[]) AND g.dismissed_at IS NULL`,
    [r.corp_id, r.chat_id_list],
  );
  return {
    kind,
    corpId: r.corp_id,
    corpName: r.corp_name,
    deleted: !!r.deleted_at,
    remark: r.remark,
    staff: [] as { userid: string; name: string; avatar: string; position: string }[],
    groups: groups.map((g) => ({ chatId: g.chat_id, name: g.name, members: num(g.members) })),
  };
}
