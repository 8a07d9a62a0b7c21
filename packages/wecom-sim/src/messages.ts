// 1:1 chat lines between customers and staff (they start the chat, so unused welcome codes
// become void, and they feed get_user_behavior_data), staff lines in customer groups (kind
// group_chat: one row per customer member, sharing ref_id), app messages to staff (message/send),
// and each simulated person's inbox.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { externalUseridFor, newIds, randomId } from './ids';
import { getFollow } from './customers';
import type { MessagePayload, SimCustomerRow, SimDepartmentRow, SimGroupRow, SimMessageRow, SimStaffRow, SimWechatUserRow } from './rows';
import { isRecord, optInt, type Body } from './validate';
import { voidWelcomeCodes } from './welcome';
import { groupArchiveBody, privateArchiveBody, recordArchive } from './msgaudit';

export interface InboxMessage {
  id: number;
  corpId: string;
  kind: 'welcome' | 'group_welcome' | 'mass' | 'transfer' | 'chat' | 'group_chat';
  from: { userid: string | null; name: string | null; chatId: string | null; groupName: string | null };
  payload: Record<string, unknown>;
  createdAt: number;
}

const textPayload = (content: string) => ({ msgtype: 'text', text: { content } });

function checkText(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw new ControlError('text: required');
  if (Buffer.byteLength(text) > 4000) throw new ControlError('text: at most 4000 bytes');
  return text;
}

/** The customer writes to a staff member they are friends with (text, or any send-form payload: link, image…). */
export async function customerSendsMessage(ctx: SimContext, corpId: string, wechatUserId: string, userid: string, text: string | Record<string, unknown>) {
  const payload = typeof text === 'string' ? textPayload(checkText(text)) : text;
  const externalUserid = externalUseridFor(corpId, wechatUserId);
  const f = await getFollow(ctx.db, corpId, userid, externalUserid);
  if (!f || (f.status !== 'active' && f.status !== 'half')) throw new ControlError(`${wechatUserId} is not a friend of ${userid}`, 409);
  const now = ctx.clock.now();
  const msgid = newIds.msgid();
  await ctx.db.tx(async (tx) => {
    await tx.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, payload, created_at)
       VALUES ($1, 'chat', 'from_customer', $2, $3, $4, $5, $6)`,
      [corpId, wechatUserId, externalUserid, userid, JSON.stringify(payload), now],
    );
    // Once the chat has started the welcome code can no longer be used (41051).
    await voidWelcomeCodes(tx, corpId, userid, externalUserid);
    await recordArchive(tx, corpId, [privateArchiveBody(externalUserid, userid, payload, now, msgid)]);
  });
  ctx.onArchived?.(corpId);
  return { corpId, userid, externalUserid, msgid, createdAt: now };
}

/** The staff member writes to a customer in the client (counts as chat for behaviour data). */
export async function staffSendsMessage(ctx: SimContext, corpId: string, userid: string, externalUserid: string, text: string) {
  return staffSendsPayload(ctx, corpId, userid, externalUserid, textPayload(checkText(text)));
}

/** Any message payload (text, image, link, mini-program …) from the staff member to a customer, e.g. the sidebar's sendChatMessage. */
export async function staffSendsPayload(ctx: SimContext, corpId: string, userid: string, externalUserid: string, payload: Record<string, unknown>) {
  const f = await getFollow(ctx.db, corpId, userid, externalUserid);
  if (!f || (f.status !== 'active' && f.status !== 'half')) throw new ControlError(`${userid} does not follow ${externalUserid}`, 409);
  const now = ctx.clock.now();
  const msgid = newIds.msgid();
  await ctx.db.tx(async (tx) => {
    await tx.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, payload, created_at)
       SELECT $1, 'chat', 'to_customer', c.wechat_user_id, c.external_userid, $3, $4, $5 FROM {s}.customers c
        WHERE c.corp_id = $1 AND c.external_userid = $2`,
      [corpId, externalUserid, userid, JSON.stringify(payload), now],
    );
    await voidWelcomeCodes(tx, corpId, userid, externalUserid);
    await recordArchive(tx, corpId, [privateArchiveBody(userid, externalUserid, payload, now, msgid)]);
  });
  ctx.onArchived?.(corpId);
  return { corpId, userid, externalUserid, msgid, createdAt: now };
}

