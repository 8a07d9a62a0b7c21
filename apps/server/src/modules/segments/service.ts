// Segments: a rule's live count and sample, saved segments, their members and CSV export — always within the
// caller's scope (staff: their customers; store managers: their stores').
import type pg from 'pg';
import { SegmentRule } from '@pond/contracts/segments';
import type { Paged } from '@pond/contracts/common';
import type { Scope } from '../../platform/auth';
import { toCsv } from '../../platform/csv';
import { corpZone } from '../../platform/time';
import { segmentMembers, type MemberRow } from './repo';
import { SavedRules } from './saved-rules';

/** Rows an export holds at most. */
const EXPORT_MAX = 100_000;

const toMember = (r: MemberRow) => ({ externalUserid: r.external_userid, name: r.name, avatar: r.avatar, gender: r.gender, firstAddedAt: r.first_added_at });
export type SegmentMemberOut = ReturnType<typeof toMember>;

export class SegmentService {
  readonly saved: SavedRules<typeof SegmentRule>;

  constructor(private pool: pg.Pool) {
    this.saved = new SavedRules(pool, 'segments', 'segment', SegmentRule);
  }

  /** A page of the customers matching `rule` in `scope`. */
  async members(scope: Scope, rule: SegmentRule, limit: number, offset: number): Promise<Paged<SegmentMemberOut>> {
    const r = await segmentMembers(this.pool, scope, rule, limit, offset);
    return { total: r.total, items: r.items.map(toMember) };
  }

  async preview(scope: Scope, rule: SegmentRule) {
    const r = await this.members(scope, rule, 20, 0);
    return { count: r.total, sample: r.items };
  }

  /** A page of a saved segment's members. */
  async savedMembers(scope: Scope, id: number, page: { page: number; pageSize: number }): Promise<Paged<SegmentMemberOut>> {
    const s = await this.saved.get(scope.corpId, id);
    return this.members(scope, this.saved.ruleOf(s), page.pageSize, (page.page - 1) * page.pageSize);
  }

  /** A saved segment's members as CSV (times in the corp's zone). */
  async exportCsv(scope: Scope, id: number): Promise<{ filename: string; csv: string }> {
    const s = await this.saved.get(scope.corpId, id);
    const r = await this.members(scope, this.saved.ruleOf(s), EXPORT_MAX, 0);
    const csv = toCsv([{ key: 'externalUserid', header: 'external_userid' }, { key: 'name', header: '昵称 name' }, { key: 'gender', header: '性别 gender' }, { key: 'firstAddedAt', header: '首次添加 first_added_at' }], r.items,
      await corpZone(this.pool, scope.corpId));
    return { filename: `segment-${s.id}.csv`, csv };
  }
}
