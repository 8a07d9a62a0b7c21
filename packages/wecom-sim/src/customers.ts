// Simulated WeChat users, the corp's customers (external contacts) and follow relationships:
// what a customer does on the phone (add, delete), what staff do in the client (accept, delete,
// edit tags/remark: these fire callbacks) and what the API reads and writes (no callbacks).
import type { SimContext } from './context';
import type { Sql } from './db';
import { num, numOrNull } from './db';
import { pickNickname } from './demo/demo-data';
import { ControlError, E } from './errors';
import { contactEvent, type SimEvent } from './events';
import { avatarDataUrl, externalUseridFor, newIds } from './ids';
import { getStaff } from './org';
import { requireTagIds } from './tags';
import type { FollowStatus, SimCustomerRow, SimFollowRow, SimWechatUserRow } from './rows';
import { isStringArray, type Body } from './validate';
import { issueWelcomeCode, voidWelcomeCodes } from './welcome';

export const VISIBLE_FOLLOW: FollowStatus[] = ['active', 'half', 'customer_deleted'];

export interface WechatUser {
  id: string;
  nickname: string;
  avatar: string;
  gender: number;
  unionid: string;
  openid: string;
  createdAt: number;
}

export interface WechatUserInput {
  id?: string;
  nickname?: string;
  avatar?: string;
  gender?: 0 | 1 | 2;
  unionid?: string;
  openid?: string;
}

export function mapWechatUser(r: SimWechatUserRow): WechatUser {
  return {
    id: r.id,
    nickname: r.nickname,
    avatar: r.avatar,
    gender: r.gender,
    unionid: r.unionid,
    openid: r.openid,
    createdAt: num(r.created_at),
  };
}

export async function createWechatUser(ctx: SimContext, input: WechatUserInput = {}): Promise<WechatUser> {
  const nickname = input.nickname?.trim() || pickNickname(Math.random);
  if (nickname.length > 32) throw new ControlError('nickname: at most 32 characters');
  if (input.id !== undefined && !/^[A-Za-z0-9_-]{3,64}$/.test(input.id)) throw new ControlError('id: 3–64 letters, digits, _ or -');
  const gender = input.gender ?? 0;
  if (![0, 1, 2].includes(gender)) throw new ControlError('gender: 0 unknown, 1 male, 2 female');
  const row = await ctx.db.one<SimWechatUserRow>(
    `INSERT INTO {s}.wechat_users (id, nickname, avatar, gender, unionid, openid, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET nickname = EXCLUDED.nickname, avatar = EXCLUDED.avatar, gender = EXCLUDED.gender
     RETURNING *`,
    [
      input.id ?? newIds.wechatUserId(),
      nickname,
      input.avatar ?? avatarDataUrl(nickname),
      gender,
      input.unionid ?? newIds.unionid(),
      input.openid ?? newIds.openid(),
      ctx.clock.now(),
    ],
  );
  return mapWechatUser(row!);
}

export async function getWechatUser(sql: Sql, id: string): Promise<WechatUser | null> {
  const r = await sql.one<SimWechatUserRow>(`SELECT * FROM {s}.wechat_users WHERE id = $1`, [id]);
  return r ? mapWechatUser(r) : null;
}

export async function requireWechatUser(sql: Sql, id: string): Promise<WechatUser> {
  const u = await getWechatUser(sql, id);
  if (!u) throw new ControlError(`unknown WeChat user ${id}`, 404);
  return u;
}

export async function listWechatUsers(sql: Sql, opts: { q?: string; limit?: number } = {}): Promise<WechatUser[]> {
  const rows = await sql.q<SimWechatUserRow>(
    `SELECT * FROM {s}.wechat_users WHERE ($1::text IS NULL OR nickname ILIKE '%' || $1 || '%' OR id = $1)
     ORDER BY created_at DESC, id LIMIT $2`,
    [opts.q || null, Math.min(opts.limit ?? 100, 1000)],
  );
  return rows.map(mapWechatUser);
}

