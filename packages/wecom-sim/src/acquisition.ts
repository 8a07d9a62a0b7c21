// Customer acquisition links (获客助手, WECOM.md §15): the API that manages them and the corp's quota, and what happens
// when a customer opens a link on their phone — the link's page (<prefix>/ca/<link_id>) and "start the chat", which
// adds a member of the link's range with `State` = the URL's `customer_channel` (cut to 64 bytes, as WeCom does) and
// spends one unit of the corp's balance per new customer; the quota events fire when the balance runs low and out.
// API writes fire no callbacks; what the admin does in WeCom's console (delete a link) or what WeCom decides (a link
// became unusable) does: control.ts exposes both.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { acquisitionEvent, type SimEvent } from './events';
import { addStaff, getFollow, type AddStaffResult } from './customers';
import { externalUseridFor, randomId } from './ids';
import { getStaff } from './org';
import { encodeCursor, readKeyCursor, readPairCursor } from './cursor';
import type { Count, SimAcquisitionCustomerRow, SimAcquisitionLinkRow, SimAcquisitionQuotaRow, SimCorpRow, SimStaffRow } from './rows';
import { isRecord, limitOf, optBool, optIntArray, optStringArray, reqInt, reqString, type Body } from './validate';

/** What a corp starts with (WeCom sells the quota; UNCONFIRMED defaults): 200 customers, "low" at 10 % left. */
export const ACQUISITION_DEFAULT_QUOTA = 200;
/** The range's member limit the older doc states (≤ 100 users, departments covering ≤ 100 people); newer docs may allow more (UNCONFIRMED). */
export const ACQUISITION_DEFAULT_RANGE_MAX = 100;
/** `customer_channel` comes back as `State`, cut to 64 bytes. */
export const CUSTOMER_CHANNEL_MAX_BYTES = 64;
const YEAR_MS = 365 * 86_400_000;

