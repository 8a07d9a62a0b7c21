// Customer groups: the list (filtered, paged), tiers and labels in use, a group with its members, and its profile.
import type pg from 'pg';
import { Group, GroupDetail, GroupPage, GroupParams, GroupProfileBody, GroupsQuery, GroupTiers } from '@pond/contracts/groups';
import type { App } from '../../platform/http';
import { access, ALL_ROLES } from '../../platform/access';
import { GroupService } from './service';

export function groupRoutes(app: App, deps: { pool: pg.Pool }): void {
  const groups = new GroupService(deps.pool);
  const tags = ['groups'];

  app.get('/api/groups', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { owner: 'staff', storeId: 'store' } }),
    schema: { tags, querystring: GroupsQuery, response: { 200: GroupPage } },
  }, async (req) => groups.list(req.scope, req.query));

  app.get('/api/group-tiers', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: { tags, summary: 'Tiers and labels in use, with group counts', response: { 200: GroupTiers } },
  }, async (req) => groups.tiers(req.scope));

  app.patch('/api/groups/:chatId', {
    config: access(['operator', 'store_manager'], { params: { chatId: 'group' } }), schema: {
      tags, summary: "Set a group's tier, labels (region, theme…), owner persona, rules and announcement template",
      params: GroupParams, body: GroupProfileBody, response: { 200: Group },
    },
  }, async (req) => groups.updateProfile(req.scope, req.params.chatId, req.body));

  app.get('/api/groups/:chatId', {
    config: access(ALL_ROLES, { params: { chatId: 'group' } }), schema: { tags, params: GroupParams, response: { 200: GroupDetail } },
  }, async (req) => groups.detail(req.scope, req.params.chatId));
}