/** The customer record for (corp, WeChat user): created on first contact, id stable forever. */
export async function ensureCustomer(sql: Sql, corpId: string, wechatUserId: string, now: number): Promise<string> {
  const externalUserid = externalUseridFor(corpId, wechatUserId);
  await sql.q(
    `INSERT INTO {s}.customers (corp_id, external_userid, wechat_user_id, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT DO NOTHING`,
    [corpId, externalUserid, wechatUserId, now],
  );
  return externalUserid;
}

export async function findCustomer(sql: Sql, externalUserid: string, corpId?: string) {
  const r = await sql.one<Pick<SimCustomerRow, 'corp_id' | 'external_userid' | 'wechat_user_id'>>(
    `SELECT corp_id, external_userid, wechat_user_id FROM {s}.customers WHERE external_userid = $1 AND ($2::text IS NULL OR corp_id = $2)`,
    [externalUserid, corpId ?? null],
  );
  return r ?? null;
}

export interface SimFollow {
  corpId: string;
  userid: string;
  externalUserid: string;
  status: FollowStatus;
  remark: string;
  description: string;
  remarkCorpName: string;
  remarkMobiles: string[];
  tagIds: string[];
  /** Personal tags (个人标签) by name: the member's own, edited only in the WeCom client. */
  personalTags: string[];
  createtime: number;
  addWay: number;
  operUserid: string;
  state: string;
  deletedBy: string | null;
  deletedAt: number | null;
}

export function mapFollow(r: SimFollowRow): SimFollow {
  return {
    corpId: r.corp_id,
    userid: r.userid,
    externalUserid: r.external_userid,
    status: r.status,
    remark: r.remark,
    description: r.description,
    remarkCorpName: r.remark_corp_name,
    remarkMobiles: r.remark_mobiles,
    tagIds: r.tag_ids,
    personalTags: r.personal_tags ?? [],
    createtime: num(r.createtime_sec),
    addWay: r.add_way,
    operUserid: r.oper_userid,
    state: r.state,
    deletedBy: r.deleted_by,
    deletedAt: numOrNull(r.deleted_at),
  };
}

export async function getFollow(sql: Sql, corpId: string, userid: string, externalUserid: string, lock = false): Promise<SimFollow | null> {
  const r = await sql.one<SimFollowRow>(
    `SELECT * FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND external_userid = $3 ${lock ? 'FOR UPDATE' : ''}`,
    [corpId, userid, externalUserid],
  );
  return r ? mapFollow(r) : null;
}

async function requireVisibleFollow(sql: Sql, corpId: string, userid: string, externalUserid: string, lock = true): Promise<SimFollow> {
  const f = await getFollow(sql, corpId, userid, externalUserid, lock);
  if (!f || !VISIBLE_FOLLOW.includes(f.status)) throw new ControlError(`${userid} does not follow ${externalUserid}`, 404);
  return f;
}

// ---- customer and staff actions (fire callbacks) --------------------------------------------

export interface AddStaffOptions {
  corpId?: string;
  userid: string;
  /** Overrides the contact way's state (≤ 30 characters). */
  state?: string;
  /** The contact way (「联系我」) the customer used; its state and skip_verify apply. */
  viaConfigId?: string;
  /** follow_user.add_way; default 1 (QR) with a contact way, else 2 (searched the phone number). */
  addWay?: number;
  /** false: the member must confirm (acceptContact); add_half_external_contact fires first. */
  skipVerify?: boolean;
}

export interface AddStaffResult {
  corpId: string;
  userid: string;
  externalUserid: string;
  status: 'added' | 'pending' | 'already_added';
  welcomeCode: string | null;
  state: string;
}

