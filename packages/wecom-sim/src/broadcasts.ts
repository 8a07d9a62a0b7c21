// Mass messages (企业群发, WECOM.md §10). The API only creates tasks; nothing reaches customers until
// the staff member confirms in the client (the WeCom client's 群发助手 list, or control.confirmMassSend),
// to every recipient or — when the send allows it — to some. On confirm, a customer or group that has
// already received WeCom's own maximum for the period (the corp's massMsgCapMode) gets status 3.
// Moments are in moments.ts.
import type { SimContext } from './context';
import type { MassMsgCapMode } from './corps';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { newIds } from './ids';
import { encodeCursor, readKeyCursor, readPairCursor } from './cursor';
import { isStringArray, limitOf, listWindow, optBool, optString, optStringArray, prop, reqString, type Body } from './validate';
import type { Count, Int8, Payload, SimCorpRow, SimFollowRow, SimGroupRow, SimMassSendResultRow, SimMassSendRow, SimMassSendTaskRow, SimStaffRow } from './rows';
import { readContent } from './welcome';

const DAY_MS = 86_400_000;
/** WeCom counts in Beijing time (no daylight saving). */
const TZ_OFFSET_MS = 8 * 3_600_000;
/** remind_groupmsg_send: at most this many per mass message in 24 h. */
export const MAX_REMINDS_PER_DAY = 3;

/** The period WeCom's cap counts over, containing `now`, and how many mass messages it allows. */
export function massMsgCapWindow(mode: MassMsgCapMode, now: number, monthlyCap: number | null = null): { start: number; end: number; cap: number } {
  const d = new Date(now + TZ_OFFSET_MS);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const dayStart = Date.UTC(y, m, d.getUTCDate()) - TZ_OFFSET_MS;
  if (mode === 'day1') return { start: dayStart, end: dayStart + DAY_MS, cap: 1 };
  if (mode === 'week7') {
    const start = dayStart - ((d.getUTCDay() + 6) % 7) * DAY_MS;
    return { start, end: start + 7 * DAY_MS, cap: 7 };
  }
  const start = Date.UTC(y, m, 1) - TZ_OFFSET_MS;
  const days = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return { start, end: start + days * DAY_MS, cap: monthlyCap ?? days };
}

/** Tag filter: tags inside one group_list entry are OR'ed, entries are AND'ed. */
function matchesTagFilter(tagIds: string[], filter: string[][]): boolean {
  return filter.every((anyOf) => anyOf.some((t) => tagIds.includes(t)));
}

function readTagFilter(body: Body): string[][] {
  const groups = prop(body.tag_filter, 'group_list');
  if (groups === undefined) return [];
  if (!Array.isArray(groups)) throw E.param('tag_filter.group_list', 'must be an array');
  const entries: unknown[] = groups;
  return entries.map((g, i) => {
    const list = prop(g, 'tag_list');
    if (!isStringArray(list)) throw E.param(`tag_filter.group_list[${i}].tag_list`, 'must be an array of tag ids');
    if (list.length > 100) throw E.param(`tag_filter.group_list[${i}].tag_list`, 'at most 100 tags');
    return list;
  });
}

