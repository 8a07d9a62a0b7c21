// Welcome messages: the WelcomeCode issued with an add event (valid 20 s, single use, void once
// the chat has started), send_welcome_msg, and the group welcome template library (≤ 100).
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { E, SimError } from './errors';
import { newIds } from './ids';
import type { Count, Int8, Payload, SimGroupWelcomeTemplateRow, SimMediaRow } from './rows';
import { isRecord, prop, type Body } from './validate';

export const WELCOME_CODE_TTL_MS = 20_000;
export const MAX_GROUP_WELCOME_TEMPLATES = 100;

export async function issueWelcomeCode(sql: Sql, corpId: string, userid: string, externalUserid: string, now: number): Promise<string> {
  const code = newIds.welcomeCode();
  await sql.q(`INSERT INTO {s}.welcome_codes (code, corp_id, userid, external_userid, issued_at) VALUES ($1, $2, $3, $4, $5)`, [
    code,
    corpId,
    userid,
    externalUserid,
    now,
  ]);
  return code;
}

/** The chat has started (or the relationship ended): unused codes for the pair become unusable. */
export async function voidWelcomeCodes(sql: Sql, corpId: string, userid: string, externalUserid: string): Promise<void> {
  await sql.q(
    `UPDATE {s}.welcome_codes SET void = true WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 AND used_at IS NULL AND NOT void`,
    [corpId, externalUserid, userid],
  );
}

// ---- message content (welcome, mass messages) ------------------------------------------------

export type { Payload };