/** The staff member writes in a customer group they are in: every customer member's phone gets it. */
export async function staffSendsGroupMessage(ctx: SimContext, corpId: string, userid: string, chatId: string, text: string) {
  return staffSendsGroupPayload(ctx, corpId, userid, chatId, textPayload(checkText(text)));
}

export async function staffSendsGroupPayload(ctx: SimContext, corpId: string, userid: string, chatId: string, payload: Record<string, unknown>) {
  const g = await ctx.db.one<Pick<SimGroupRow, 'dismissed_at'>>(`SELECT dismissed_at FROM {s}.groups WHERE corp_id = $1 AND chat_id = $2`, [corpId, chatId]);
  if (!g) throw new ControlError(`unknown group ${chatId}`, 404);
  if (g.dismissed_at) throw new ControlError(`group ${chatId} was dismissed`, 409);
  const inGroup = await ctx.db.one(
    `SELECT 1 FROM {s}.group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3 AND type = 1 AND left_at IS NULL`,
    [corpId, chatId, userid],
  );
  if (!inGroup) throw new ControlError(`${userid} is not a member of group ${chatId}`, 409);
  const now = ctx.clock.now();
  const msgid = newIds.msgid();
  // One row per customer member (their inboxes); a group without customers still keeps one row for its transcript.
  const rows = await ctx.db.q(
    `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, chat_id, ref_id, payload, created_at)
     SELECT $1, 'group_chat', 'to_customer', m.wechat_user_id, m.member_id, $3, $2, $4, $5, $6 FROM {s}.group_members m
      WHERE m.corp_id = $1 AND m.chat_id = $2 AND m.type = 2 AND m.left_at IS NULL
     RETURNING 1`,
    [corpId, chatId, userid, msgid, JSON.stringify(payload), now],
  );
  if (rows.length === 0) {
    await ctx.db.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, userid, chat_id, ref_id, payload, created_at) VALUES ($1, 'group_chat', 'to_customer', $3, $2, $4, $5, $6)`,
      [corpId, chatId, userid, msgid, JSON.stringify(payload), now],
    );
  }
  await recordArchive(ctx.db, corpId, [await groupArchiveBody(ctx.db, corpId, chatId, userid, payload, now, msgid)]);
  ctx.onArchived?.(corpId);
  return { corpId, userid, chatId, msgid, recipients: rows.length, createdAt: now };
}

export async function listInbox(sql: Sql, wechatUserId: string, limit = 100): Promise<InboxMessage[]> {
  const rows = await sql.q<SimMessageRow & { staff_name: SimStaffRow['name'] | null; group_name: SimGroupRow['name'] | null }>(
    `SELECT m.*, s.name AS staff_name, g.name AS group_name FROM {s}.messages m
       LEFT JOIN {s}.staff s ON s.corp_id = m.corp_id AND s.userid = m.userid
       LEFT JOIN {s}.groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
      WHERE m.wechat_user_id = $1 AND m.direction = 'to_customer'
      ORDER BY m.id DESC LIMIT $2`,
    [wechatUserId, Math.min(limit, 500)],
  );
  return rows.map((r) => ({
    id: num(r.id),
    corpId: r.corp_id,
    // What reaches a customer (direction to_customer) is one of the inbox kinds.
    kind: r.kind as InboxMessage['kind'],
    from: { userid: r.userid, name: r.staff_name, chatId: r.chat_id, groupName: r.group_name },
    payload: r.payload,
    createdAt: num(r.created_at),
  }));
}

/** The chat between one customer and one staff member, oldest first. */
export async function listConversation(sql: Sql, corpId: string, wechatUserId: string, userid: string, limit = 50) {
  const rows = await sql.q<SimMessageRow>(
    `SELECT * FROM (SELECT * FROM {s}.messages WHERE corp_id = $1 AND wechat_user_id = $2 AND userid = $3 AND chat_id IS NULL
                       AND kind IN ('chat', 'welcome', 'mass', 'transfer')
                     ORDER BY id DESC LIMIT $4) x ORDER BY id`,
    [corpId, wechatUserId, userid, limit],
  );
  return rows.map((r) => ({ id: num(r.id), kind: r.kind, direction: r.direction, payload: r.payload, createdAt: num(r.created_at) }));
}

export interface TranscriptLine {
  id: number;
  kind: string;
  direction: string;
  userid: string | null;
  /** The customer a line is from (a customer's line in a group) or to (1:1). */
  externalUserid: string | null;
  staffName: string | null;
  customerName: string | null;
  payload: MessagePayload;
  createdAt: number;
}

/** What the WeCom client shows in a chat: the 1:1 lines between staff and customer, or a group's messages (each once). */
export async function listChatTranscript(
  sql: Sql,
  corpId: string,
  chat: { userid: string; externalUserid: string } | { chatId: string },
  limit = 50,
): Promise<TranscriptLine[]> {
  const rows =
    'chatId' in chat
      ? await sql.q<SimMessageRow>(
          // Rows sent to every customer member share ref_id (shown once); a member's own line (in_group) is its own.
          `SELECT * FROM (SELECT DISTINCT ON (CASE WHEN direction = 'in_group' THEN id::text ELSE coalesce(ref_id, id::text) END, payload) * FROM {s}.messages
                           WHERE corp_id = $1 AND chat_id = $2 AND kind IN ('group_chat', 'mass', 'group_welcome')
                           ORDER BY CASE WHEN direction = 'in_group' THEN id::text ELSE coalesce(ref_id, id::text) END, payload, id) x
            ORDER BY id DESC LIMIT $3`,
          [corpId, chat.chatId, limit],
        )
      : await sql.q<SimMessageRow>(
          `SELECT * FROM {s}.messages WHERE corp_id = $1 AND userid = $2 AND external_userid = $3 AND chat_id IS NULL
              AND kind IN ('chat', 'welcome', 'mass', 'transfer')
            ORDER BY id DESC LIMIT $4`,
          [corpId, chat.userid, chat.externalUserid, limit],
        );
  const staff = await sql.q<Pick<SimStaffRow, 'userid' | 'name'>>(`SELECT userid, name FROM {s}.staff WHERE corp_id = $1 AND userid = ANY($2::text[])`, [
    corpId,
    [...new Set(rows.map((r) => r.userid).filter(Boolean))],
  ]);
  const users = await sql.q<Pick<SimWechatUserRow, 'id' | 'nickname'>>(`SELECT id, nickname FROM {s}.wechat_users WHERE id = ANY($1::text[])`, [
    [...new Set(rows.map((r) => r.wechat_user_id).filter(Boolean))],
  ]);
  // A customer's own lines in a group name them by external_userid only.
  const speakers = await sql.q<Pick<SimCustomerRow, 'external_userid'> & Pick<SimWechatUserRow, 'nickname'>>(
    `SELECT c.external_userid, w.nickname FROM {s}.customers c JOIN {s}.wechat_users w ON w.id = c.wechat_user_id
      WHERE c.corp_id = $1 AND c.external_userid = ANY($2::text[])`,
    [corpId, [...new Set(rows.filter((r) => !r.wechat_user_id && r.external_userid).map((r) => r.external_userid))]],
  );
  return rows.reverse().map((r) => ({
    id: num(r.id),
    kind: r.kind,
    direction: r.direction,
    userid: r.userid,
    externalUserid: r.external_userid,
    staffName: staff.find((s) => s.userid === r.userid)?.name ?? null,
    customerName: users.find((u) => u.id === r.wechat_user_id)?.nickname ?? speakers.find((x) => x.external_userid === r.external_userid)?.nickname ?? null,
    payload: r.payload,
    createdAt: num(r.created_at),
  }));
}

// ---- app messages (message/send) ---------------------------------------------------------------

const APP_MSGTYPES = ['text', 'image', 'voice', 'video', 'file', 'textcard', 'news', 'mpnews', 'markdown', 'miniprogram_notice', 'template_card'];

export async function sendAppMessage(ctx: SimContext, corpId: string, agentId: number, body: Body) {
  if (body.agentid === undefined) throw E.param('agentid', 'required');
  if (Number(body.agentid) !== agentId) throw E.invalidAgentId();
  const msgtype = body.msgtype;
  if (typeof msgtype !== 'string' || !APP_MSGTYPES.includes(msgtype)) throw E.invalidMsgtype(String(msgtype));
  const payload = body[msgtype];
  if (!isRecord(payload)) throw E.param(msgtype, `required for msgtype ${msgtype}`);
  checkAppPayload(msgtype, payload);
  const touser = typeof body.touser === 'string' ? body.touser.split('|').filter(Boolean) : [];
  const toparty = typeof body.toparty === 'string' ? body.toparty.split('|').filter(Boolean).map(Number) : [];
  const totag = typeof body.totag === 'string' ? body.totag.split('|').filter(Boolean) : [];
  if (touser.length === 0 && toparty.length === 0 && totag.length === 0) throw E.param('touser', 'touser, toparty or totag is required');
  if (touser.length > 1000) throw E.param('touser', 'at most 1000 users');
  if (toparty.length > 100) throw E.param('toparty', 'at most 100 departments');
  if (totag.length > 100) throw E.param('totag', 'at most 100 tags');
  const staff = await ctx.db.q<Pick<SimStaffRow, 'userid' | 'department'>>(`SELECT userid, department FROM {s}.staff WHERE corp_id = $1 AND status = 1`, [corpId]);
  const all = touser.includes('@all');
  const recipients = new Set<string>();
  const invalidUsers: string[] = [];
  for (const u of all ? staff.map((s) => s.userid) : touser) {
    if (staff.some((s) => s.userid === u)) recipients.add(u);
    else invalidUsers.push(u);
  }
  const invalidParties: number[] = [];
  if (toparty.length) {
    const deps = await ctx.db.q<Pick<SimDepartmentRow, 'id'>>(`SELECT id FROM {s}.departments WHERE corp_id = $1 AND id = ANY($2::int[])`, [corpId, toparty]);
    for (const p of toparty) {
      if (!deps.some((d) => d.id === p)) invalidParties.push(p);
      else for (const s of staff) if (s.department.includes(p)) recipients.add(s.userid);
    }
  }
  // Nobody valid to send to: WeCom's 81013 (the simulator has no member tags, so totag alone never reaches anyone).
  if (recipients.size === 0) throw new SimError(81013, 'user & party & tag all invalid');
  const msgid = randomId(40);
  const now = ctx.clock.now();
  const list = [...recipients];
  // enable_duplicate_check: the same message to the same member within the interval (default 1800 s, ≤ 4 h) is not delivered again.
  const dedupe = optInt(body, 'enable_duplicate_check', { allowed: [0, 1] }) === 1;
  const interval = optInt(body, 'duplicate_check_interval', { min: 1, max: 14_400 }) ?? 1800;
  await ctx.db.q(
    `INSERT INTO {s}.messages (corp_id, kind, direction, userid, ref_id, payload, created_at)
     SELECT $1, 'app', 'to_staff', u, $3, $4, $5 FROM unnest($2::text[]) AS u
      WHERE NOT $6::boolean OR NOT EXISTS (
        SELECT 1 FROM {s}.messages d WHERE d.corp_id = $1 AND d.userid = u AND d.kind = 'app' AND d.direction = 'to_staff'
           AND d.created_at > $5::bigint - $7::bigint * 1000 AND d.payload = $4::jsonb)`,
    [corpId, list, msgid, JSON.stringify({ msgtype, [msgtype]: payload }), now, dedupe, interval],
  );
  return {
    invaliduser: invalidUsers.join('|'),
    invalidparty: invalidParties.join('|'),
    invalidtag: typeof body.totag === 'string' ? body.totag : '',
    unlicenseduser: '',
    msgid,
  };
}

const bytesOf = (v: unknown) => Buffer.byteLength(String(v), 'utf8');

/** message/send payload rules (WECOM.md §14): required fields 40058, text too long 45002 as WeCom. */
function checkAppPayload(msgtype: string, p: Record<string, unknown>): void {
  const need = (k: string) => {
    if (typeof p[k] !== 'string' || !p[k]) throw E.param(`${msgtype}.${k}`, 'required');
    return p[k];
  };
  const max = (k: string, n: number, unit: 'bytes' | 'characters' = 'bytes') => {
    if (p[k] === undefined) return;
    if (typeof p[k] !== 'string') throw E.param(`${msgtype}.${k}`, 'must be a string');
    const size = unit === 'bytes' ? bytesOf(p[k]) : [...p[k]].length;
    if (size > n) throw new SimError(45002, `content size out of limit: ${msgtype}.${k} is at most ${n} ${unit}`);
  };
  switch (msgtype) {
    case 'text':
    case 'markdown':
      if (typeof p.content !== 'string' || !p.content) throw new SimError(44004, `empty content: ${msgtype}.content is required`);
      max('content', 2048);
      break;
    case 'textcard':
      need('title');
      need('description');
      need('url');
      max('title', 128);
      max('description', 512);
      max('url', 2048);
      max('btntxt', 4, 'characters');
      if (!/^https?:\/\//i.test(String(p.url))) throw E.param('textcard.url', 'must start with http:// or https://');
      break;
    case 'news': {
      const articles = p.articles;
      if (!Array.isArray(articles) || articles.length < 1 || articles.length > 8) throw E.param('news.articles', '1 to 8 articles');
      (articles as unknown[]).forEach((a, i) => {
        if (!isRecord(a) || typeof a.title !== 'string' || !a.title) throw E.param(`news.articles[${i}].title`, 'required');
        if (typeof a.url !== 'string' || !/^https?:\/\//i.test(a.url)) throw E.param(`news.articles[${i}].url`, 'an http(s) URL is required');
      });
      break;
    }
    case 'image':
    case 'voice':
    case 'video':
    case 'file':
      need('media_id');
      break;
  }
}

/** One message to the member (an app message or a reminder), or null. */
export async function getStaffMessage(sql: Sql, corpId: string, userid: string, id: number) {
  const r = await sql.one<SimMessageRow>(`SELECT * FROM {s}.messages WHERE id = $1 AND corp_id = $2 AND userid = $3 AND direction = 'to_staff'`, [id, corpId, userid]);
  return r ? { id: num(r.id), kind: r.kind, msgid: r.ref_id ?? '', payload: r.payload, createdAt: num(r.created_at) } : null;
}

export async function listStaffMessages(sql: Sql, corpId: string, userid?: string, limit = 100) {
  const rows = await sql.q<SimMessageRow>(
    `SELECT * FROM {s}.messages WHERE corp_id = $1 AND direction = 'to_staff' AND ($2::text IS NULL OR userid = $2) ORDER BY id DESC LIMIT $3`,
    [corpId, userid ?? null, Math.min(limit, 500)],
  );
  // Messages to staff (reminders, app messages) always name the member and the msgid.
  return rows.map((r) => ({ id: num(r.id), kind: r.kind, userid: r.userid ?? '', msgid: r.ref_id ?? '', payload: r.payload, createdAt: num(r.created_at) }));
}