export async function addMsgTemplate(ctx: SimContext, corpId: string, body: Body) {
  const chatType = body.chat_type ?? 'single';
  if (chatType !== 'single' && chatType !== 'group') throw E.param('chat_type', 'must be single or group');
  const sender = optString(body, 'sender');
  const allowSelect = optBool(body, 'allow_select') ?? false;
  // Field limits first (WECOM.md §10): external_userid ≤ 10 000, chat_id_list ≤ 2 000, ≤ 9 attachments, text ≤ 4000 bytes.
  const ext = chatType === 'single' ? optStringArray(body, 'external_userid', { max: 10_000 }) : undefined;
  const chatIds = chatType === 'group' ? optStringArray(body, 'chat_id_list', { max: 2000 }) : undefined;
  const filter = chatType === 'single' ? readTagFilter(body) : [];
  const content = await readContent(ctx.db, corpId, body, { maxAttachments: 9, textMaxBytes: 4000 });
  if (content.length === 0) throw E.param('text', 'text.content and attachments cannot both be empty');
  if (chatType === 'group' && !sender) throw E.param('sender', 'required when chat_type is group');
  if (chatType === 'single' && !ext?.length && !sender) throw E.param('external_userid', 'external_userid or sender is required');
  if (sender) {
    const s = await ctx.db.one<Pick<SimStaffRow, 'status'>>(`SELECT status FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [corpId, sender]);
    if (!s || s.status !== 1) throw E.invalidUserid(sender);
  }
  const now = ctx.clock.now();
  const msgid = newIds.msgid();
  const fail: string[] = [];
  const targets: { userid: string; target: string }[] = [];
  if (chatType === 'single') {
    const follows = await ctx.db.q<Pick<SimFollowRow, 'userid' | 'external_userid' | 'tag_ids' | 'createtime_sec'> & { last_chat: Int8 | null }>(
      `SELECT f.userid, f.external_userid, f.tag_ids, f.createtime_sec, lc.last_chat
         FROM {s}.follows f JOIN {s}.staff s ON s.corp_id = f.corp_id AND s.userid = f.userid AND s.status = 1
         LEFT JOIN (SELECT m.userid, m.external_userid, max(m.created_at) AS last_chat FROM {s}.messages m
                     WHERE m.corp_id = $1 AND m.kind = 'chat' AND ($2::text[] IS NULL OR m.external_userid = ANY($2)) AND ($3::text IS NULL OR m.userid = $3)
                     GROUP BY m.userid, m.external_userid) lc ON lc.userid = f.userid AND lc.external_userid = f.external_userid
        WHERE f.corp_id = $1 AND f.status = 'active'
          AND ($2::text[] IS NULL OR f.external_userid = ANY($2)) AND ($3::text IS NULL OR f.userid = $3)`,
      [corpId, ext?.length ? ext : null, sender ?? null],
    );
    // One member per customer: the one who chatted last, else the newest relationship.
    const best = new Map<string, (typeof follows)[number]>();
    for (const f of follows) {
      if (filter.length && !matchesTagFilter(f.tag_ids, filter)) continue;
      const cur = best.get(f.external_userid);
      const score = (x: typeof f) => [num(x.last_chat), num(x.createtime_sec)];
      if (!cur || score(f)[0] > score(cur)[0] || (score(f)[0] === score(cur)[0] && score(f)[1] > score(cur)[1])) best.set(f.external_userid, f);
    }
    for (const id of new Set(ext ?? [])) if (!best.has(id) && !(filter.length && follows.some((f) => f.external_userid === id))) fail.push(id);
    for (const f of best.values()) targets.push({ userid: f.userid, target: f.external_userid });
  } else {
    const groups = await ctx.db.q<Pick<SimGroupRow, 'chat_id'>>(
      `SELECT chat_id FROM {s}.groups WHERE corp_id = $1 AND owner = $2 AND dismissed_at IS NULL AND ($3::text[] IS NULL OR chat_id = ANY($3))`,
      [corpId, sender, chatIds?.length ? chatIds : null],
    );
    for (const id of new Set(chatIds ?? [])) if (!groups.some((g) => g.chat_id === id)) fail.push(id);
    for (const g of groups) targets.push({ userid: sender!, target: g.chat_id });
  }
  // Without chat_id_list the owner picks the groups in the client.
  const ownerPicks = chatType === 'group' && !chatIds?.length;
  await ctx.db.tx(async (tx) => {
    await tx.q(
      `INSERT INTO {s}.mass_sends (corp_id, msgid, chat_type, sender, allow_select, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [corpId, msgid, chatType, sender ?? null, allowSelect, JSON.stringify({ content, text: body.text, attachments: body.attachments ?? [], ownerPicks }), now],
    );
    const userids = [...new Set(targets.map((t) => t.userid))];
    if (userids.length) {
      await tx.q(`INSERT INTO {s}.mass_send_tasks (corp_id, msgid, userid) SELECT $1, $2, unnest($3::text[])`, [corpId, msgid, userids]);
      await tx.q(
        `INSERT INTO {s}.mass_send_results (corp_id, msgid, userid, target) SELECT $1, $2, * FROM unnest($3::text[], $4::text[])`,
        [corpId, msgid, targets.map((t) => t.userid), targets.map((t) => t.target)],
      );
    }
  });
  return { fail_list: fail, msgid };
}

