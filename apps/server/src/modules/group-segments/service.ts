// Group segments: a rule's live count and sample of groups, saved group segments, their groups and CSV export —
// within the caller's scope (staff: the groups they own; store managers: their stores').
import type pg from 'pg';
import { GroupSegmentRule } from '@pond/contracts/group-segments';
import type { Scope } from '../../platform/auth';
import { toCsv } from '../../platform/csv';
import { Params } from '../../platform/sql';
import { corpZone } from '../../platform/time';
import { groupsPage, groupStatsStatus } from '../groups';
import { SavedRules } from '../segments';
import { groupWhere } from './repo';

/** Rows an export holds at most. */
const EXPORT_MAX = 100_000;

export class GroupSegmentService {
  readonly saved: SavedRules<typeof GroupSegmentRule>;

  constructor(private pool: pg.Pool) {
    this.saved = new SavedRules(pool, 'group_segments', 'group segment', GroupSegmentRule);
  }

  /** A page of the groups matching `rule` in `scope`. */
  groups(scope: Scope, rule: GroupSegmentRule, limit: number, offset: number) {
    const p = new Params();
    return groupsPage(this.pool, groupWhere(scope, rule, p), p, limit, offset);
  }

  async preview(scope: Scope, rule: GroupSegmentRule) {
    const [r, stats] = await Promise.all([this.groups(scope, rule, 20, 0), groupStatsStatus(this.pool, scope.corpId)]);
    return { count: r.total, sample: r.items, statsThrough: stats.through };
  }

  /** A page of a saved group segment's groups. */
  async savedGroups(scope: Scope, id: number, page: { page: number; pageSize: number }) {
    const s = await this.saved.get(scope.corpId, id);
    return this.groups(scope, this.saved.ruleOf(s), page.pageSize, (page.page - 1) * page.pageSize);
  }

  /** A saved group segment's groups as CSV (times in the corp's zone). */
  async exportCsv(scope: Scope, id: number): Promise<{ filename: string; csv: string }> {
    const s = await this.saved.get(scope.corpId, id);
    const r = await this.groups(scope, this.saved.ruleOf(s), EXPORT_MAX, 0);
    const csv = toCsv([
      { key: 'chatId', header: 'chat_id' }, { key: 'name', header: '群名称 name' }, { key: 'ownerName', header: '群主 owner' },
      { key: 'ownerUserid', header: 'owner_userid' }, { key: 'tier', header: '分层 tier' }, { key: 'labels', header: '群标签 labels' },
      { key: 'memberCount', header: '成员 members' }, { key: 'customerCount', header: '客户 customers' },
      { key: 'createdAt', header: '创建时间 created_at' }, { key: 'status', header: '状态 status' },
    ], r.items, await corpZone(this.pool, scope.corpId));
    return { filename: `group-segment-${s.id}.csv`, csv };
  }
}
