// Who may take part in a campaign (contracts/activate.ts Eligibility): every list given must match, any item of a
// list will do. Checked for one customer when they act on the H5 page (one small query), not by scanning.
import type pg from 'pg';
import type { Eligibility } from '@pond/contracts/activate';
import { corpScope } from '../../platform/auth';
import { Params } from '../../platform/sql';
import { inSavedSegment } from '../segments';

export type EligibilityMiss = 'tag' | 'segment' | 'group' | 'group_tier' | 'store';

/** The first rule the customer does not meet, or null when they may take part. */
export async function checkEligibility(pool: pg.Pool, corpId: string, externalUserid: string, e: Eligibility): Promise<EligibilityMiss | null> {
  const p = new Params();
  const corp = p.add(corpId);
  const ext = p.add(externalUserid);
  const checks: [EligibilityMiss, string][] = [];
  if (e.tagIds?.length) checks.push(['tag', `EXISTS (SELECT 1 FROM customers c WHERE c.corp_id = ${corp} AND c.external_userid = ${ext} AND c.tag_ids && ${p.add(e.tagIds)}::text[])`]);
  if (e.chatIds?.length) {
    checks.push(['group', `EXISTS (SELECT 1 FROM group_members m WHERE m.corp_id = ${corp} AND m.member_id = ${ext} AND m.left_at IS NULL AND m.chat_id = ANY(${p.add(e.chatIds)}::text[]))`]);
  }
  if (e.groupTiers?.length) {
    checks.push(['group_tier', `EXISTS (SELECT 1 FROM group_members m JOIN groups g ON g.corp_id = m.corp_id AND g.chat_id = m.chat_id
      WHERE m.corp_id = ${corp} AND m.member_id = ${ext} AND m.left_at IS NULL AND g.tier = ANY(${p.add(e.groupTiers)}::text[]))`]);
  }
  if (e.storeIds?.length) {
    checks.push(['store', `EXISTS (SELECT 1 FROM follows f JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid
      WHERE f.corp_id = ${corp} AND f.external_userid = ${ext} AND f.status = 'active' AND s.store_id = ANY(${p.add(e.storeIds)}::bigint[]))`]);
  }
  if (e.segmentIds?.length) {
    const conds: string[] = [];
    for (const id of e.segmentIds) conds.push(await inSavedSegment(pool, corpScope(corpId), id, p, ext, 'eligibility.segmentIds'));
    checks.push(['segment', `(${conds.join(' OR ')})`]);
  }
  if (!checks.length) return null;
  const { rows: [r] } = await pool.query<Record<string, boolean>>(`SELECT ${checks.map(([k, sql]) => `${sql} AS "${k}"`).join(', ')}`, p.values);
  return checks.find(([k]) => !r[k])?.[0] ?? null;
}

export const ELIGIBILITY_MESSAGES: Record<EligibilityMiss, { zh: string; en: string }> = {
  tag: { zh: '本活动仅限特定客户参与', en: 'This campaign is for selected customers only.' },
  segment: { zh: '本活动仅限特定客户参与', en: 'This campaign is for selected customers only.' },
  group: { zh: '本活动仅限指定群的成员参与', en: 'This campaign is for members of certain groups only.' },
  group_tier: { zh: '本活动仅限指定等级社群的成员参与', en: 'This campaign is for members of certain group tiers only.' },
  store: { zh: '本活动仅限指定门店的客户参与', en: "This campaign is for certain stores' customers only." },
};