/** Whether the member may send to only some of the list: allow_select, or a group send without chat_id_list. */
export function canSelectRecipients(ms: Pick<SimMassSendRow, 'allow_select' | 'chat_type' | 'body'>): boolean {
  return ms.allow_select || (ms.chat_type === 'group' && ms.body.ownerPicks === true);
}

export interface ConfirmResult {
  msgid: string;
  userid: string;
  /** Recipients (customers or groups) that received it now: status 1. */
  sent: number;
  /** status 2: no longer a friend (or the group is gone). */
  notFriend: number;
  /** status 3: already at WeCom's cap for the period. */
  overCap: number;
  /** Left out by the member: stay status 0. */
  unsent: number;
  cap: number;
  capMode: MassMsgCapMode;
}

/**
 * The member confirms the mass message in the client: it goes out to `targets` (external_userids or
 * chat ids on their list; default all of it), respecting WeCom's cap. Once confirmed, the member's task is
 * done (get_groupmsg_task status 2); recipients left out stay status 0.
 */
export async function confirmMassSend(ctx: SimContext, corpId: string, userid: string, msgid: string, opts: { targets?: string[] } = {}): Promise<ConfirmResult> {
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);
  return ctx.db.tx(async (tx) => {
    const ms = await tx.one<SimMassSendRow>(`SELECT * FROM {s}.mass_sends WHERE corp_id = $1 AND msgid = $2`, [corpId, msgid]);
    if (!ms) throw new ControlError(`unknown mass message ${msgid}`, 404);
    if (ms.canceled_at) throw new ControlError(`mass message ${msgid} was cancelled`, 409);
    const task = await tx.one<SimMassSendTaskRow>(`SELECT * FROM {s}.mass_send_tasks WHERE corp_id = $1 AND msgid = $2 AND userid = $3 FOR UPDATE`, [corpId, msgid, userid]);
    if (!task) throw new ControlError(`${userid} has no task for ${msgid}`, 404);
    if (task.status === 2) throw new ControlError(`${userid} already sent ${msgid}`, 409);
    const pending = (
      await tx.q<Pick<SimMassSendResultRow, 'target'>>(`SELECT target FROM {s}.mass_send_results WHERE corp_id = $1 AND msgid = $2 AND userid = $3 AND status = 0`, [
        corpId,
        msgid,
        userid,
      ])
    ).map((r) => r.target);
    let chosen = pending;
    if (opts.targets) {
      const picked = new Set(opts.targets);
      if (picked.size === 0) throw new ControlError('targets: pick at least one recipient (or leave targets out to send to all)');
      const unknown = [...picked].filter((t) => !pending.includes(t));
      if (unknown.length) throw new ControlError(`targets: not on ${userid}'s list for ${msgid}: ${unknown.slice(0, 5).join(', ')}`);
      if (picked.size < pending.length && !canSelectRecipients(ms)) {
        throw new ControlError(`${msgid} was created without allow_select: ${userid} can only send it to the whole list`, 409);
      }
      chosen = pending.filter((t) => picked.has(t));
    }
    chosen = [...chosen].sort();
    const corp = await tx.one<Pick<SimCorpRow, 'mass_msg_monthly_cap' | 'mass_msg_cap_mode'>>(`SELECT mass_msg_monthly_cap, mass_msg_cap_mode FROM {s}.corps WHERE corp_id = $1`, [corpId]);
    const capMode = (corp?.mass_msg_cap_mode ?? 'month_days') as MassMsgCapMode;
    const window = massMsgCapWindow(capMode, now, corp?.mass_msg_monthly_cap ?? null);
    const counts = { sent: 0, notFriend: 0, overCap: 0 };
    if (chosen.length) {
      // One recipient's count is read and raised by one confirmation at a time (locks taken in one order: no deadlock).
      await tx.q(
        `SELECT count(pg_advisory_xact_lock(hashtext($1), k)) AS n FROM (SELECT DISTINCT hashtext($2 || '|' || t) AS k FROM unnest($3::text[]) t ORDER BY 1) x`,
        [`wecom-sim:${ctx.db.schema}:mass-cap`, corpId, chosen],
      );
      const received = await tx.q<Pick<SimMassSendResultRow, 'target'> & Count>(
        `SELECT target, count(*) AS n FROM {s}.mass_send_results
          WHERE corp_id = $1 AND target = ANY($2::text[]) AND status = 1 AND send_time_sec >= $3 GROUP BY target`,
        [corpId, chosen, Math.floor(window.start / 1000)],
      );
      const got = new Map(received.map((r) => [r.target, num(r.n)]));
      type Recipient = { target: string; wechat_user_id: string | null; external_userid: string };
      const recipients =
        ms.chat_type === 'single'
          ? await tx.q<Recipient>(
              `SELECT f.external_userid AS target, c.wechat_user_id, c.external_userid FROM {s}.follows f
                 JOIN {s}.customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
                WHERE f.corp_id = $1 AND f.userid = $2 AND f.external_userid = ANY($3::text[]) AND f.status = 'active'`,
              [corpId, userid, chosen],
            )
          : await tx.q<Recipient>(
              `SELECT m.chat_id AS target, m.wechat_user_id, m.member_id AS external_userid FROM {s}.group_members m
                WHERE m.corp_id = $1 AND m.chat_id = ANY($2::text[]) AND m.left_at IS NULL AND m.type = 2 ORDER BY m.join_time_sec, m.member_id`,
              [corpId, chosen],
            );
      const there =
        ms.chat_type === 'single'
          ? new Set(recipients.map((r) => r.target))
          : new Set(
              (
                await tx.q<Pick<SimGroupRow, 'chat_id'>>(`SELECT chat_id FROM {s}.groups WHERE corp_id = $1 AND chat_id = ANY($2::text[]) AND dismissed_at IS NULL`, [
                  corpId,
                  chosen,
                ])
              ).map((g) => g.chat_id),
            );
      const status = new Map<string, number>();
      for (const t of chosen) {
        const s = !there.has(t) ? 2 : (got.get(t) ?? 0) >= window.cap ? 3 : 1;
        status.set(t, s);
        if (s === 1) counts.sent++;
        else if (s === 2) counts.notFriend++;
        else counts.overCap++;
      }
      await tx.q(
        `UPDATE {s}.mass_send_results r SET status = u.status, send_time_sec = CASE WHEN u.status = 1 THEN $4::bigint END
           FROM unnest($5::text[], $6::int[]) AS u(target, status)
          WHERE r.corp_id = $1 AND r.msgid = $2 AND r.userid = $3 AND r.target = u.target`,
        [corpId, msgid, userid, nowSec, [...status.keys()], [...status.values()]],
      );
      // Each recipient gets the text and each attachment as separate messages, in order; a group's message
      // is one row per customer member (a group without customers still keeps one for its transcript).
      const rows: { wechatUserId: string | null; external: string | null; chatId: string | null; payload: Payload }[] = [];
      for (const t of chosen) {
        if (status.get(t) !== 1) continue;
        const people = recipients.filter((r) => r.target === t);
        const chatId = ms.chat_type === 'group' ? t : null;
        if (people.length === 0 && chatId) for (const p of ms.body.content) rows.push({ wechatUserId: null, external: null, chatId, payload: p });
        for (const r of people) for (const p of ms.body.content) rows.push({ wechatUserId: r.wechat_user_id, external: r.external_userid, chatId, payload: p });
      }
      if (rows.length) {
        await tx.q(
          `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, chat_id, ref_id, payload, created_at)
           SELECT $1, 'mass', 'to_customer', w, e, $2, c, $3, p, $4
             FROM unnest($5::text[], $6::text[], $7::text[], $8::jsonb[]) WITH ORDINALITY AS u(w, e, c, p, n) ORDER BY n`,
          [
            corpId,
            userid,
            msgid,
            now,
            rows.map((r) => r.wechatUserId),
            rows.map((r) => r.external),
            rows.map((r) => r.chatId),
            rows.map((r) => JSON.stringify(r.payload)),
          ],
        );
      }
    }
    await tx.q(`UPDATE {s}.mass_send_tasks SET status = 2, send_time_sec = $4 WHERE corp_id = $1 AND msgid = $2 AND userid = $3`, [corpId, msgid, userid, nowSec]);
    return { msgid, userid, ...counts, unsent: pending.length - chosen.length, cap: window.cap, capMode };
  });
}