/** `corpId` must be resolved; `via` is the contact way already looked up by the caller. */
export async function addStaff(
  ctx: SimContext,
  corpId: string,
  wechatUserId: string,
  opts: AddStaffOptions,
  via?: { configId: string; state: string; skipVerify: boolean; isTemp: boolean; link?: boolean },
): Promise<AddStaffResult> {
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);
  const state = opts.state ?? via?.state ?? '';
  // A contact way's state is ≤ 30 characters; an acquisition link's customer_channel ≤ 64 bytes (cut to that by the link).
  if (via?.link ? Buffer.byteLength(state) > 64 : state.length > 30) throw new ControlError(via?.link ? 'customer_channel: at most 64 bytes' : 'state: at most 30 characters');
  const events: SimEvent[] = [];
  const result = await ctx.db.tx(async (tx) => {
    await requireWechatUser(tx, wechatUserId);
    const staff = await getStaff(tx, corpId, opts.userid);
    if (!staff || staff.status !== 1) throw new ControlError(`staff ${opts.userid} not found or not active`, 404);
    if (!staff.isFollowUser) throw new ControlError(`staff ${opts.userid} has no customer-contact permission`);
    const externalUserid = await ensureCustomer(tx, corpId, wechatUserId, now);
    const existing = await getFollow(tx, corpId, opts.userid, externalUserid, true);
    if (existing && (existing.status === 'active' || existing.status === 'half')) {
      return { corpId, userid: opts.userid, externalUserid, status: 'already_added' as const, welcomeCode: null, state: existing.state };
    }
    // A re-add after the customer deleted the member one-sidedly passes straight through and
    // keeps the old relationship, so State arrives empty (WECOM.md §17.3).
    const reAdd = existing?.status === 'customer_deleted';
    const skipVerify = opts.skipVerify ?? via?.skipVerify ?? true;
    const status = reAdd || skipVerify ? 'active' : 'half';
    if (reAdd) {
      await tx.q(
        `UPDATE {s}.follows SET status = 'active', deleted_by = NULL, deleted_at = NULL, updated_at = $4
          WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
        [corpId, opts.userid, externalUserid, now],
      );
    } else {
      await tx.q(
        `INSERT INTO {s}.follows (corp_id, userid, external_userid, status, createtime_sec, add_way, oper_userid, state, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $3, $7, $8)
         ON CONFLICT (corp_id, userid, external_userid) DO UPDATE SET status = EXCLUDED.status,
           remark = '', description = '', remark_corp_name = '', remark_mobiles = '{}', tag_ids = '{}', personal_tags = '{}',
           createtime_sec = EXCLUDED.createtime_sec, add_way = EXCLUDED.add_way, oper_userid = EXCLUDED.oper_userid,
           state = EXCLUDED.state, deleted_by = NULL, deleted_at = NULL, updated_at = EXCLUDED.updated_at`,
        [corpId, opts.userid, externalUserid, status, nowSec, opts.addWay ?? (via ? 1 : 2), state, now],
      );
    }
    const welcomeCode = staff.consoleWelcome ? null : await issueWelcomeCode(tx, corpId, opts.userid, externalUserid, now);
    events.push(
      contactEvent(corpId, nowSec, status === 'half' ? 'add_half_external_contact' : 'add_external_contact', {
        userid: opts.userid,
        externalUserid,
        state: reAdd ? '' : state,
        welcomeCode: welcomeCode ?? undefined,
      }),
    );
    if (via?.isTemp) await tx.q(`UPDATE {s}.contact_ways SET deleted_at = $2 WHERE config_id = $1 AND deleted_at IS NULL`, [via.configId, now]);
    return {
      corpId,
      userid: opts.userid,
      externalUserid,
      status: status === 'half' ? ('pending' as const) : ('added' as const),
      welcomeCode,
      state: reAdd ? (existing?.state ?? '') : state,
    };
  });
  await ctx.callbacks.emit(events);
  return result;
}

/** The member confirms a half-added customer: add_external_contact, with a new WelcomeCode unless the half one was used. */
export async function acceptContact(ctx: SimContext, corpId: string, userid: string, externalUserid: string) {
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  const out = await ctx.db.tx(async (tx) => {
    const f = await requireVisibleFollow(tx, corpId, userid, externalUserid);
    if (f.status !== 'half') throw new ControlError(`${externalUserid} is not waiting for ${userid} to confirm`, 409);
    await tx.q(`UPDATE {s}.follows SET status = 'active', updated_at = $4 WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`, [
      corpId,
      userid,
      externalUserid,
      now,
    ]);
    const used = await tx.one(
      `SELECT 1 FROM {s}.welcome_codes WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND used_at IS NOT NULL AND issued_at >= $4`,
      [corpId, externalUserid, userid, f.createtime * 1000],
    );
    const staff = await getStaff(tx, corpId, userid);
    let welcomeCode: string | null = null;
    if (!used && !staff?.consoleWelcome) {
      await voidWelcomeCodes(tx, corpId, userid, externalUserid);
      welcomeCode = await issueWelcomeCode(tx, corpId, userid, externalUserid, now);
    }
    events.push(
      contactEvent(corpId, Math.floor(now / 1000), 'add_external_contact', {
        userid,
        externalUserid,
        state: f.state,
        welcomeCode: welcomeCode ?? undefined,
      }),
    );
    return { corpId, userid, externalUserid, welcomeCode };
  });
  await ctx.callbacks.emit(events);
  return out;
}

/** The customer deletes the member: del_follow_user. The member still sees the customer (one-sided). */
export async function customerDeletesStaff(ctx: SimContext, corpId: string, wechatUserId: string, userid: string) {
  const now = ctx.clock.now();
  const externalUserid = externalUseridFor(corpId, wechatUserId);
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    const f = await requireVisibleFollow(tx, corpId, userid, externalUserid);
    if (f.status === 'customer_deleted') return;
    await tx.q(
      `UPDATE {s}.follows SET status = 'customer_deleted', deleted_by = 'customer', deleted_at = $4, updated_at = $4
        WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
      [corpId, userid, externalUserid, now],
    );
    await voidWelcomeCodes(tx, corpId, userid, externalUserid);
    events.push(contactEvent(corpId, Math.floor(now / 1000), 'del_follow_user', { userid, externalUserid }));
  });
  await ctx.callbacks.emit(events);
  return { corpId, userid, externalUserid };
}

