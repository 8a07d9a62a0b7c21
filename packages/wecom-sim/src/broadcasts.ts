// Mass messages (企业群发) and moments (客户朋友圈). The API only creates tasks; nothing reaches
// customers until the staff member confirms in the client (control.confirmMassSend /
// publishMoment). On confirm each customer or group over the monthly cap gets status 3.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { newIds } from './ids';
import { encodeCursor, readKeyCursor, readPairCursor } from './cursor';
import { isStringArray, limitOf, optInt, optIntArray, optString, optStringArray, prop, reqString, type Body } from './validate';
import type { Count, Int8, MomentAttachment, SimCorpRow, SimCustomerRow, SimFollowRow, SimGroupRow, SimMassSendResultRow, SimMassSendRow, SimMassSendTaskRow, SimMediaRow, SimMomentRow, SimMomentTaskRow, SimStaffRow } from './rows';
import { readContent } from './welcome';

const DAY_MS = 86_400_000;
/** WeCom counts in Beijing time. */
const TZ_OFFSET_MS = 8 * 3_600_000;

function monthStart(now: number): { start: number; days: number } {
  const d = new Date(now + TZ_OFFSET_MS);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - TZ_OFFSET_MS;
  const days = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  return { start, days };
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
  const content = await readContent(ctx.db, corpId, body, { maxAttachments: 9, textMaxBytes: 4000 });
  if (content.length === 0) throw E.param('text', 'text.content and attachments cannot both be empty');
  const now = ctx.clock.now();
  const msgid = newIds.msgid();
  const fail: string[] = [];
  const targets: { userid: string; target: string }[] = [];
  if (sender) {
    const s = await ctx.db.one<Pick<SimStaffRow, 'status'>>(`SELECT status FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [corpId, sender]);
    if (!s || s.status !== 1) throw E.invalidUserid(sender);
  }
  if (chatType === 'single') {
    const ext = optStringArray(body, 'external_userid', { max: 10_000 });
    if (!ext?.length && !sender) throw E.param('external_userid', 'external_userid or sender is required');
    const filter = readTagFilter(body);
    const follows = await ctx.db.q<Pick<SimFollowRow, 'userid' | 'external_userid' | 'tag_ids' | 'createtime_sec'> & { last_chat: Int8 | null }>(
      `SELECT f.userid, f.external_userid, f.tag_ids, f.createtime_sec,
              (SELECT max(m.created_at) FROM {s}.messages m
                WHERE m.corp_id = f.corp_id AND m.kind = 'chat' AND m.userid = f.userid AND m.external_userid = f.external_userid) AS last_chat
         FROM {s}.follows f JOIN {s}.staff s ON s.corp_id = f.corp_id AND s.userid = f.userid AND s.status = 1
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
    for (const id of ext ?? []) if (!best.has(id) && !(filter.length && follows.some((f) => f.external_userid === id))) fail.push(id);
    for (const f of best.values()) targets.push({ userid: f.userid, target: f.external_userid });
  } else {
    if (!sender) throw E.param('sender', 'required when chat_type is group');
    const chatIds = optStringArray(body, 'chat_id_list', { max: 2000 });
    const groups = await ctx.db.q<Pick<SimGroupRow, 'chat_id'>>(
      `SELECT chat_id FROM {s}.groups WHERE corp_id = $1 AND owner = $2 AND dismissed_at IS NULL AND ($3::text[] IS NULL OR chat_id = ANY($3))`,
      [corpId, sender, chatIds?.length ? chatIds : null],
    );
    for (const id of chatIds ?? []) if (!groups.some((g) => g.chat_id === id)) fail.push(id);
    for (const g of groups) targets.push({ userid: sender, target: g.chat_id });
  }
  await ctx.db.tx(async (tx) => {
    await tx.q(
      `INSERT INTO {s}.mass_sends (corp_id, msgid, chat_type, sender, allow_select, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [corpId, msgid, chatType, sender ?? null, body.allow_select === true, JSON.stringify({ content, text: body.text, attachments: body.attachments ?? [] }), now],
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

/** Who a confirmed mass message reaches: the customer, or each customer member of the group. */
type Recipient = Pick<SimCustomerRow, 'external_userid'> & { wechat_user_id: string | null };

/** The member confirms the mass message in the client: it goes out, respecting the monthly cap. */
export async function confirmMassSend(ctx: SimContext, corpId: string, userid: string, msgid: string) {
  const now = ctx.clock.now();
  const nowSec = Math.floor(now / 1000);
  return ctx.db.tx(async (tx) => {
    const ms = await tx.one<SimMassSendRow>(`SELECT * FROM {s}.mass_sends WHERE corp_id = $1 AND msgid = $2`, [corpId, msgid]);
    if (!ms) throw new ControlError(`unknown mass message ${msgid}`, 404);
    if (ms.canceled_at) throw new ControlError(`mass message ${msgid} was cancelled`, 409);
    const task = await tx.one<SimMassSendTaskRow>(`SELECT * FROM {s}.mass_send_tasks WHERE corp_id = $1 AND msgid = $2 AND userid = $3 FOR UPDATE`, [corpId, msgid, userid]);
    if (!task) throw new ControlError(`${userid} has no task for ${msgid}`, 404);
    const corp = await tx.one<Pick<SimCorpRow, 'mass_msg_monthly_cap'>>(`SELECT mass_msg_monthly_cap FROM {s}.corps WHERE corp_id = $1`, [corpId]);
    const month = monthStart(now);
    const cap: number = corp?.mass_msg_monthly_cap ?? month.days;
    const results = await tx.q<Pick<SimMassSendResultRow, 'target'>>(`SELECT target FROM {s}.mass_send_results WHERE corp_id = $1 AND msgid = $2 AND userid = $3 AND status = 0`, [
      corpId,
      msgid,
      userid,
    ]);
    const content = ms.body.content;
    const counts = { sent: 0, notFriend: 0, overCap: 0 };
    for (const r of results) {
      let status: number;
      const received = await tx.one<Count>(
        `SELECT count(*) AS n FROM {s}.mass_send_results WHERE corp_id = $1 AND target = $2 AND status = 1 AND send_time_sec >= $3`,
        [corpId, r.target, Math.floor(month.start / 1000)],
      );
      const recipients =
        ms.chat_type === 'single'
          ? await tx.q<Recipient>(
              `SELECT c.wechat_user_id, c.external_userid FROM {s}.follows f JOIN {s}.customers c ON c.corp_id = f.corp_id AND c.external_userid = f.external_userid
                WHERE f.corp_id = $1 AND f.userid = $2 AND f.external_userid = $3 AND f.status = 'active'`,
              [corpId, userid, r.target],
            )
          : await tx.q<Recipient>(
              `SELECT m.wechat_user_id, m.member_id AS external_userid FROM {s}.group_members m JOIN {s}.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
                WHERE m.corp_id = $1 AND m.chat_id = $2 AND m.left_at IS NULL AND m.type = 2 AND g.dismissed_at IS NULL`,
              [corpId, r.target],
            );
      const stillThere =
        ms.chat_type === 'single'
          ? recipients.length > 0
          : !!(await tx.one(`SELECT 1 FROM {s}.groups WHERE corp_id = $1 AND chat_id = $2 AND dismissed_at IS NULL`, [corpId, r.target]));
      if (!stillThere) {
        status = 2;
        counts.notFriend++;
      } else if (num(received?.n) >= cap) {
        status = 3;
        counts.overCap++;
      } else {
        status = 1;
        counts.sent++;
        for (const rcpt of recipients) {
          for (const p of content) {
            await tx.q(
              `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, chat_id, ref_id, payload, created_at)
               VALUES ($1, 'mass', 'to_customer', $2, $3, $4, $5, $6, $7, $8)`,
              [corpId, rcpt.wechat_user_id, rcpt.external_userid, userid, ms.chat_type === 'group' ? r.target : null, msgid, JSON.stringify(p), now],
            );
          }
        }
      }
      await tx.q(`UPDATE {s}.mass_send_results SET status = $5, send_time_sec = $6 WHERE corp_id = $1 AND msgid = $2 AND userid = $3 AND target = $4`, [
        corpId,
        msgid,
        userid,
        r.target,
        status,
        status === 1 ? nowSec : null,
      ]);
    }
    await tx.q(`UPDATE {s}.mass_send_tasks SET status = 2, send_time_sec = $4 WHERE corp_id = $1 AND msgid = $2 AND userid = $3`, [corpId, msgid, userid, nowSec]);
    return { msgid, userid, ...counts, cap };
  });
}

async function requireMassSend(sql: Sql, corpId: string, msgid: unknown) {
  if (typeof msgid !== 'string' || !msgid) throw E.param('msgid', 'required');
  const r = await sql.one<SimMassSendRow>(`SELECT * FROM {s}.mass_sends WHERE corp_id = $1 AND msgid = $2`, [corpId, msgid]);
  if (!r) throw E.param('msgid', `not found: ${msgid}`);
  return r;
}

export async function getGroupMsgListV2(ctx: SimContext, corpId: string, body: Body) {
  const chatType = reqString(body, 'chat_type');
  if (chatType !== 'single' && chatType !== 'group') throw E.param('chat_type', 'must be single or group');
  const start = optInt(body, 'start_time');
  const end = optInt(body, 'end_time');
  if (start === undefined) throw E.param('start_time', 'required');
  if (end === undefined) throw E.param('end_time', 'required');
  if (end < start) throw E.param('end_time', 'must not be before start_time');
  const filterType = optInt(body, 'filter_type', { allowed: [0, 1, 2] }) ?? 2;
  const creator = optString(body, 'creator');
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

export async function remindGroupMsgSend(ctx: SimContext, corpId: string, body: Body) {
  const ms = await requireMassSend(ctx.db, corpId, body.msgid);
  const now = ctx.clock.now();
  const recent = ms.reminds.map(Number).filter((t) => t > now - DAY_MS);
  if (recent.length >= 3) throw new SimError(45009, 'api freq out of limit: a mass message can be reminded at most 3 times in 24 hours');
  await ctx.db.q(`UPDATE {s}.mass_sends SET reminds = array_append(reminds, $3) WHERE corp_id = $1 AND msgid = $2`, [corpId, ms.msgid, now]);
  const pending = await ctx.db.q<Pick<SimMassSendTaskRow, 'userid'>>(`SELECT userid FROM {s}.mass_send_tasks WHERE corp_id = $1 AND msgid = $2 AND status = 0`, [corpId, ms.msgid]);
  for (const p of pending) {
    await ctx.db.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, userid, ref_id, payload, created_at) VALUES ($1, 'reminder', 'to_staff', $2, $3, $4, $5)`,
      [corpId, p.userid, ms.msgid, JSON.stringify({ msgtype: 'text', text: { content: '你有一条企业群发待发送 (a mass message is waiting for you to send it)' } }), now],
    );
  }
}

export async function cancelGroupMsgSend(ctx: SimContext, corpId: string, body: Body) {
  const ms = await requireMassSend(ctx.db, corpId, body.msgid);
  await ctx.db.q(`UPDATE {s}.mass_sends SET canceled_at = coalesce(canceled_at, $3) WHERE corp_id = $1 AND msgid = $2`, [corpId, ms.msgid, ctx.clock.now()]);
}

// ---- moments ---------------------------------------------------------------------------------

export async function addMomentTask(ctx: SimContext, corpId: string, body: Body) {
  const text = prop(body.text, 'content');
  if (text !== undefined && typeof text !== 'string') throw E.param('text.content', 'must be a string');
  if (text && Buffer.byteLength(text) > 4000) throw E.param('text.content', 'at most 2000 characters (4000 bytes)');
  const given = body.attachments ?? [];
  if (!Array.isArray(given)) throw E.param('attachments', 'must be an array');
  const attachments: unknown[] = given;
  if (!text && attachments.length === 0) throw E.param('text', 'text and attachments cannot both be empty');
  const types = new Set(attachments.map((a) => prop(a, 'msgtype')));
  if (types.size > 1) throw E.param('attachments', 'images, a video and a link cannot be mixed');
  const type = [...types][0];
  if (type !== undefined && type !== 'image' && type !== 'video' && type !== 'link') throw E.param('attachments[0].msgtype', 'must be image, video or link');
  if (type === 'image' && attachments.length > 9) throw E.param('attachments', 'at most 9 images');
  if ((type === 'video' || type === 'link') && attachments.length > 1) throw E.param('attachments', `only one ${type}`);
  // Every attachment is of `type` (image, video or link) and carries its media_id: the shape getMomentList reads back.
  const mediaIds = attachments.map((a, i) => {
    const part = prop(a, String(type));
    const id = prop(part, 'media_id');
    if (type === 'link' && !prop(part, 'url')) throw E.param(`attachments[${i}].link.url`, 'required');
    if (!id) throw E.param(`attachments[${i}].${type}.media_id`, 'required');
    if (typeof id !== 'string') throw E.param(`attachments[${i}].${type}.media_id`, 'must be a string');
    return id;
  });
  if (mediaIds.length) {
    // Moments only take media uploaded with media/upload_attachment (WECOM.md §17.10).
    const ok = await ctx.db.q<Pick<SimMediaRow, 'media_id'>>(`SELECT media_id FROM {s}.media WHERE corp_id = $1 AND attachment AND media_id = ANY($2::text[])`, [
      corpId,
      mediaIds,
    ]);
    const bad = mediaIds.find((m) => !ok.some((r) => r.media_id === m));
    if (bad) throw E.invalidMediaId(bad);
  }
  const senderList = prop(body.visible_range, 'sender_list') ?? {};
  const senders = optStringArray(senderList, 'user_list', { max: 100_000 });
  const departments = optIntArray(senderList, 'department_list') ?? [];
  const tagList = optStringArray(prop(body.visible_range, 'external_contact_list') ?? {}, 'tag_list') ?? [];
  const staff = await ctx.db.q<Pick<SimStaffRow, 'userid' | 'department'>>(
    `SELECT userid, department FROM {s}.staff WHERE corp_id = $1 AND status = 1 AND is_follow_user`,
    [corpId],
  );
  const chosen = staff.filter(
    (s) => (!senders && departments.length === 0) || senders?.includes(s.userid) || s.department.some((d) => departments.includes(d)),
  );
  const invalidUsers = (senders ?? []).filter((u) => !staff.some((s) => s.userid === u));
  const momentId = newIds.momentId();
  const jobid = newIds.jobid();
  const now = ctx.clock.now();
  await ctx.db.tx(async (tx) => {
    await tx.q(`INSERT INTO {s}.moments (corp_id, moment_id, jobid, body, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      corpId,
      momentId,
      jobid,
      JSON.stringify({ text: text ? { content: text } : undefined, attachments, tagList, invalidUsers }),
      now,
    ]);
    if (chosen.length) {
      await tx.q(`INSERT INTO {s}.moment_tasks (corp_id, moment_id, userid) SELECT $1, $2, unnest($3::text[])`, [
        corpId,
        momentId,
        chosen.map((s) => s.userid),
      ]);
    }
  });
  return { jobid };
}

export async function getMomentTaskResult(ctx: SimContext, corpId: string, jobid: string | undefined) {
  if (!jobid) throw E.param('jobid', 'required');
  const m = await ctx.db.one<SimMomentRow>(`SELECT * FROM {s}.moments WHERE corp_id = $1 AND jobid = $2`, [corpId, jobid]);
  if (!m) throw new SimError(40088, `invalid jobid: ${jobid}`);
  return {
    status: 3,
    type: 'add_moment_task',
    result: {
      errcode: 0,
      errmsg: 'ok',
      moment_id: m.moment_id,
      invalid_sender_list: { user_list: m.body.invalidUsers ?? [], department_list: [] },
      invalid_external_contact_list: { tag_list: [] },
    },
  };
}

async function requireMoment(sql: Sql, corpId: string, momentId: unknown) {
  if (typeof momentId !== 'string' || !momentId) throw E.param('moment_id', 'required');
  const m = await sql.one<SimMomentRow>(`SELECT * FROM {s}.moments WHERE corp_id = $1 AND moment_id = $2`, [corpId, momentId]);
  if (!m) throw E.param('moment_id', `not found: ${momentId}`);
  return m;
}

export async function cancelMomentTask(ctx: SimContext, corpId: string, body: Body) {
  const m = await requireMoment(ctx.db, corpId, body.moment_id);
  await ctx.db.q(`UPDATE {s}.moments SET canceled_at = coalesce(canceled_at, $3) WHERE corp_id = $1 AND moment_id = $2`, [corpId, m.moment_id, ctx.clock.now()]);
}

export async function getMomentList(ctx: SimContext, corpId: string, body: Body) {
  const start = optInt(body, 'start_time');
  const end = optInt(body, 'end_time');
  if (start === undefined) throw E.param('start_time', 'required');
  if (end === undefined) throw E.param('end_time', 'required');
  const filterType = optInt(body, 'filter_type', { allowed: [0, 1, 2] }) ?? 2;
  const limit = limitOf(body, 'limit', 20, 20);
  const after = readPairCursor(body.cursor, 'number');
  const rows =
    filterType === 1
      ? []
      : await ctx.db.q<SimMomentRow>(
          `SELECT * FROM {s}.moments WHERE corp_id = $1 AND canceled_at IS NULL AND created_at >= $2 AND created_at < $3
             AND ($4::bigint IS NULL OR (created_at, moment_id) > ($4, $5)) ORDER BY created_at, moment_id LIMIT $6`,
          [corpId, start * 1000, (end + 1) * 1000, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
        );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    next_cursor: more ? encodeCursor([num(last.created_at), last.moment_id]) : '',
    moment_list: page.map((m) => {
      const atts: MomentAttachment[] = m.body.attachments ?? [];
      return {
        moment_id: m.moment_id,
        create_time: String(Math.floor(num(m.created_at) / 1000)),
        create_type: 0,
        visible_type: 1,
        ...(m.body.text ? { text: m.body.text } : {}),
        ...(atts.some((a) => a.msgtype === 'image') ? { image: atts.map((a) => ({ media_id: a.image?.media_id })) } : {}),
        ...(atts.some((a) => a.msgtype === 'video') ? { video: { media_id: atts[0].video?.media_id, thumb_media_id: '' } } : {}),
        ...(atts.some((a) => a.msgtype === 'link') ? { link: { title: atts[0].link?.title ?? '', url: atts[0].link?.url } } : {}),
      };
    }),
  };
}

export async function getMomentTask(ctx: SimContext, corpId: string, body: Body) {
  const m = await requireMoment(ctx.db, corpId, body.moment_id);
  const limit = limitOf(body, 'limit', 500, 1000);
  const after = readKeyCursor(body.cursor);
  const rows = await ctx.db.q<SimMomentTaskRow>(
    `SELECT * FROM {s}.moment_tasks WHERE corp_id = $1 AND moment_id = $2 AND ($3::text IS NULL OR userid > $3) ORDER BY userid LIMIT $4`,
    [corpId, m.moment_id, after, limit + 1],
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    next_cursor: more ? encodeCursor(page[page.length - 1].userid) : '',
    task_list: page.map((r) => ({ userid: r.userid, publish_status: r.publish_status })),
  };
}

async function momentAudience(sql: Sql, corpId: string, m: Pick<SimMomentRow, 'body'>, userid: string) {
  const tagList: string[] = m.body.tagList ?? [];
  return sql.q<Pick<SimFollowRow, 'external_userid'>>(
    `SELECT external_userid FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND status = 'active'
       AND (cardinality($3::text[]) = 0 OR tag_ids && $3::text[]) ORDER BY external_userid`,
    [corpId, userid, tagList],
  );
}

export async function getMomentCustomerList(ctx: SimContext, corpId: string, body: Body, publishedOnly: boolean) {
  const m = await requireMoment(ctx.db, corpId, body.moment_id);
  const userid = reqString(body, 'userid');
  const limit = limitOf(body, 'limit', publishedOnly ? 3000 : 500, publishedOnly ? 5000 : 1000);
  const task = await ctx.db.one<SimMomentTaskRow>(`SELECT * FROM {s}.moment_tasks WHERE corp_id = $1 AND moment_id = $2 AND userid = $3`, [corpId, m.moment_id, userid]);
  const audience = task && (!publishedOnly || task.publish_status === 1) ? await momentAudience(ctx.db, corpId, m, userid) : [];
  const after = readKeyCursor(body.cursor);
  const rest = after ? audience.filter((a) => a.external_userid > after) : audience;
  const page = rest.slice(0, limit);
  const more = rest.length > limit;
  return {
    next_cursor: more ? encodeCursor(page[page.length - 1].external_userid) : '',
    customer_list: page.map((a) => (publishedOnly ? { external_userid: a.external_userid } : { userid, external_userid: a.external_userid })),
  };
}

export async function publishMoment(ctx: SimContext, corpId: string, userid: string, momentId: string) {
  const r = await ctx.db.q(
    `UPDATE {s}.moment_tasks t SET publish_status = 1, published_at = $4
       FROM {s}.moments m WHERE m.corp_id = t.corp_id AND m.moment_id = t.moment_id AND m.canceled_at IS NULL
        AND t.corp_id = $1 AND t.moment_id = $2 AND t.userid = $3 RETURNING 1`,
    [corpId, momentId, userid, ctx.clock.now()],
  );
  if (r.length === 0) throw new ControlError(`${userid} has no open task for moment ${momentId}`, 404);
}