/** One mass-send task as the member sees it in the client's 群发助手. */
export interface MassSendTask {
  msgid: string;
  chatType: 'single' | 'group';
  /** 0 waiting for the member, 2 sent. */
  status: number;
  canceled: boolean;
  canSelect: boolean;
  content: Payload[];
  createdAt: number;
  sentAt: number | null;
  /** How many customers or groups on the member's list have each send status (0 unsent, 1 sent, 2 not a friend, 3 over the cap). */
  counts: Record<number, number>;
  /** The first 500 customers or groups on the member's list (by id), with their send status. */
  recipients: { target: string; name: string; status: number }[];
}

/** The member's mass-send tasks, newest first (at most `limit`, recipients at most 500 per task). */
export async function listMassSendTasks(sql: Sql, corpId: string, userid: string, opts: { limit?: number; pendingOnly?: boolean } = {}): Promise<MassSendTask[]> {
  const rows = await sql.q<SimMassSendRow & Pick<SimMassSendTaskRow, 'status'> & { task_sent: Int8 | null }>(
    `SELECT m.*, t.status, t.send_time_sec AS task_sent FROM {s}.mass_send_tasks t JOIN {s}.mass_sends m ON m.corp_id = t.corp_id AND m.msgid = t.msgid
      WHERE t.corp_id = $1 AND t.userid = $2 AND ($3::boolean IS NOT TRUE OR (t.status = 0 AND m.canceled_at IS NULL))
      ORDER BY m.created_at DESC, m.msgid LIMIT $4`,
    [corpId, userid, opts.pendingOnly ?? false, Math.min(opts.limit ?? 20, 200)],
  );
  if (rows.length === 0) return [];
  const msgids = rows.map((r) => r.msgid);
  const results = await sql.q<Pick<SimMassSendResultRow, 'msgid' | 'target' | 'status'> & { name: string | null }>(
    `SELECT r.msgid, r.target, r.status, coalesce(nullif(f.remark, ''), w.nickname, g.name) AS name
       FROM unnest($3::text[]) AS x(msgid)
       CROSS JOIN LATERAL (SELECT msgid, target, status FROM {s}.mass_send_results
                            WHERE corp_id = $1 AND msgid = x.msgid AND userid = $2 ORDER BY target LIMIT 500) r
       LEFT JOIN {s}.follows f ON f.corp_id = $1 AND f.userid = $2 AND f.external_userid = r.target
       LEFT JOIN {s}.customers c ON c.corp_id = $1 AND c.external_userid = r.target
       LEFT JOIN {s}.wechat_users w ON w.id = c.wechat_user_id
       LEFT JOIN {s}.groups g ON g.corp_id = $1 AND g.chat_id = r.target
      ORDER BY r.msgid, r.target`,
    [corpId, userid, msgids],
  );
  const counts = await sql.q<Pick<SimMassSendResultRow, 'msgid' | 'status'> & Count>(
    `SELECT msgid, status, count(*) AS n FROM {s}.mass_send_results WHERE corp_id = $1 AND userid = $2 AND msgid = ANY($3::text[]) GROUP BY msgid, status`,
    [corpId, userid, msgids],
  );
  return rows.map((r) => ({
    msgid: r.msgid,
    chatType: r.chat_type === 'group' ? 'group' : 'single',
    status: r.status,
    canceled: r.canceled_at !== null,
    canSelect: canSelectRecipients(r),
    content: r.body.content,
    createdAt: num(r.created_at),
    sentAt: r.task_sent === null ? null : num(r.task_sent) * 1000,
    counts: Object.fromEntries(counts.filter((x) => x.msgid === r.msgid).map((x) => [x.status, num(x.n)])),
    recipients: results.filter((x) => x.msgid === r.msgid).map((x) => ({ target: x.target, name: x.name ?? x.target, status: x.status })),
  }));
}