/** The member deletes the customer: del_external_contact; the relationship is gone. */
export async function staffDeletesCustomer(ctx: SimContext, corpId: string, userid: string, externalUserid: string, source?: string) {
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    await requireVisibleFollow(tx, corpId, userid, externalUserid);
    await tx.q(
      `UPDATE {s}.follows SET status = 'deleted', deleted_by = 'staff', deleted_at = $4, updated_at = $4
        WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
      [corpId, userid, externalUserid, now],
    );
    await voidWelcomeCodes(tx, corpId, userid, externalUserid);
    events.push(contactEvent(corpId, Math.floor(now / 1000), 'del_external_contact', { userid, externalUserid, source }));
  });
  await ctx.callbacks.emit(events);
  return { corpId, userid, externalUserid };
}

async function applyTagChange(sql: Sql, corpId: string, userid: string, externalUserid: string, add: string[], remove: string[], now: number) {
  await sql.q(
    `UPDATE {s}.follows SET tag_ids = ARRAY(
        SELECT DISTINCT x FROM unnest(tag_ids || $4::text[]) AS x WHERE x <> ALL($5::text[]) ORDER BY x),
        updated_at = $6
      WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
    [corpId, userid, externalUserid, add, remove, now],
  );
}

/** The member edits corp tags in the WeCom client: edit_external_contact. */
export async function editTagsInClient(ctx: SimContext, corpId: string, userid: string, externalUserid: string, add: string[], remove: string[]) {
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    await requireVisibleFollow(tx, corpId, userid, externalUserid);
    await requireTagIds(tx, corpId, [...add, ...remove], (id) => new ControlError(`unknown tag ${id}`));
    await applyTagChange(tx, corpId, userid, externalUserid, add, remove, now);
    events.push(contactEvent(corpId, Math.floor(now / 1000), 'edit_external_contact', { userid, externalUserid }));
  });
  await ctx.callbacks.emit(events);
  return (await getFollow(ctx.db, corpId, userid, externalUserid))!;
}