const ATTACHMENT_TYPES = ['image', 'link', 'miniprogram', 'video', 'file'] as const;
const isAttachmentType = (v: unknown): v is (typeof ATTACHMENT_TYPES)[number] => ATTACHMENT_TYPES.some((t) => t === v);

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function str(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/** Validates text + attachments as WeCom does (§5) and returns them as separate messages. */
export async function readContent(
  sql: Sql,
  corpId: string,
  body: Body,
  opts: { maxAttachments: number; textMaxBytes: number },
): Promise<Payload[]> {
  const out: Payload[] = [];
  const text = body.text;
  if (text !== undefined) {
    if (!isRecord(text)) throw E.param('text', 'must be {content}');
    const content = text.content;
    if (content !== undefined && typeof content !== 'string') throw E.param('text.content', 'must be a string');
    if (content && bytes(content) > opts.textMaxBytes) throw E.param('text.content', `at most ${opts.textMaxBytes} bytes`);
    if (content) out.push({ msgtype: 'text', text: { content } });
  }
  const given = body.attachments ?? [];
  if (!Array.isArray(given)) throw E.param('attachments', 'must be an array');
  const attachments: unknown[] = given;
  if (attachments.length > opts.maxAttachments) throw E.param('attachments', `at most ${opts.maxAttachments} attachments`);
  const mediaIds: string[] = [];
  const need = (v: unknown, field: string): string => {
    if (!str(v)) throw E.param(field, 'required');
    return v;
  };
  attachments.forEach((a, i) => {
    const at = `attachments[${i}]`;
    const msgtype = prop(a, 'msgtype');
    if (!a || !isAttachmentType(msgtype)) throw E.param(`${at}.msgtype`, `must be one of ${ATTACHMENT_TYPES.join(', ')}`);
    const p = prop(a, msgtype);
    if (!isRecord(p)) throw E.param(`${at}.${msgtype}`, `required for msgtype ${msgtype}`);
    switch (msgtype) {
      case 'image':
        if (!str(p.media_id) && !str(p.pic_url)) throw E.param(`${at}.image`, 'media_id or pic_url required');
        if (str(p.media_id)) mediaIds.push(p.media_id);
        break;
      case 'link':
        if (!str(p.url)) throw E.param(`${at}.link.url`, 'required');
        if (!str(p.title)) throw E.param(`${at}.link.title`, 'required');
        if (bytes(p.title) > 128) throw E.param(`${at}.link.title`, 'at most 128 bytes');
        if (p.desc !== undefined && bytes(String(p.desc)) > 512) throw E.param(`${at}.link.desc`, 'at most 512 bytes');
        break;
      case 'miniprogram': {
        const title = need(p.title, `${at}.miniprogram.title`);
        const picMediaId = need(p.pic_media_id, `${at}.miniprogram.pic_media_id`);
        need(p.appid, `${at}.miniprogram.appid`);
        need(p.page, `${at}.miniprogram.page`);
        if (bytes(title) > 64) throw E.param(`${at}.miniprogram.title`, 'at most 64 bytes');
        mediaIds.push(picMediaId);
        break;
      }
      default:
        mediaIds.push(need(p.media_id, `${at}.${msgtype}.media_id`));
    }
    out.push({ msgtype, [msgtype]: p });
  });
  if (mediaIds.length > 0) {
    const found = await sql.q<Pick<SimMediaRow, 'media_id'>>(`SELECT media_id FROM {s}.media WHERE corp_id = $1 AND media_id = ANY($2::text[])`, [
      corpId,
      mediaIds,
    ]);
    const have = new Set(found.map((r) => r.media_id));
    const missing = mediaIds.find((m) => !have.has(m));
    if (missing) throw E.invalidMediaId(missing);
  }
  return out;
}

/** send_welcome_msg: claims the code and stores the messages in one statement. */
export async function sendWelcomeMsg(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  if (!str(body.welcome_code)) throw E.param('welcome_code', 'required');
  const messages = await readContent(ctx.db, corpId, body, { maxAttachments: 9, textMaxBytes: 4000 });
  if (messages.length === 0) throw E.param('text', 'text.content and attachments cannot both be empty');
  const now = ctx.clock.now();
  const r = await ctx.db.one<{ used: Int8; stored: Int8 }>(
    `WITH w AS (
       UPDATE {s}.welcome_codes SET used_at = $3
        WHERE code = $1 AND corp_id = $2 AND used_at IS NULL AND NOT void AND issued_at > $3::bigint - ${WELCOME_CODE_TTL_MS}
       RETURNING corp_id, userid, external_userid
     ), ins AS (
       INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, ref_id, payload, created_at)
       SELECT w.corp_id, 'welcome', 'to_customer', c.wechat_user_id, w.external_userid, w.userid, $1, p.payload, $3
         FROM w JOIN {s}.customers c ON c.corp_id = w.corp_id AND c.external_userid = w.external_userid
        CROSS JOIN unnest($4::jsonb[]) WITH ORDINALITY AS p(payload, ord)
        ORDER BY p.ord
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM w) AS used, (SELECT count(*) FROM ins) AS stored`,
    [body.welcome_code, corpId, now, messages.map((m) => JSON.stringify(m))],
  );
  if (!r || num(r.used) === 0) throw E.welcomeCodeUnusable();
}

// ---- group welcome templates ------------------------------------------------------------------

const TEMPLATE_KINDS = ['text', 'image', 'link', 'miniprogram', 'file', 'video'] as const;

function readTemplate(body: Body, textMaxBytes: number): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  for (const k of TEMPLATE_KINDS) if (body[k] !== undefined) t[k] = body[k];
  if (Object.keys(t).length === 0) throw E.param('text', 'one of text, image, link, miniprogram, file, video is required');
  if (t.text !== undefined) {
    const c = prop(t.text, 'content');
    if (typeof c !== 'string') throw E.param('text.content', 'must be a string');
    if (bytes(c) > textMaxBytes) throw E.param('text.content', `at most ${textMaxBytes} bytes`);
  }
  const attachmentKinds = TEMPLATE_KINDS.filter((k) => k !== 'text' && t[k] !== undefined);
  if (attachmentKinds.length > 1) throw E.param(attachmentKinds[1], 'only one of image, link, miniprogram, file, video');
  const link = t.link;
  if (link !== undefined && (!str(prop(link, 'title')) || !str(prop(link, 'url')))) throw E.param('link', 'title and url are required');
  const image = t.image;
  if (image !== undefined && !str(prop(image, 'media_id')) && !str(prop(image, 'pic_url'))) throw E.param('image', 'media_id or pic_url required');
  return t;
}