/** How many mass messages each customer (or group) received in the period WeCom's cap counts over now. */
export async function massMsgReceived(ctx: SimContext, corpId: string, targets: string[]) {
  const corp = await ctx.db.one<Pick<SimCorpRow, 'mass_msg_monthly_cap' | 'mass_msg_cap_mode'>>(`SELECT mass_msg_monthly_cap, mass_msg_cap_mode FROM {s}.corps WHERE corp_id = $1`, [corpId]);
  const mode = (corp?.mass_msg_cap_mode ?? 'month_days') as MassMsgCapMode;
  const window = massMsgCapWindow(mode, ctx.clock.now(), corp?.mass_msg_monthly_cap ?? null);
  const rows = await ctx.db.q<Pick<SimMassSendResultRow, 'target'> & Count>(
    `SELECT target, count(*) AS n FROM {s}.mass_send_results WHERE corp_id = $1 AND target = ANY($2::text[]) AND status = 1 AND send_time_sec >= $3 GROUP BY target`,
    [corpId, targets, Math.floor(window.start / 1000)],
  );
  const got = new Map(rows.map((r) => [r.target, num(r.n)]));
  return { capMode: mode, cap: window.cap, periodStart: window.start, periodEnd: window.end, received: Object.fromEntries(targets.map((t) => [t, got.get(t) ?? 0])) };
}

