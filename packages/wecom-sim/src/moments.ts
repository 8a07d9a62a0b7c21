// Moments (客户朋友圈, WECOM.md §11). add_moment_task gives each member in the visible range a task;
// nothing is posted until the member publishes it in the client (the WeCom client's task list, or
// control.publishMoment). Publishing fixes who can see the post: the member's customers then, filtered
// by the moment's corp tags. Those customers see it in their phone's moments feed, like and comment
// (members of the corp can too); get_moment_comments returns the likes and comments.
import type { SimContext } from './context';
import type { Sql } from './db';
import { num } from './db';
import { ControlError, E, SimError } from './errors';
import { newIds } from './ids';
import { encodeCursor, readKeyCursor, readPairCursor } from './cursor';
import { departmentTree } from './org';
import { chars, limitOf, listWindow, optIntArray, optStringArray, prop, reqString, type Body } from './validate';
import type {
  Count,
  Int8,
  MomentAttachment,
  SimCustomerRow,
  SimFollowRow,
  SimMediaRow,
  SimMomentInteractionRow,
  SimMomentRow,
  SimMomentTaskRow,
  SimStaffRow,
  SimTagRow,
} from './rows';

/** A jobid answers get_moment_task_result for 24 h. */
const JOB_TTL_MS = 86_400_000;
/** The longest comment the phone takes (WeChat's own limit is not documented; this is generous). */
export const MAX_COMMENT_CHARS = 1000;