export async function addGroupWelcomeTemplate(ctx: SimContext, corpId: string, body: Body): Promise<string> {
  const t = readTemplate(body, 3000);
  const n = await ctx.db.one<Count>(
    `SELECT count(*) AS n FROM {s}.group_welcome_templates WHERE corp_id = $1 AND deleted_at IS NULL`,
    [corpId],
  );
  if (num(n?.n) >= MAX_GROUP_WELCOME_TEMPLATES) throw new SimError(40058, `invalid template_id: the library holds at most ${MAX_GROUP_WELCOME_TEMPLATES} templates`);
  const id = newIds.templateId();
  await ctx.db.q(
    `INSERT INTO {s}.group_welcome_templates (corp_id, template_id, body, notify, created_at) VALUES ($1, $2, $3, $4, $5)`,
    [corpId, id, JSON.stringify(t), body.notify === 0 ? 0 : 1, ctx.clock.now()],
  );
  return id;
}

async function requireTemplate(sql: Sql, corpId: string, templateId: unknown) {
  if (!str(templateId)) throw E.param('template_id', 'required');
  const r = await sql.one<SimGroupWelcomeTemplateRow>(`SELECT * FROM {s}.group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL`, [
    corpId,
    templateId,
  ]);
  if (!r) throw E.param('template_id', `not found: ${templateId}`);
  return r;
}

export async function editGroupWelcomeTemplate(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  await requireTemplate(ctx.db, corpId, body.template_id);
  const t = readTemplate(body, 4000);
  await ctx.db.q(`UPDATE {s}.group_welcome_templates SET body = $3 WHERE corp_id = $1 AND template_id = $2`, [
    corpId,
    body.template_id,
    JSON.stringify(t),
  ]);
}

export async function getGroupWelcomeTemplate(ctx: SimContext, corpId: string, body: Body) {
  const r = await requireTemplate(ctx.db, corpId, body.template_id);
  return r.body;
}

export async function delGroupWelcomeTemplate(ctx: SimContext, corpId: string, body: Body): Promise<void> {
  await requireTemplate(ctx.db, corpId, body.template_id);
  await ctx.db.q(`UPDATE {s}.group_welcome_templates SET deleted_at = $3 WHERE corp_id = $1 AND template_id = $2`, [
    corpId,
    body.template_id,
    ctx.clock.now(),
  ]);
}

/** What a new member sees when the group has a welcome template set by its owner. */
export async function deliverGroupWelcome(
  sql: Sql,
  corpId: string,
  chatId: string,
  templateId: string,
  member: { wechatUserId: string; externalUserid: string; nickname: string },
  owner: string,
  now: number,
): Promise<void> {
  const r = await sql.one<Pick<SimGroupWelcomeTemplateRow, 'body'>>(`SELECT body FROM {s}.group_welcome_templates WHERE corp_id = $1 AND template_id = $2 AND deleted_at IS NULL`, [
    corpId,
    templateId,
  ]);
  if (!r) return;
  const payloads: Payload[] = [];
  for (const k of TEMPLATE_KINDS) {
    const v = r.body[k];
    if (v === undefined) continue;
    if (k === 'text') payloads.push({ msgtype: 'text', text: { content: String(prop(v, 'content')).replaceAll('%NICKNAME%', member.nickname) } });
    else payloads.push({ msgtype: k, [k]: v });
  }
  for (const p of payloads) {
    await sql.q(
      `INSERT INTO {s}.messages (corp_id, kind, direction, wechat_user_id, external_userid, userid, chat_id, ref_id, payload, created_at)
       VALUES ($1, 'group_welcome', 'to_customer', $2, $3, $4, $5, $6, $7, $8)`,
      [corpId, member.wechatUserId, member.externalUserid, owner, chatId, templateId, JSON.stringify(p), now],
    );
  }
}