async function requireMassSend(sql: Sql, corpId: string, msgid: unknown) {
  if (msgid === undefined || msgid === null || msgid === '') throw E.param('msgid', 'required');
  if (typeof msgid !== 'string') throw E.param('msgid', 'must be a string');
  const r = await sql.one<SimMassSendRow>(`SELECT * FROM {s}.mass_sends WHERE corp_id = $1 AND msgid = $2`, [corpId, msgid]);
  if (!r) throw E.param('msgid', `not found: ${msgid}`);
  return r;
}

export async function getGroupMsgListV2(ctx: SimContext, corpId: string, body: Body) {
  const chatType = reqString(body, 'chat_type');
  if (chatType !== 'single' && chatType !== 'group') throw E.param('chat_type', 'must be single or group');
  // creator: one userid (WeCom takes a string here, not a list).
  const { start, end, filterType, creator } = listWindow(body);
  const limit = limitOf(body, 'limit', 50, 100);
  const after = readPairCursor(body.cursor, 'number');
  // Everything the simulator holds was created through the API (create_type 0, no creator).
  const rows =
    filterType === 1 || creator
      ? []
      : await ctx.db.q<SimMassSendRow>(
          `SELECT * FROM {s}.mass_sends WHERE corp_id = $1 AND chat_type = $2 AND created_at >= $3 AND created_at < $4
             AND ($5::bigint IS NULL OR (created_at, msgid) > ($5, $6))
           ORDER BY created_at, msgid LIMIT $7`,
          [corpId, chatType, start * 1000, (end + 1) * 1000, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
        );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    group_msg_list: page.map((r) => ({
      msgid: r.msgid,
      create_time: String(Math.floor(num(r.created_at) / 1000)),
      create_type: 0,
      ...(r.body.text ? { text: r.body.text } : {}),
      ...(r.body.attachments?.length ? { attachments: r.body.attachments } : {}),
    })),
    next_cursor: more ? encodeCursor([num(last.created_at), last.msgid]) : '',
  };
}