/** Personal tag names: trimmed, non-empty, at most 30 characters each. */
function checkPersonalTags(names: unknown, field: string): string[] {
  if (names === undefined || names === null) return [];
  if (!isStringArray(names)) throw new ControlError(`${field}: must be an array of tag names`);
  return names.map((n) => {
    const t = n.trim();
    if (!t) throw new ControlError(`${field}: tag names cannot be empty`);
    if ([...t].length > 30) throw new ControlError(`${field}: "${t}" is longer than 30 characters`);
    return t;
  });
}

/**
 * The member edits their personal tags (个人标签) on the customer in the WeCom client:
 * edit_external_contact, like a corp-tag edit. Personal tags are names only, visible through
 * externalcontact/get (type 2, no tag_id) and never writable by the API.
 */
export async function editPersonalTagsInClient(
  ctx: SimContext,
  corpId: string,
  userid: string,
  externalUserid: string,
  change: { add?: string[]; remove?: string[] },
) {
  const add = checkPersonalTags(change.add, 'add');
  const remove = checkPersonalTags(change.remove, 'remove');
  if (!add.length && !remove.length) throw new ControlError('add and remove cannot both be empty');
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    const f = await requireVisibleFollow(tx, corpId, userid, externalUserid);
    // Keep the member's order: existing names first, new ones appended.
    const next = [...f.personalTags.filter((n) => !remove.includes(n))];
    for (const n of add) if (!remove.includes(n) && !next.includes(n)) next.push(n);
    if (next.length > 100) throw new ControlError('at most 100 personal tags on one customer');
    await tx.q(`UPDATE {s}.follows SET personal_tags = $4, updated_at = $5 WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`, [
      corpId,
      userid,
      externalUserid,
      next,
      now,
    ]);
    events.push(contactEvent(corpId, Math.floor(now / 1000), 'edit_external_contact', { userid, externalUserid }));
  });
  await ctx.callbacks.emit(events);
  return (await getFollow(ctx.db, corpId, userid, externalUserid))!;
}

export interface RemarkInput {
  remark?: string;
  description?: string;
  remarkCorpName?: string;
  remarkMobiles?: string[];
}

/** A remark edit as given (API body, control API JSON), before checkRemark. */
type UncheckedRemark = { [K in keyof RemarkInput]?: unknown };

function checkRemark(input: UncheckedRemark, err: (field: string, why: string) => Error): RemarkInput {
  const text = (v: unknown, field: string, max: number): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw err(field, 'must be a string');
    if ([...v].length > max) throw err(field, `at most ${max} characters`);
    return v;
  };
  const remark = text(input.remark, 'remark', 20);
  const description = text(input.description, 'description', 150);
  const remarkCorpName = text(input.remarkCorpName, 'remark_company', 20);
  const remarkMobiles = input.remarkMobiles;
  if (remarkMobiles !== undefined && !isStringArray(remarkMobiles)) throw err('remark_mobiles', 'must be an array of strings');
  return { remark, description, remarkCorpName, remarkMobiles };
}

async function applyRemark(sql: Sql, corpId: string, userid: string, externalUserid: string, input: RemarkInput, now: number) {
  await sql.q(
    `UPDATE {s}.follows SET remark = coalesce($4, remark), description = coalesce($5, description),
        remark_corp_name = coalesce($6, remark_corp_name), remark_mobiles = coalesce($7, remark_mobiles), updated_at = $8
      WHERE corp_id = $1 AND userid = $2 AND external_userid = $3`,
    [corpId, userid, externalUserid, input.remark ?? null, input.description ?? null, input.remarkCorpName ?? null, input.remarkMobiles ?? null, now],
  );
}

