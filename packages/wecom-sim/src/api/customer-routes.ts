// Customers, follow relationships, corp tags and welcome messages.
import type { SimContext } from '../context';
import {
  apiMarkTag,
  apiRemark,
  batchGetByUser,
  getExternalContactJson,
  listExternalUserids,
} from '../customers';
import { encodeCursor, readCursor, readPairCursor } from '../cursor';
import { E } from '../errors';
import { hashId } from '../ids';
import { listStaff } from '../org';
import { addCorpTags, delCorpTags, editCorpTag, getCorpTagList } from '../tags';
import { limitOf, optInt, optString, optStringArray } from '../validate';
import {
  addGroupWelcomeTemplate,
  delGroupWelcomeTemplate,
  editGroupWelcomeTemplate,
  getGroupWelcomeTemplate,
  sendWelcomeMsg,
} from '../welcome';
import type { SimCustomerRow, SimWechatUserRow } from '../rows';
import type { ApiRouter } from './route';

const FOLLOWERS_PAGE = 500;

export function registerCustomerRoutes(r: ApiRouter, ctx: SimContext): void {
  r.get('externalcontact/get_follow_user_list', async ({ auth }) => ({
    follow_user: (await listStaff(ctx.db, auth.corpId)).filter((s) => s.isFollowUser).map((s) => s.userid),
  }));

  r.get('externalcontact/list', async ({ auth, query }) => {
    if (!query.userid) throw E.param('userid', 'required');
    const ids = await listExternalUserids(ctx.db, auth.corpId, query.userid);
    if (ids.length === 0) throw E.notExternalContact();
    return { external_userid: ids };
  });

  r.get('externalcontact/get', async ({ auth, query }) => {
    if (!query.external_userid) throw E.param('external_userid', 'required');
    const out = await getExternalContactJson(ctx.db, auth.corpId, query.external_userid);
    if (!out) throw E.invalidExternalUserid(query.external_userid);
    if (out.follow_user.length === 0) throw E.notExternalContact();
    // More than 500 followers come in pages, like WeCom.
    const from = query.cursor ? Number(readCursor(query.cursor)) : 0;
    const page = out.follow_user.slice(from, from + FOLLOWERS_PAGE);
    const more = out.follow_user.length > from + FOLLOWERS_PAGE;
    return { external_contact: out.external_contact, follow_user: page, ...(more ? { next_cursor: encodeCursor(from + FOLLOWERS_PAGE) } : {}) };
  });

  r.post('externalcontact/batch/get_by_user', async ({ auth, body }) => {
    const list = optStringArray(body, 'userid_list', { max: 100 }) ?? (body.userid ? [String(body.userid)] : []);
    if (list.length === 0) throw E.param('userid_list', 'required, 1–100 userids');
    const limit = limitOf(body, 'limit', 50, 100);
    const after = readPairCursor(body.cursor, 'string');
    const { items, next } = await batchGetByUser(ctx.db, auth.corpId, list, after, limit);
    return { external_contact_list: items, next_cursor: next ? encodeCursor(next) : '' };
  });

  r.post('externalcontact/remark', async ({ auth, body }) => {
    await apiRemark(ctx, auth.corpId, body);
  });

  r.post('externalcontact/unionid_to_external_userid', async ({ auth, body }) => {
    // Both are required (the openid under the corp's 公众号/小程序); WeCom also takes subject_type.
    const unionid = optString(body, 'unionid');
    if (!unionid) throw E.param('unionid', 'required');
    if (!optString(body, 'openid')) throw E.param('openid', 'required');
    optInt(body, 'subject_type', { allowed: [0, 1] });
    const w = await ctx.db.one<Pick<SimWechatUserRow, 'id'>>(`SELECT id FROM {s}.wechat_users WHERE unionid = $1`, [unionid]);
    if (!w) throw E.param('unionid', 'unknown unionid');
    const c = await ctx.db.one<Pick<SimCustomerRow, 'external_userid'>>(`SELECT external_userid FROM {s}.customers WHERE corp_id = $1 AND wechat_user_id = $2`, [auth.corpId, w.id]);
    return c ? { external_userid: c.external_userid } : { pending_id: 'p' + hashId(`pending|${auth.corpId}|${w.id}`, 30) };
  });

  r.post('externalcontact/convert_to_openid', async ({ auth, body }) => {
    const ext = optString(body, 'external_userid');
    if (!ext) throw E.param('external_userid', 'required');
    const row = await ctx.db.one<Pick<SimWechatUserRow, 'openid'>>(
      `SELECT w.openid FROM {s}.customers c JOIN {s}.wechat_users w ON w.id = c.wechat_user_id WHERE c.corp_id = $1 AND c.external_userid = $2`,
      [auth.corpId, ext],
    );
    if (!row) throw E.invalidExternalUserid(ext);
    return { openid: row.openid };
  });

  // ---- corp tags (API writes fire no callbacks) ----
  r.post('externalcontact/get_corp_tag_list', async ({ auth, body }) => ({
    tag_group: await getCorpTagList(ctx.db, auth.corpId, optStringArray(body, 'tag_id') ?? [], optStringArray(body, 'group_id') ?? []),
  }));
  r.post('externalcontact/add_corp_tag', async ({ auth, body }) => ({
    tag_group: await addCorpTags(
      ctx,
      auth.corpId,
      { groupId: optString(body, 'group_id'), groupName: optString(body, 'group_name'), order: body.order, tags: body.tag },
      false,
    ),
  }));
  r.post('externalcontact/edit_corp_tag', async ({ auth, body }) => {
    await editCorpTag(ctx, auth.corpId, { id: optString(body, 'id'), name: body.name, order: body.order }, false);
  });
  r.post('externalcontact/del_corp_tag', async ({ auth, body }) => {
    await delCorpTags(ctx, auth.corpId, { tagIds: body.tag_id, groupIds: body.group_id }, false);
  });
  r.post('externalcontact/mark_tag', async ({ auth, body }) => {
    await apiMarkTag(ctx, auth.corpId, body);
  });

  // ---- welcome ----
  r.post('externalcontact/send_welcome_msg', async ({ auth, body }) => {
    await sendWelcomeMsg(ctx, auth.corpId, body);
  });
  r.post('externalcontact/group_welcome_template/add', async ({ auth, body }) => ({
    template_id: await addGroupWelcomeTemplate(ctx, auth.corpId, body),
  }));
  r.post('externalcontact/group_welcome_template/edit', async ({ auth, body }) => {
    await editGroupWelcomeTemplate(ctx, auth.corpId, body);
  });
  r.post('externalcontact/group_welcome_template/get', async ({ auth, body }) => getGroupWelcomeTemplate(ctx, auth.corpId, body));
  r.post('externalcontact/group_welcome_template/del', async ({ auth, body }) => {
    await delGroupWelcomeTemplate(ctx, auth.corpId, body);
  });
}