export async function getGroupMsgTask(ctx: SimContext, corpId: string, body: Body) {
  await requireMassSend(ctx.db, corpId, body.msgid);
  const limit = limitOf(body, 'limit', 500, 1000);
  const after = readKeyCursor(body.cursor);
  const rows = await ctx.db.q<SimMassSendTaskRow>(
    `SELECT * FROM {s}.mass_send_tasks WHERE corp_id = $1 AND msgid = $2 AND ($3::text IS NULL OR userid > $3) ORDER BY userid LIMIT $4`,
    [corpId, body.msgid, after, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    task_list: page.map((r) => ({ userid: r.userid, status: r.status, ...(r.send_time_sec ? { send_time: num(r.send_time_sec) } : {}) })),
    next_cursor: more ? encodeCursor(page[page.length - 1].userid) : '',
  };
}

export async function getGroupMsgSendResult(ctx: SimContext, corpId: string, body: Body) {
  const ms = await requireMassSend(ctx.db, corpId, body.msgid);
  const userid = reqString(body, 'userid');
  const limit = limitOf(body, 'limit', 500, 1000);
  const after = readKeyCursor(body.cursor);
  const rows = await ctx.db.q<SimMassSendResultRow>(
    `SELECT * FROM {s}.mass_send_results WHERE corp_id = $1 AND msgid = $2 AND userid = $3 AND ($4::text IS NULL OR target > $4)
     ORDER BY target LIMIT $5`,
    [corpId, body.msgid, userid, after, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const key = ms.chat_type === 'group' ? 'chat_id' : 'external_userid';
  return {
    send_list: page.map((r) => ({ [key]: r.target, userid: r.userid, status: r.status, ...(r.send_time_sec ? { send_time: num(r.send_time_sec) } : {}) })),
    next_cursor: more ? encodeCursor(page[page.length - 1].target) : '',
  };
}

/** At most 3 reminders per mass message in any 24 h (checked and counted in one statement, so concurrent calls cannot exceed it). */
export async function remindGroupMsgSend(ctx: SimContext, corpId: string, body: Body) {
  const ms = await requireMassSend(ctx.db, corpId, body.msgid);
  const now = ctx.clock.now();
  const ok = await ctx.db.q(
    `UPDATE {s}.mass_sends SET reminds = array_append(reminds, $3::bigint)
      WHERE corp_id = $1 AND msgid = $2 AND (SELECT count(*) FROM unnest(reminds) r WHERE r > $4::bigint) < $5 RETURNING 1`,
    [corpId, ms.msgid, now, now - DAY_MS, MAX_REMINDS_PER_DAY],
  );
  if (ok.length === 0) throw new SimError(45009, `api freq out of limit: a mass message can be reminded at most ${MAX_REMINDS_PER_DAY} times in 24 hours`);
  if (ms.canceled_at) return;
  const pending = await ctx.db.q<Pick<SimMassSendTaskRow, 'userid'>>(`SELECT userid FROM {s}.mass_send_tasks WHERE corp_id = $1 AND msgid = $2 AND status = 0`, [corpId, ms.msgid]);
  if (pending.length === 0) return;
  await ctx.db.q(
    `INSERT INTO {s}.messages (corp_id, kind, direction, userid, ref_id, payload, created_at)
     SELECT $1, 'reminder', 'to_staff', u, $3, $4, $5 FROM unnest($2::text[]) u`,
    [
      corpId,
      pending.map((p) => p.userid),
      ms.msgid,
      JSON.stringify({ msgtype: 'text', text: { content: '你有一条企业群发待发送 (a mass message is waiting for you to send it)' } }),
      now,
    ],
  );
}

/** Stops the parts not yet sent: members can no longer confirm; what was sent stays sent. */
export async function cancelGroupMsgSend(ctx: SimContext, corpId: string, body: Body) {
  const ms = await requireMassSend(ctx.db, corpId, body.msgid);
  await ctx.db.q(`UPDATE {s}.mass_sends SET canceled_at = coalesce(canceled_at, $3) WHERE corp_id = $1 AND msgid = $2`, [corpId, ms.msgid, ctx.clock.now()]);
}
