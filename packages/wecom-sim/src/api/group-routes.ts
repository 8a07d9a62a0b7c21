// Customer groups, contact ways, join ways, group statistics and group transfers.
import type { SimContext } from '../context';
import {
  addContactWay,
  addJoinWay,
  delContactWay,
  delJoinWay,
  getContactWay,
  getJoinWay,
  listContactWays,
  updateContactWay,
  updateJoinWay,
} from '../contact-ways';
import { getGroupJson, listGroupsJson } from '../groups';
import { groupStatisticByDay, groupStatisticByOwner } from '../stats';
import { transferGroups } from '../transfers';
import { addInterceptRule, delInterceptRule, getInterceptRule, listInterceptRules, updateInterceptRule } from '../intercept-rules';
import { createLink, deleteLink, getLink, getQuota, linkCustomers, linkStatistic, listLinks, updateLink } from '../acquisition';
import type { ApiRouter } from './route';

export function registerGroupRoutes(r: ApiRouter, ctx: SimContext): void {
  r.post('externalcontact/groupchat/list', async ({ auth, body }) => listGroupsJson(ctx.db, auth.corpId, body));
  r.post('externalcontact/groupchat/get', async ({ auth, body }) => ({
    group_chat: await getGroupJson(ctx.db, auth.corpId, body.chat_id, body.need_name === 1 || body.need_name === true),
  }));
  r.post('externalcontact/groupchat/statistic', async ({ auth, body }) => groupStatisticByOwner(ctx, auth.corpId, body));
  r.post('externalcontact/groupchat/statistic_group_by_day', async ({ auth, body }) => groupStatisticByDay(ctx, auth.corpId, body));
  r.post('externalcontact/groupchat/transfer', async ({ auth, body }) => transferGroups(ctx, auth.corpId, body, 'resigned'));
  r.post('externalcontact/groupchat/onjob_transfer', async ({ auth, body }) => transferGroups(ctx, auth.corpId, body, 'onjob'));

  r.post('externalcontact/add_contact_way', async ({ auth, body, base }) => addContactWay(ctx, auth.corpId, body, base));
  r.post('externalcontact/get_contact_way', async ({ auth, body, base }) => getContactWay(ctx, auth.corpId, body, base));
  r.post('externalcontact/list_contact_way', async ({ auth, body }) => listContactWays(ctx, auth.corpId, body));
  r.post('externalcontact/update_contact_way', async ({ auth, body }) => {
    await updateContactWay(ctx, auth.corpId, body);
  });
  r.post('externalcontact/del_contact_way', async ({ auth, body }) => {
    await delContactWay(ctx, auth.corpId, body);
  });

  r.post('externalcontact/groupchat/add_join_way', async ({ auth, body }) => addJoinWay(ctx, auth.corpId, body));
  r.post('externalcontact/groupchat/get_join_way', async ({ auth, body, base }) => getJoinWay(ctx, auth.corpId, body, base));
  r.post('externalcontact/groupchat/update_join_way', async ({ auth, body }) => {
    await updateJoinWay(ctx, auth.corpId, body);
  });
  r.post('externalcontact/groupchat/del_join_way', async ({ auth, body }) => {
    await delJoinWay(ctx, auth.corpId, body);
  });

  // Customer acquisition links (获客助手, §15).
  r.post('externalcontact/customer_acquisition/create_link', async ({ auth, body, base }) => createLink(ctx, auth.corpId, body, base));
  r.post('externalcontact/customer_acquisition/get', async ({ auth, body, base }) => getLink(ctx, auth.corpId, body, base));
  r.post('externalcontact/customer_acquisition/update_link', async ({ auth, body }) => {
    await updateLink(ctx, auth.corpId, body);
  });
  r.post('externalcontact/customer_acquisition/delete_link', async ({ auth, body }) => {
    await deleteLink(ctx, auth.corpId, body);
  });
  r.post('externalcontact/customer_acquisition/list_link', async ({ auth, body }) => listLinks(ctx, auth.corpId, body));
  r.post('externalcontact/customer_acquisition/customer', async ({ auth, body }) => linkCustomers(ctx, auth.corpId, body));
  r.post('externalcontact/customer_acquisition/statistic', async ({ auth, body }) => linkStatistic(ctx, auth.corpId, body));
  r.get('externalcontact/customer_acquisition_quota', async ({ auth }) => getQuota(ctx, auth.corpId));

  // Staff-side sensitive words (§18).
  r.post('externalcontact/add_intercept_rule', async ({ auth, body }) => addInterceptRule(ctx, auth.corpId, body));
  r.get('externalcontact/get_intercept_rule_list', async ({ auth }) => listInterceptRules(ctx, auth.corpId));
  r.post('externalcontact/get_intercept_rule', async ({ auth, body }) => getInterceptRule(ctx, auth.corpId, body));
  r.post('externalcontact/update_intercept_rule', async ({ auth, body }) => {
    await updateInterceptRule(ctx, auth.corpId, body);
  });
  r.post('externalcontact/del_intercept_rule', async ({ auth, body }) => {
    await delInterceptRule(ctx, auth.corpId, body);
  });
}