export async function addMomentTask(ctx: SimContext, corpId: string, body: Body) {
  const text = prop(body.text, 'content');
  if (text !== undefined && typeof text !== 'string') throw E.param('text.content', 'must be a string');
  if (text && (chars(text) > 2000 || Buffer.byteLength(text) > 4000)) throw E.param('text.content', 'at most 2000 characters (4000 bytes)');
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
    if (type === 'link') {
      const url = prop(part, 'url');
      if (typeof url !== 'string' || !url) throw E.param(`attachments[${i}].link.url`, 'required');
      const title = prop(part, 'title');
      if (title !== undefined && (typeof title !== 'string' || Buffer.byteLength(title) > 64)) throw E.param(`attachments[${i}].link.title`, 'a string of at most 64 bytes');
    }
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
  const tags = optStringArray(prop(body.visible_range, 'external_contact_list') ?? {}, 'tag_list') ?? [];
  const staff = await ctx.db.q<Pick<SimStaffRow, 'userid' | 'department'>>(
    `SELECT userid, department FROM {s}.staff WHERE corp_id = $1 AND status = 1 AND is_follow_user`,
    [corpId],
  );
  const inDepartments = new Set<number>();
  const invalidDepartments: number[] = [];
  for (const d of departments) {
    const tree = await departmentTree(ctx.db, corpId, d, true);
    if (tree) for (const id of tree) inDepartments.add(id);
    else invalidDepartments.push(d);
  }
  const chosen = staff.filter(
    (s) => (!senders && departments.length === 0) || senders?.includes(s.userid) || s.department.some((d) => inDepartments.has(d)),
  );
  const invalidUsers = (senders ?? []).filter((u) => !staff.some((s) => s.userid === u));
  // Corp tags only: unknown or deleted ones are reported and ignored.
  const known = tags.length
    ? (await ctx.db.q<Pick<SimTagRow, 'id'>>(`SELECT id FROM {s}.tags WHERE corp_id = $1 AND id = ANY($2::text[]) AND NOT deleted`, [corpId, tags])).map((t) => t.id)
    : [];
  const tagList = tags.filter((t) => known.includes(t));
  const invalidTags = tags.filter((t) => !known.includes(t));
  const momentId = newIds.momentId();
  const jobid = newIds.jobid();
  const now = ctx.clock.now();
  await ctx.db.tx(async (tx) => {
    await tx.q(`INSERT INTO {s}.moments (corp_id, moment_id, jobid, body, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      corpId,
      momentId,
      jobid,
      JSON.stringify({ text: text ? { content: text } : undefined, attachments, tagList, invalidUsers, invalidDepartments, invalidTags }),
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
  if (!m || num(m.created_at) + JOB_TTL_MS <= ctx.clock.now()) throw new SimError(40088, `invalid jobid (unknown or older than 24 h): ${jobid}`);
  return {
    status: 3,
    type: 'add_moment_task',
    result: {
      errcode: 0,
      errmsg: 'ok',
      moment_id: m.moment_id,
      invalid_sender_list: { user_list: m.body.invalidUsers ?? [], department_list: m.body.invalidDepartments ?? [] },
      invalid_external_contact_list: { tag_list: m.body.invalidTags ?? [] },
    },
  };
}

async function requireMoment(sql: Sql, corpId: string, momentId: unknown) {
  if (momentId === undefined || momentId === null || momentId === '') throw E.param('moment_id', 'required');
  if (typeof momentId !== 'string') throw E.param('moment_id', 'must be a string');
  const m = await sql.one<SimMomentRow>(`SELECT * FROM {s}.moments WHERE corp_id = $1 AND moment_id = $2`, [corpId, momentId]);
  if (!m) throw E.param('moment_id', `not found: ${momentId}`);
  return m;
}

/** Stops the posts not yet published; the ones already out stay (and keep their likes and comments). */
export async function cancelMomentTask(ctx: SimContext, corpId: string, body: Body) {
  const m = await requireMoment(ctx.db, corpId, body.moment_id);
  await ctx.db.q(`UPDATE {s}.moments SET canceled_at = coalesce(canceled_at, $3) WHERE corp_id = $1 AND moment_id = $2`, [corpId, m.moment_id, ctx.clock.now()]);
}

export async function getMomentList(ctx: SimContext, corpId: string, body: Body) {
  const { start, end, filterType, creator } = listWindow(body);
  const limit = limitOf(body, 'limit', 20, 20);
  const after = readPairCursor(body.cursor, 'number');
  // All moments here were created through the API (create_type 0, no creator); a cancelled one is listed
  // only if some member had published it.
  const rows =
    filterType === 1 || creator
      ? []
      : await ctx.db.q<SimMomentRow>(
          `SELECT * FROM {s}.moments m WHERE corp_id = $1 AND created_at >= $2 AND created_at < $3
             AND (canceled_at IS NULL OR EXISTS (SELECT 1 FROM {s}.moment_tasks t WHERE t.corp_id = m.corp_id AND t.moment_id = m.moment_id AND t.publish_status = 1))
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

/** The member's customers the moment is meant for now: active relationships carrying any of its tags (all when it has none). */
async function liveAudience(sql: Sql, corpId: string, m: Pick<SimMomentRow, 'body'>, userid: string) {
  const tagList: string[] = m.body.tagList ?? [];
  return sql.q<Pick<SimFollowRow, 'external_userid'>>(
    `SELECT external_userid FROM {s}.follows WHERE corp_id = $1 AND userid = $2 AND status = 'active'
       AND (cardinality($3::text[]) = 0 OR tag_ids && $3::text[]) ORDER BY external_userid`,
    [corpId, userid, tagList],
  );
}

/**
 * get_moment_customer_list (the customers chosen as visible: fixed at publishing, before it the member's
 * matching customers now) and get_moment_send_result (`publishedOnly`: who can actually see the post —
 * empty until the member publishes).
 */
export async function getMomentCustomerList(ctx: SimContext, corpId: string, body: Body, publishedOnly: boolean) {
  const m = await requireMoment(ctx.db, corpId, body.moment_id);
  const userid = reqString(body, 'userid');
  const limit = limitOf(body, 'limit', publishedOnly ? 3000 : 500, publishedOnly ? 5000 : 1000);
  const after = readKeyCursor(body.cursor);
  const task = await ctx.db.one<SimMomentTaskRow>(`SELECT * FROM {s}.moment_tasks WHERE corp_id = $1 AND moment_id = $2 AND userid = $3`, [corpId, m.moment_id, userid]);
  let rows: { external_userid: string }[] = [];
  if (task?.publish_status === 1) {
    rows = await ctx.db.q<Pick<SimFollowRow, 'external_userid'>>(
      `SELECT external_userid FROM {s}.moment_audience WHERE corp_id = $1 AND moment_id = $2 AND userid = $3 AND ($4::text IS NULL OR external_userid > $4)
        ORDER BY external_userid LIMIT $5`,
      [corpId, m.moment_id, userid, after, limit + 1],
    );
  } else if (task && !publishedOnly) {
    rows = (await liveAudience(ctx.db, corpId, m, userid)).filter((a) => !after || a.external_userid > after).slice(0, limit + 1);
  }
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    next_cursor: more ? encodeCursor(page[page.length - 1].external_userid) : '',
    customer_list: page.map((a) => (publishedOnly ? { external_userid: a.external_userid } : { userid, external_userid: a.external_userid })),
  };
}

/** get_moment_comments {moment_id, userid}: likes and comments on that member's post, oldest first. */
export async function getMomentComments(ctx: SimContext, corpId: string, body: Body) {
  const momentId = reqString(body, 'moment_id');
  const userid = reqString(body, 'userid');
  const m = await requireMoment(ctx.db, corpId, momentId);
  const rows = await ctx.db.q<Pick<SimMomentInteractionRow, 'kind' | 'external_userid' | 'actor_userid' | 'created_at'>>(
    `SELECT kind, external_userid, actor_userid, created_at FROM {s}.moment_interactions WHERE corp_id = $1 AND moment_id = $2 AND userid = $3 ORDER BY id`,
    [corpId, m.moment_id, userid],
  );
  const entry = (r: (typeof rows)[number]) => ({
    ...(r.external_userid ? { external_userid: r.external_userid } : { userid: r.actor_userid ?? '' }),
    create_time: Math.floor(num(r.created_at) / 1000),
  });
  return { comment_list: rows.filter((r) => r.kind === 'comment').map(entry), like_list: rows.filter((r) => r.kind === 'like').map(entry) };
}

/** The member posts their part of the moment: from now on their matching customers see it. Returns how many. */
export async function publishMoment(ctx: SimContext, corpId: string, userid: string, momentId: string): Promise<{ audience: number }> {
  const now = ctx.clock.now();
  return ctx.db.tx(async (tx) => {
    const m = await tx.one<SimMomentRow>(`SELECT * FROM {s}.moments WHERE corp_id = $1 AND moment_id = $2`, [corpId, momentId]);
    if (!m) throw new ControlError(`unknown moment ${momentId}`, 404);
    const task = await tx.one<SimMomentTaskRow>(`SELECT * FROM {s}.moment_tasks WHERE corp_id = $1 AND moment_id = $2 AND userid = $3 FOR UPDATE`, [corpId, momentId, userid]);
    if (!task) throw new ControlError(`${userid} has no task for moment ${momentId}`, 404);
    if (task.publish_status === 1) throw new ControlError(`${userid} already published moment ${momentId}`, 409);
    if (m.canceled_at) throw new ControlError(`moment ${momentId} was cancelled`, 409);
    await tx.q(`UPDATE {s}.moment_tasks SET publish_status = 1, published_at = $4 WHERE corp_id = $1 AND moment_id = $2 AND userid = $3`, [corpId, momentId, userid, now]);
    const rows = await tx.q(
      `INSERT INTO {s}.moment_audience (corp_id, moment_id, userid, external_userid)
       SELECT corp_id, $2, userid, external_userid FROM {s}.follows
        WHERE corp_id = $1 AND userid = $3 AND status = 'active' AND (cardinality($4::text[]) = 0 OR tag_ids && $4::text[])
       ON CONFLICT DO NOTHING RETURNING 1`,
      [corpId, momentId, userid, m.body.tagList ?? []],
    );
    return { audience: rows.length };
  });
}

// ---- likes and comments ------------------------------------------------------------------------

interface Actor {
  corpId: string;
  /** The customer's external_userid, or null for a member. */
  externalUserid: string | null;
  actorUserid: string | null;
}

/** Who acts on a member's published post: a member of the corp, or a customer who can see the post. */
async function actorOn(sql: Sql, who: string, momentId: string, postUserid: string, corpId?: string): Promise<Actor> {
  const m = await sql.one<Pick<SimMomentRow, 'corp_id'>>(`SELECT corp_id FROM {s}.moments WHERE moment_id = $1 AND ($2::text IS NULL OR corp_id = $2)`, [momentId, corpId ?? null]);
  if (!m) throw new ControlError(`unknown moment ${momentId}`, 404);
  const post = await sql.one<Pick<SimMomentTaskRow, 'publish_status'>>(`SELECT publish_status FROM {s}.moment_tasks WHERE corp_id = $1 AND moment_id = $2 AND userid = $3`, [
    m.corp_id,
    momentId,
    postUserid,
  ]);
  if (post?.publish_status !== 1) throw new ControlError(`${postUserid} has not published moment ${momentId}`, 404);
  const member = await sql.one<Pick<SimStaffRow, 'status'>>(`SELECT status FROM {s}.staff WHERE corp_id = $1 AND userid = $2`, [m.corp_id, who]);
  if (member) {
    if (member.status !== 1) throw new ControlError(`${who} is not an active member`, 409);
    return { corpId: m.corp_id, externalUserid: null, actorUserid: who };
  }
  const c = await sql.one<Pick<SimCustomerRow, 'external_userid'>>(
    `SELECT a.external_userid FROM {s}.customers c
       JOIN {s}.moment_audience a ON a.corp_id = c.corp_id AND a.external_userid = c.external_userid AND a.moment_id = $3 AND a.userid = $4
       JOIN {s}.follows f ON f.corp_id = a.corp_id AND f.userid = a.userid AND f.external_userid = a.external_userid AND f.status = 'active'
      WHERE c.corp_id = $1 AND c.wechat_user_id = $2`,
    [m.corp_id, who, momentId, postUserid],
  );
  if (!c) throw new ControlError(`${who} cannot see ${postUserid}'s post of moment ${momentId}`, 409);
  return { corpId: m.corp_id, externalUserid: c.external_userid, actorUserid: null };
}

/** A customer (WeChat user id) or a member (userid) likes — or with `unlike` stops liking — a member's post. */
export async function likeMoment(ctx: SimContext, who: string, momentId: string, postUserid: string, opts: { corpId?: string; unlike?: boolean } = {}) {
  const a = await actorOn(ctx.db, who, momentId, postUserid, opts.corpId);
  if (opts.unlike) {
    await ctx.db.q(
      `DELETE FROM {s}.moment_interactions WHERE corp_id = $1 AND moment_id = $2 AND userid = $3 AND kind = 'like'
          AND external_userid IS NOT DISTINCT FROM $4 AND actor_userid IS NOT DISTINCT FROM $5`,
      [a.corpId, momentId, postUserid, a.externalUserid, a.actorUserid],
    );
  } else {
    await ctx.db.q(
      `INSERT INTO {s}.moment_interactions (corp_id, moment_id, userid, kind, external_userid, actor_userid, created_at) VALUES ($1, $2, $3, 'like', $4, $5, $6)
       ON CONFLICT (corp_id, moment_id, userid, coalesce(external_userid, ''), coalesce(actor_userid, '')) WHERE kind = 'like' DO NOTHING`,
      [a.corpId, momentId, postUserid, a.externalUserid, a.actorUserid, ctx.clock.now()],
    );
  }
  const n = await ctx.db.one<Count>(`SELECT count(*) AS n FROM {s}.moment_interactions WHERE corp_id = $1 AND moment_id = $2 AND userid = $3 AND kind = 'like'`, [
    a.corpId,
    momentId,
    postUserid,
  ]);
  return { corpId: a.corpId, momentId, userid: postUserid, liked: !opts.unlike, likes: num(n?.n) };
}

/** A customer (WeChat user id) or a member (userid) comments on a member's post. */
export async function commentMoment(ctx: SimContext, who: string, momentId: string, postUserid: string, text: string, opts: { corpId?: string } = {}) {
  if (typeof text !== 'string' || !text.trim()) throw new ControlError('text: required');
  if (chars(text) > MAX_COMMENT_CHARS) throw new ControlError(`text: at most ${MAX_COMMENT_CHARS} characters`);
  const a = await actorOn(ctx.db, who, momentId, postUserid, opts.corpId);
  const now = ctx.clock.now();
  const r = await ctx.db.one<Pick<SimMomentInteractionRow, 'id'>>(
    `INSERT INTO {s}.moment_interactions (corp_id, moment_id, userid, kind, external_userid, actor_userid, content, created_at)
     VALUES ($1, $2, $3, 'comment', $4, $5, $6, $7) RETURNING id`,
    [a.corpId, momentId, postUserid, a.externalUserid, a.actorUserid, text, now],
  );
  return { id: num(r?.id), corpId: a.corpId, momentId, userid: postUserid, createdAt: now };
}

// ---- what phones and the client show -------------------------------------------------------------

export interface MomentInteraction {
  kind: 'like' | 'comment';
  name: string;
  /** The customer's external_userid, or null when a member acted (then `userid`). */
  externalUserid: string | null;
  userid: string | null;
  text: string | null;
  createdAt: number;
}

export interface MomentPost {
  corpId: string;
  momentId: string;
  /** The member who posted it. */
  userid: string;
  staffName: string;
  staffAvatar: string;
  publishedAt: number;
  text: string | null;
  attachments: MomentAttachment[];
  /** Whether the viewer likes it. */
  liked: boolean;
  /** What the viewer sees: their own likes and comments and the corp's members' (WeChat shows friends' only). */
  interactions: MomentInteraction[];
}

async function interactionsOf(sql: Sql, posts: { corpId: string; momentId: string; userid: string; viewer: string | null }[]) {
  if (posts.length === 0) return [];
  return sql.q<
    Pick<SimMomentInteractionRow, 'corp_id' | 'moment_id' | 'userid' | 'kind' | 'external_userid' | 'actor_userid' | 'content' | 'created_at'> & { name: string | null }
  >(
    `SELECT i.corp_id, i.moment_id, i.userid, i.kind, i.external_userid, i.actor_userid, i.content, i.created_at,
            coalesce(nullif(f.remark, ''), w.nickname, s.name, i.actor_userid) AS name
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS p(corp_id, moment_id, userid, viewer)
       JOIN {s}.moment_interactions i ON i.corp_id = p.corp_id AND i.moment_id = p.moment_id AND i.userid = p.userid
       LEFT JOIN {s}.follows f ON f.corp_id = i.corp_id AND f.userid = i.userid AND f.external_userid = i.external_userid
       LEFT JOIN {s}.customers c ON c.corp_id = i.corp_id AND c.external_userid = i.external_userid
       LEFT JOIN {s}.wechat_users w ON w.id = c.wechat_user_id
       LEFT JOIN {s}.staff s ON s.corp_id = i.corp_id AND s.userid = i.actor_userid
      WHERE p.viewer IS NULL OR i.actor_userid IS NOT NULL OR i.external_userid = p.viewer
      ORDER BY i.id`,
    [posts.map((p) => p.corpId), posts.map((p) => p.momentId), posts.map((p) => p.userid), posts.map((p) => p.viewer)],
  );
}

const toInteraction = (r: Awaited<ReturnType<typeof interactionsOf>>[number]): MomentInteraction => ({
  kind: r.kind === 'like' ? 'like' : 'comment',
  name: r.name ?? '',
  externalUserid: r.external_userid,
  userid: r.actor_userid,
  text: r.content,
  createdAt: num(r.created_at),
});

/** The WeChat user's moments feed: posts of members they are friends with that they may see, newest first. */
export async function listMomentFeed(sql: Sql, wechatUserId: string, limit = 20): Promise<MomentPost[]> {
  const rows = await sql.q<
    Pick<SimMomentRow, 'corp_id' | 'moment_id' | 'body'> & Pick<SimMomentTaskRow, 'userid' | 'published_at'> & Pick<SimStaffRow, 'name' | 'avatar'> & { viewer: string }
  >(
    `SELECT a.corp_id, a.moment_id, a.userid, a.external_userid AS viewer, t.published_at, m.body, s.name, s.avatar
       FROM {s}.customers c
       JOIN {s}.moment_audience a ON a.corp_id = c.corp_id AND a.external_userid = c.external_userid
       JOIN {s}.follows f ON f.corp_id = a.corp_id AND f.userid = a.userid AND f.external_userid = a.external_userid AND f.status = 'active'
       JOIN {s}.moment_tasks t ON t.corp_id = a.corp_id AND t.moment_id = a.moment_id AND t.userid = a.userid AND t.publish_status = 1
       JOIN {s}.moments m ON m.corp_id = a.corp_id AND m.moment_id = a.moment_id
       JOIN {s}.staff s ON s.corp_id = a.corp_id AND s.userid = a.userid
      WHERE c.wechat_user_id = $1
      ORDER BY t.published_at DESC, a.moment_id, a.userid LIMIT $2`,
    [wechatUserId, Math.min(Math.max(limit, 1), 200)],
  );
  const acts = await interactionsOf(
    sql,
    rows.map((r) => ({ corpId: r.corp_id, momentId: r.moment_id, userid: r.userid, viewer: r.viewer })),
  );
  return rows.map((r) => {
    const mine = acts.filter((x) => x.corp_id === r.corp_id && x.moment_id === r.moment_id && x.userid === r.userid);
    return {
      corpId: r.corp_id,
      momentId: r.moment_id,
      userid: r.userid,
      staffName: r.name,
      staffAvatar: r.avatar,
      publishedAt: num(r.published_at),
      text: r.body.text?.content ?? null,
      attachments: r.body.attachments ?? [],
      liked: mine.some((x) => x.kind === 'like' && x.external_userid === r.viewer),
      interactions: mine.map(toInteraction),
    };
  });
}

export interface MomentTask {
  momentId: string;
  /** 0 waiting for the member, 1 published. */
  publishStatus: number;
  canceled: boolean;
  text: string | null;
  attachments: MomentAttachment[];
  createdAt: number;
  publishedAt: number | null;
  /** Customers who can see the post (after publishing), or who would (before). */
  audience: number;
  /** Every like and comment on the member's post. */
  interactions: MomentInteraction[];
}

/** The member's moment tasks (朋友圈任务), newest first. */
export async function listMomentTasks(sql: Sql, corpId: string, userid: string, opts: { limit?: number; pendingOnly?: boolean } = {}): Promise<MomentTask[]> {
  const rows = await sql.q<SimMomentTaskRow & Pick<SimMomentRow, 'body' | 'created_at' | 'canceled_at'> & { audience: Int8 }>(
    `SELECT t.*, m.body, m.created_at, m.canceled_at,
            CASE WHEN t.publish_status = 1
                 THEN (SELECT count(*) FROM {s}.moment_audience a WHERE a.corp_id = t.corp_id AND a.moment_id = t.moment_id AND a.userid = t.userid)
                 ELSE (SELECT count(*) FROM {s}.follows f WHERE f.corp_id = t.corp_id AND f.userid = t.userid AND f.status = 'active'
                         AND (cardinality(coalesce(ARRAY(SELECT jsonb_array_elements_text(m.body->'tagList')), '{}')) = 0
                              OR f.tag_ids && ARRAY(SELECT jsonb_array_elements_text(m.body->'tagList'))))
            END AS audience
       FROM {s}.moment_tasks t JOIN {s}.moments m ON m.corp_id = t.corp_id AND m.moment_id = t.moment_id
      WHERE t.corp_id = $1 AND t.userid = $2 AND ($3::boolean IS NOT TRUE OR (t.publish_status = 0 AND m.canceled_at IS NULL))
      ORDER BY m.created_at DESC, m.moment_id LIMIT $4`,
    [corpId, userid, opts.pendingOnly ?? false, Math.min(opts.limit ?? 20, 200)],
  );
  const acts = await interactionsOf(
    sql,
    rows.map((r) => ({ corpId, momentId: r.moment_id, userid, viewer: null })),
  );
  return rows.map((r) => ({
    momentId: r.moment_id,
    publishStatus: r.publish_status,
    canceled: r.canceled_at !== null,
    text: r.body.text?.content ?? null,
    attachments: r.body.attachments ?? [],
    createdAt: num(r.created_at),
    publishedAt: r.published_at === null ? null : num(r.published_at),
    audience: num(r.audience),
    interactions: acts.filter((x) => x.moment_id === r.moment_id).map(toInteraction),
  }));
}