/** The member edits the remark in the client: edit_external_contact (not when only the phone numbers change). */
export async function editRemarkInClient(ctx: SimContext, corpId: string, userid: string, externalUserid: string, given: RemarkInput) {
  const input = checkRemark(given, (f, why) => new ControlError(`${f}: ${why}`));
  const now = ctx.clock.now();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    await requireVisibleFollow(tx, corpId, userid, externalUserid);
    await applyRemark(tx, corpId, userid, externalUserid, input, now);
    const onlyMobiles = input.remark === undefined && input.description === undefined && input.remarkCorpName === undefined;
    if (!onlyMobiles) events.push(contactEvent(corpId, Math.floor(now / 1000), 'edit_external_contact', { userid, externalUserid }));
  });
  await ctx.callbacks.emit(events);
  return (await getFollow(ctx.db, corpId, userid, externalUserid))!;
}

// ---- API (no callbacks) ---------------------------------------------------------------------

async function requireApiFollow(sql: Sql, corpId: string, userid: unknown, externalUserid: unknown) {
  if (!userid) throw E.param('userid', 'required');
  if (!externalUserid) throw E.param('external_userid', 'required');
  if (typeof userid !== 'string') throw E.param('userid', 'must be a string');
  if (typeof externalUserid !== 'string') throw E.param('external_userid', 'must be a string');
  const f = await getFollow(sql, corpId, userid, externalUserid);
  if (!f || !VISIBLE_FOLLOW.includes(f.status)) throw E.notExternalContact();
  return f;
}

export async function apiRemark(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  for (const k of ['remark', 'description', 'remark_company'] as const) {
    if (body[k] !== undefined && typeof body[k] !== 'string') throw E.param(k, 'must be a string');
  }
  const input = checkRemark(
    { remark: body.remark, description: body.description, remarkCorpName: body.remark_company, remarkMobiles: body.remark_mobiles },
    E.param,
  );
  const f = await requireApiFollow(ctx.db, corpId, body.userid, body.external_userid);
  await applyRemark(ctx.db, corpId, f.userid, f.externalUserid, input, ctx.clock.now());
}

export async function apiMarkTag(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  const add = body.add_tag ?? [];
  const remove = body.remove_tag ?? [];
  if (!isStringArray(add)) throw E.param('add_tag', 'must be an array of tag ids');
  if (!isStringArray(remove)) throw E.param('remove_tag', 'must be an array of tag ids');
  if (add.length === 0 && remove.length === 0) throw E.param('add_tag', 'add_tag and remove_tag cannot both be empty');
  const f = await requireApiFollow(ctx.db, corpId, body.userid, body.external_userid);
  await requireTagIds(ctx.db, corpId, [...add, ...remove], E.invalidTagId);
  await applyTagChange(ctx.db, corpId, f.userid, f.externalUserid, add, remove, ctx.clock.now());
}

const FOLLOW_STATUS_SQL = `('active', 'half', 'customer_deleted')`;

/** One element of externalcontact/get's follow_user, as the query builds it (personal tags still apart). */
interface FollowUserJson {
  userid: string;
  remark: string;
  description: string;
  createtime: number;
  tags: { group_name: string; tag_name: string; type: number; tag_id?: string }[];
  personal_tags?: string[];
  remark_corp_name: string;
  remark_mobiles: string[];
  oper_userid: string;
  add_way: number;
  state?: string;
}

type ContactColumns = Pick<SimCustomerRow, 'external_userid'> & Pick<SimWechatUserRow, 'nickname' | 'avatar' | 'gender' | 'unionid'>;

