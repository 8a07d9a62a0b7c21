// Customer groups as the console shows them: the list and its filters, a group with its members, tiers and labels
// in use, and the Pond-side profile an operator sets — within the caller's scope.
import type pg from 'pg';
import type { Paged } from '@pond/contracts/common';
import type { GroupProfileBody, GroupsQuery } from '@pond/contracts/groups';
import type { Scope } from '../../platform/auth';
import { AppError } from '../../platform/errors';
import { Params } from '../../platform/sql';
import {
  findGroup, groupFilterSql, groupTiers, listGroupMembers, pageGroups, updateGroupProfile, type GroupMemberRow, type GroupRow,
} from './repo';

const toGroup = (g: GroupRow) => ({
  chatId: g.chat_id, name: g.name, ownerUserid: g.owner_userid, ownerName: g.owner_name, memberCount: g.member_count,
  customerCount: g.customer_count, createdAt: g.created_at, status: g.status, notice: g.notice, storeId: g.store_id,
  ownerStatus: g.owner_status, adminUserids: g.admin_userids,
  tier: g.tier, labels: g.labels, persona: g.persona, rulesText: g.rules_text, announcementTemplate: g.announcement_template,
});
export type GroupOut = ReturnType<typeof toGroup>;

const toMember = (m: GroupMemberRow) => ({
  memberId: m.member_id, type: m.type, name: m.display_name, groupNickname: m.group_nickname, joinTime: m.join_time,
  joinScene: m.join_scene, invitor: m.invitor, state: m.state, leftAt: m.left_at, quitScene: m.quit_scene,
});

/** A page of the groups matching `where` (a condition over `groups g`, parameters in `p`), newest first. */
export async function groupsPage(db: Pick<pg.Pool, 'query'>, where: string, p: Params, limit: number, offset: number): Promise<Paged<GroupOut>> {
  const r = await pageGroups(db, where, p, limit, offset);
  return { items: r.items.map(toGroup), total: r.total };
}

export class GroupService {
  constructor(private pool: pg.Pool) {}

  async list(scope: Scope, query: GroupsQuery): Promise<Paged<GroupOut>> {
    const { page, pageSize, ...filter } = query;
    const p = new Params();
    return groupsPage(this.pool, groupFilterSql(scope, filter, p), p, pageSize, (page - 1) * pageSize);
  }

  tiers(scope: Scope) {
    return groupTiers(this.pool, scope);
  }

  private async find(scope: Scope, chatId: string): Promise<GroupRow> {
    const g = await findGroup(this.pool, scope, chatId);
    if (!g) throw AppError.notFound(`group ${chatId}`);
    return g;
  }

  async updateProfile(scope: Scope, chatId: string, body: GroupProfileBody): Promise<GroupOut> {
    return toGroup(await updateGroupProfile(this.pool, await this.find(scope, chatId), body));
  }

  async detail(scope: Scope, chatId: string) {
    const g = await this.find(scope, chatId);
    return { group: toGroup(g), members: (await listGroupMembers(this.pool, scope.corpId, chatId)).map(toMember) };
  }
}