/** The URL the API returns: WeCom's look like https://work.weixin.qq.com/ca/cawcde…; here <prefix>/ca/<link_id>. */
export const linkUrl = (base: string, linkId: string) => `${base}/ca/${linkId}`;
/** A link URL on a page or after a redirect, with its query (customer_channel). */
export const SIM_CA = /\/ca\/(cawcde[0-9a-f]{16})(\?[^"'\s<>#]*)?/;

/** The longest prefix of `s` that fits in `max` UTF-8 bytes, never cutting a character. */
export function truncateBytes(s: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (n + b > max) break;
    out += ch;
    n += b;
  }
  return out;
}

// ---- the quota -----------------------------------------------------------------------------------

/** The corp's quota row, created with the defaults on first use. */
async function quotaRow(sql: Sql, ctx: SimContext, corpId: string, lock = false): Promise<SimAcquisitionQuotaRow> {
  await sql.q(
    `INSERT INTO {s}.acquisition_quota (corp_id, total, balance, low_at, range_max, expire_date) VALUES ($1, $2, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [corpId, ACQUISITION_DEFAULT_QUOTA, Math.ceil(ACQUISITION_DEFAULT_QUOTA / 10), ACQUISITION_DEFAULT_RANGE_MAX, ctx.clock.now() + YEAR_MS],
  );
  return (await sql.one<SimAcquisitionQuotaRow>(`SELECT * FROM {s}.acquisition_quota WHERE corp_id = $1${lock ? ' FOR UPDATE' : ''}`, [corpId]))!;
}

export interface AcquisitionQuotaInput {
  /** Bought in all (the balance is set to it unless `balance` is given). */
  total?: number;
  balance?: number;
  /** balance_low fires when the balance falls to this or below (default 10 % of total). */
  lowAt?: number;
  /** Members a link's range may cover (default 100, UNCONFIRMED). */
  rangeMax?: number;
}

/** Sets the corp's quota (a purchase or a test's setup): the low/exhausted events may fire again. */
export async function setQuota(ctx: SimContext, corpId: string, input: AcquisitionQuotaInput) {
  const int = (v: number | undefined, name: string, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new ControlError(`${name}: an integer ≥ ${min}`);
    return v;
  };
  int(input.total, 'total', 0);
  int(input.balance, 'balance', 0);
  int(input.lowAt, 'lowAt', 0);
  int(input.rangeMax, 'rangeMax', 1);
  return ctx.db.tx(async (tx) => {
    const q = await quotaRow(tx, ctx, corpId, true);
    const total = input.total ?? q.total;
    const balance = input.balance ?? (input.total !== undefined ? input.total : q.balance);
    if (balance > total) throw new ControlError('balance: must not exceed total');
    const lowAt = input.lowAt ?? (input.total !== undefined ? Math.ceil(total / 10) : q.low_at);
    await tx.q(
      `UPDATE {s}.acquisition_quota SET total = $2, balance = $3, low_at = $4, range_max = $5,
          low_sent = $3::int <= $4::int AND low_sent, exhausted_sent = $3::int = 0 AND exhausted_sent WHERE corp_id = $1`,
      [corpId, total, balance, lowAt, input.rangeMax ?? q.range_max],
    );
    return { total, balance, lowAt, rangeMax: input.rangeMax ?? q.range_max };
  });
}

export async function getQuota(ctx: SimContext, corpId: string) {
  const q = await quotaRow(ctx.db, ctx, corpId);
  return { total: q.total, balance: q.balance, quota_list: q.balance > 0 ? [{ balance: q.balance, expire_date: Math.floor(num(q.expire_date) / 1000) }] : [] };
}

// ---- the API -----------------------------------------------------------------------------------

interface Range { users: string[]; departments: number[] }

/** `range{user_list, department_list}`: active members with customer contact, existing departments, within the corp's limit. */
async function readRange(sql: Sql, ctx: SimContext, corpId: string, body: Body, required: boolean): Promise<Range | undefined> {
  const raw = body.range;
  if (raw === undefined || raw === null) {
    if (required) throw E.param('range', 'required: user_list and/or department_list');
    return undefined;
  }
  if (!isRecord(raw) || Array.isArray(raw)) throw E.param('range', 'must be an object');
  const users = optStringArray(raw, 'user_list', { max: 10_000 }) ?? [];
  const departments = optIntArray(raw, 'department_list', { max: 10_000 }) ?? [];
  if (users.length === 0 && departments.length === 0) throw E.param('range', 'must list at least one user or department');
  for (const u of users) {
    const s = await getStaff(sql, corpId, u);
    if (!s || s.status !== 1) throw E.invalidUserid(u);
    if (!s.isFollowUser) throw new SimError(84074, `no external contact permission: ${u}`);
  }
  if (departments.length) {
    const found = await sql.q<{ id: number }>(`SELECT id FROM {s}.departments WHERE corp_id = $1 AND id = ANY($2::int[])`, [corpId, departments]);
    const bad = departments.find((d) => !found.some((r) => r.id === d));
    if (bad !== undefined) throw E.param('range.department_list', `department ${bad} not found`);
  }
  const members = await rangeMembers(sql, corpId, { users, departments });
  const { range_max: max } = await quotaRow(sql, ctx, corpId);
  if (members.length > max) throw E.param('range', `covers ${members.length} members; a link's range may cover at most ${max}`);
  return { users: [...new Set(users)], departments: [...new Set(departments)] };
}

/** Who a range reaches now: its users, then its departments' members, active with customer contact. */
async function rangeMembers(sql: Sql, corpId: string, r: Range): Promise<string[]> {
  const rows = await sql.q<Pick<SimStaffRow, 'userid'> & { listed: boolean }>(
    `SELECT userid, userid = ANY($2::text[]) AS listed FROM {s}.staff
      WHERE corp_id = $1 AND status = 1 AND is_follow_user AND (userid = ANY($2::text[]) OR department && $3::int[])
      ORDER BY array_position($2::text[], userid) NULLS LAST, created_at, userid`,
    [corpId, r.users, r.departments],
  );
  return rows.map((x) => x.userid);
}

async function requireLink(sql: Sql, corpId: string, linkId: unknown, lock = false): Promise<SimAcquisitionLinkRow> {
  if (typeof linkId !== 'string' || !linkId) throw E.param('link_id', 'required');
  const r = await sql.one<SimAcquisitionLinkRow>(
    `SELECT * FROM {s}.acquisition_links WHERE corp_id = $1 AND link_id = $2 AND deleted_at IS NULL${lock ? ' FOR UPDATE' : ''}`, [corpId, linkId]);
  if (!r) throw E.param('link_id', `not found: ${linkId}`);
  return r;
}

export async function createLink(ctx: SimContext, corpId: string, body: Body, base: string) {
  const name = reqString(body, 'link_name', { max: 64 });
  const range = (await readRange(ctx.db, ctx, corpId, body, true))!;
  const skipVerify = optBool(body, 'skip_verify') ?? true;
  const linkId = `cawcde${randomId(16, '0123456789abcdef')}`;
  const now = ctx.clock.now();
  await ctx.db.q(
    `INSERT INTO {s}.acquisition_links (corp_id, link_id, link_name, users, departments, skip_verify, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [corpId, linkId, name, range.users, range.departments, skipVerify, now],
  );
  return { link: { link_id: linkId, link_name: name, url: linkUrl(base, linkId), create_time: Math.floor(now / 1000) } };
}

export async function getLink(ctx: SimContext, corpId: string, body: Body, base: string) {
  const r = await requireLink(ctx.db, corpId, body.link_id);
  return {
    link: { link_name: r.link_name, url: linkUrl(base, r.link_id), create_time: Math.floor(num(r.created_at) / 1000), skip_verify: r.skip_verify },
    range: { user_list: r.users, department_list: r.departments },
  };
}

export async function updateLink(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireLink(ctx.db, corpId, body.link_id);
  const name = body.link_name === undefined ? undefined : reqString(body, 'link_name', { max: 64 });
  const range = await readRange(ctx.db, ctx, corpId, body, false);
  const skipVerify = optBool(body, 'skip_verify');
  await ctx.db.q(
    `UPDATE {s}.acquisition_links SET link_name = coalesce($3, link_name), users = coalesce($4, users), departments = coalesce($5, departments),
        skip_verify = coalesce($6, skip_verify) WHERE corp_id = $1 AND link_id = $2`,
    [corpId, r.link_id, name ?? null, range?.users ?? null, range?.departments ?? null, skipVerify ?? null],
  );
}

/** Through the API: no callback (API writes fire none). */
export async function deleteLink(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireLink(ctx.db, corpId, body.link_id);
  await ctx.db.q(`UPDATE {s}.acquisition_links SET deleted_at = $3 WHERE corp_id = $1 AND link_id = $2`, [corpId, r.link_id, ctx.clock.now()]);
}

/** Links created by this app that are still valid, oldest first. */
export async function listLinks(ctx: SimContext, corpId: string, body: Body) {
  const limit = limitOf(body, 'limit', 100, 100);
  const after = readKeyCursor(body.cursor);
  const rows = await ctx.db.q<Pick<SimAcquisitionLinkRow, 'link_id'>>(
    `SELECT link_id FROM {s}.acquisition_links WHERE corp_id = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR link_id > $2)
      ORDER BY link_id LIMIT $3`, [corpId, after, limit + 1]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { link_id_list: page.map((r) => r.link_id), next_cursor: more ? encodeCursor(page[page.length - 1].link_id) : '' };
}

/** The customers who came through a link, with the customer_channel each came with. */
export async function linkCustomers(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireLink(ctx.db, corpId, body.link_id);
  const limit = limitOf(body, 'limit', 1000, 1000);
  const after = readPairCursor(body.cursor, 'string');
  const rows = await ctx.db.q<SimAcquisitionCustomerRow>(
    `SELECT * FROM {s}.acquisition_customers WHERE corp_id = $1 AND link_id = $2 AND ($3::text IS NULL OR (external_userid, userid) > ($3, $4))
      ORDER BY external_userid, userid LIMIT $5`, [corpId, r.link_id, after?.[0] ?? null, after?.[1] ?? null, limit + 1]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    customer_list: page.map((c) => ({ external_userid: c.external_userid, userid: c.userid, chat_status: c.chat_status, state: c.state })),
    next_cursor: more ? encodeCursor([last.external_userid, last.userid]) : '',
  };
}

export async function linkStatistic(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireLink(ctx.db, corpId, body.link_id);
  const start = reqInt(body, 'start_time', { min: 0 });
  const end = reqInt(body, 'end_time', { min: 0 });
  if (end < start) throw E.param('end_time', 'must not be before start_time');
  const [clicks, adds] = await Promise.all([
    ctx.db.one<Count>(`SELECT count(DISTINCT visitor) AS n FROM {s}.acquisition_clicks WHERE corp_id = $1 AND link_id = $2 AND at >= $3 AND at < $4`,
      [corpId, r.link_id, start * 1000, (end + 1) * 1000]),
    ctx.db.one<Count>(`SELECT count(*) AS n FROM {s}.acquisition_customers WHERE corp_id = $1 AND link_id = $2 AND created_at >= $3 AND created_at < $4`,
      [corpId, r.link_id, start * 1000, (end + 1) * 1000]),
  ]);
  return { click_link_customer_cnt: num(clicks?.n), new_customer_cnt: num(adds?.n) };
}

// ---- what happens in WeCom's console and on phones ------------------------------------------------

/** The admin deletes the link in WeCom's console: delete_link. */
export async function adminDeleteLink(ctx: SimContext, corpId: string, linkId: string): Promise<void> {
  const now = ctx.clock.now();
  const done = await ctx.db.one(`UPDATE {s}.acquisition_links SET deleted_at = $3 WHERE corp_id = $1 AND link_id = $2 AND deleted_at IS NULL RETURNING 1`, [corpId, linkId, now]);
  if (!done) throw new ControlError(`no live acquisition link ${linkId} in ${corpId}`, 404);
  await ctx.callbacks.emit([acquisitionEvent(corpId, Math.floor(now / 1000), 'delete_link', { linkId })]);
}

/** WeCom stops a link (e.g. nobody in its range can take customers any more): link_unavailable. `available` restores it (no event). */
export async function setLinkUnavailable(ctx: SimContext, corpId: string, linkId: string, unavailable = true): Promise<void> {
  const now = ctx.clock.now();
  const done = await ctx.db.one(
    `UPDATE {s}.acquisition_links SET unavailable_at = $3 WHERE corp_id = $1 AND link_id = $2 AND deleted_at IS NULL RETURNING 1`,
    [corpId, linkId, unavailable ? now : null]);
  if (!done) throw new ControlError(`no live acquisition link ${linkId} in ${corpId}`, 404);
  if (unavailable) await ctx.callbacks.emit([acquisitionEvent(corpId, Math.floor(now / 1000), 'link_unavailable', { linkId })]);
}

/** For the link's page: the corp, the range's members and whether the link can be used now. */
export async function describeLink(ctx: SimContext, linkId: string) {
  const r = await ctx.db.one<SimAcquisitionLinkRow & { corp_name: SimCorpRow['name'] }>(
    `SELECT l.*, c.name AS corp_name FROM {s}.acquisition_links l JOIN {s}.corps c ON c.corp_id = l.corp_id WHERE l.link_id = $1`, [linkId]);
  if (!r) return null;
  const members = await rangeMembers(ctx.db, r.corp_id, { users: r.users, departments: r.departments });
  const staff = await ctx.db.q<Pick<SimStaffRow, 'userid' | 'name' | 'avatar' | 'position'>>(
    `SELECT userid, name, avatar, position FROM {s}.staff WHERE corp_id = $1 AND userid = ANY($2::text[]) ORDER BY array_position($2::text[], userid)`,
    [r.corp_id, members]);
  const q = await quotaRow(ctx.db, ctx, r.corp_id);
  return {
    corpId: r.corp_id, corpName: r.corp_name, name: r.link_name, staff, deleted: !!r.deleted_at, unavailable: !!r.unavailable_at, balance: q.balance,
  };
}

/** A visit of the link's page (statistic's click_link_customer_cnt counts distinct visitors). */
export async function recordClick(ctx: SimContext, linkId: string, visitor: string): Promise<void> {
  await ctx.db.q(
    `INSERT INTO {s}.acquisition_clicks (corp_id, link_id, visitor, at) SELECT corp_id, link_id, $2, $3 FROM {s}.acquisition_links WHERE link_id = $1`,
    [linkId, visitor, ctx.clock.now()]);
}

/**
 * The customer taps "start the chat" on the link's page: the member of the range who already serves them, else the
 * next in turn, adds them (add_way 16) with State = customer_channel cut to 64 bytes. A new customer of that member
 * spends one unit of the balance (refused at 0); balance_low fires once when it falls to the low mark, balance_exhausted
 * once at 0 (again only after a recharge).
 */
export async function startChat(
  ctx: SimContext, linkId: string, wechatUserId: string, opts: { customerChannel?: string | null; userid?: string } = {},
): Promise<AddStaffResult & { linkId: string }> {
  const state = truncateBytes(opts.customerChannel ?? '', CUSTOMER_CHANNEL_MAX_BYTES);
  const picked = await ctx.db.tx(async (tx) => {
    const l = await tx.one<SimAcquisitionLinkRow>(`SELECT * FROM {s}.acquisition_links WHERE link_id = $1 FOR UPDATE`, [linkId]);
    if (!l) throw new ControlError(`unknown acquisition link ${linkId}`, 404);
    if (l.deleted_at) throw new ControlError('该链接已失效 (this link no longer exists)', 409);
    if (l.unavailable_at) throw new ControlError('该链接暂不可用 (this link is unavailable)', 409);
    const members = await rangeMembers(tx, l.corp_id, { users: l.users, departments: l.departments });
    if (opts.userid && !members.includes(opts.userid)) throw new ControlError(`${opts.userid} is not in the range of link ${linkId}`, 409);
    if (members.length === 0) throw new ControlError('nobody in this link\'s range can take customers now', 409);
    const ext = externalUseridFor(l.corp_id, wechatUserId);
    // Someone who already serves the customer answers again (no new customer, nothing spent).
    const serving = await tx.one<{ userid: string }>(
      `SELECT userid FROM {s}.follows WHERE corp_id = $1 AND external_userid = $2 AND userid = ANY($3::text[]) AND status IN ('active', 'half', 'customer_deleted') LIMIT 1`,
      [l.corp_id, ext, members]);
    let userid = opts.userid ?? serving?.userid;
    if (!userid) {
      userid = members[l.next_pick % members.length];
      await tx.q(`UPDATE {s}.acquisition_links SET next_pick = next_pick + 1 WHERE corp_id = $1 AND link_id = $2`, [l.corp_id, l.link_id]);
    }
    const before = await getFollow(tx, l.corp_id, userid, ext);
    const isNew = !before || before.status === 'deleted';
    let balance: number | null = null;
    if (isNew) {
      const q = await quotaRow(tx, ctx, l.corp_id, true);
      if (q.balance <= 0) throw new ControlError('获客额度已用完 (the corp\'s acquisition quota is used up)', 409);
      balance = q.balance - 1;
      await tx.q(`UPDATE {s}.acquisition_quota SET balance = $2 WHERE corp_id = $1`, [l.corp_id, balance]);
    }
    return { corpId: l.corp_id, userid, skipVerify: l.skip_verify, isNew, balance };
  });
  let r: AddStaffResult;
  try {
    r = await addStaff(ctx, picked.corpId, wechatUserId, { userid: picked.userid, addWay: 16 }, {
      configId: linkId, state, skipVerify: picked.skipVerify, isTemp: false, link: true,
    });
  } catch (err) {
    if (picked.isNew) await ctx.db.q(`UPDATE {s}.acquisition_quota SET balance = balance + 1 WHERE corp_id = $1`, [picked.corpId]);
    throw err;
  }
  if (picked.isNew && r.status === 'already_added') {
    // Added meanwhile by another path: nothing was spent after all.
    await ctx.db.q(`UPDATE {s}.acquisition_quota SET balance = balance + 1 WHERE corp_id = $1`, [picked.corpId]);
  } else if (picked.isNew) {
    await ctx.db.q(
      `INSERT INTO {s}.acquisition_customers (corp_id, link_id, external_userid, userid, state, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (corp_id, link_id, external_userid, userid) DO UPDATE SET state = EXCLUDED.state, created_at = EXCLUDED.created_at`,
      [picked.corpId, linkId, r.externalUserid, r.userid, state, ctx.clock.now()]);
    await quotaEvents(ctx, picked.corpId);
  }
  return { ...r, linkId };
}

/** balance_low and balance_exhausted, each once until the quota is set again. */
async function quotaEvents(ctx: SimContext, corpId: string): Promise<void> {
  const nowSec = ctx.clock.nowSec();
  const events: SimEvent[] = [];
  await ctx.db.tx(async (tx) => {
    const q = await quotaRow(tx, ctx, corpId, true);
    if (q.balance <= q.low_at && q.balance > 0 && !q.low_sent) {
      await tx.q(`UPDATE {s}.acquisition_quota SET low_sent = true WHERE corp_id = $1`, [corpId]);
      events.push(acquisitionEvent(corpId, nowSec, 'balance_low'));
    }
    if (q.balance <= 0 && !q.exhausted_sent) {
      await tx.q(`UPDATE {s}.acquisition_quota SET exhausted_sent = true, low_sent = true WHERE corp_id = $1`, [corpId]);
      events.push(acquisitionEvent(corpId, nowSec, 'balance_exhausted'));
    }
  });
  await ctx.callbacks.emit(events);
}

/** The customer_channel of a link URL (the query as found on a page may be HTML-escaped). */
export function channelOf(query: string | undefined): string | null {
  if (!query) return null;
  return new URLSearchParams(query.replace(/^\?/, '').replaceAll('&amp;', '&')).get('customer_channel');
}