/** externalcontact/get in one query: the customer, every visible follow, each with its corp tags. */
export async function getExternalContactJson(sql: Sql, corpId: string, externalUserid: string) {
  const r = await sql.one<ContactColumns & { follow_user: FollowUserJson[] }>(
    `SELECT c.external_userid, w.nickname, w.avatar, w.gender, w.unionid,
       coalesce((
         SELECT json_agg(json_build_object(
             'userid', f.userid, 'remark', f.remark, 'description', f.description, 'createtime', f.createtime_sec,
             'tags', coalesce((
                SELECT json_agg(json_build_object('group_name', g.name, 'tag_name', t.name, 'type', 1, 'tag_id', t.id) ORDER BY g.sort DESC, t.sort DESC, t.id)
                  FROM {s}.tags t JOIN {s}.tag_groups g ON g.corp_id = t.corp_id AND g.group_id = t.group_id
                 WHERE t.corp_id = f.corp_id AND t.id = ANY(f.tag_ids) AND NOT t.deleted), '[]'::json),
             'personal_tags', f.personal_tags,
             'remark_corp_name', f.remark_corp_name, 'remark_mobiles', f.remark_mobiles,
             'oper_userid', f.oper_userid, 'add_way', f.add_way, 'state', f.state)
           ORDER BY f.createtime_sec, f.userid)
           FROM {s}.follows f
          WHERE f.corp_id = c.corp_id AND f.external_userid = c.external_userid AND f.status IN ${FOLLOW_STATUS_SQL}
       ), '[]'::json) AS follow_user
     FROM {s}.customers c JOIN {s}.wechat_users w ON w.id = c.wechat_user_id
     WHERE c.corp_id = $1 AND c.external_userid = $2`,
    [corpId, externalUserid],
  );
  if (!r) return null;
  return {
    external_contact: externalContactJson(r),
    follow_user: r.follow_user.map((f) => {
      if (!f.state) delete f.state;
      // Personal tags (type 2) carry no tag_id and no group; they follow the corp tags.
      const personal: string[] = f.personal_tags ?? [];
      delete f.personal_tags;
      f.tags = [...f.tags, ...personal.map((tag_name) => ({ group_name: '', tag_name, type: 2 }))];
      return f;
    }),
  };
}

export function externalContactJson(r: ContactColumns) {
  return { external_userid: r.external_userid, name: r.nickname, type: 1, avatar: r.avatar, gender: r.gender, unionid: r.unionid };
}

export async function listExternalUserids(sql: Sql, corpId: string, userid: string): Promise<string[]> {
  const rows = await sql.q<Pick<SimFollowRow, 'external_userid'>>(
    `SELECT external_userid FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND status IN ${FOLLOW_STATUS_SQL}
     ORDER BY createtime_sec, external_userid`,
    [corpId, userid],
  );
  return rows.map((r) => r.external_userid);
}

export async function batchGetByUser(sql: Sql, corpId: string, userids: string[], after: [string, string] | null, limit: number) {
  const rows = await sql.q<SimFollowRow & Pick<SimWechatUserRow, 'nickname' | 'avatar' | 'gender' | 'unionid'>>(
    `SELECT f.*, w.nickname, w.avatar, w.gender, w.unionid
       FROM {s}.follows f
       JOIN {s}.customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
       JOIN {s}.wechat_users w ON w.id = c.wechat_user_id
      WHERE f.corp_id = $1 AND f.userid = ANY($2::text[]) AND f.status IN ${FOLLOW_STATUS_SQL}
        AND ($3::text IS NULL OR (f.userid, f.external_userid) > ($3, $4))
      ORDER BY f.userid, f.external_userid
      LIMIT $5`,
    [corpId, userids, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      external_contact: externalContactJson(r),
      follow_info: {
        userid: r.userid,
        remark: r.remark,
        description: r.description,
        createtime: num(r.createtime_sec),
        tag_id: r.tag_ids,
        remark_corp_name: r.remark_corp_name,
        remark_mobiles: r.remark_mobiles,
        oper_userid: r.oper_userid,
        add_way: r.add_way,
        ...(r.state ? { state: r.state } : {}),
      },
    })),
    next: more && last ? ([last.userid, last.external_userid] as [string, string]) : null,
  };
}
