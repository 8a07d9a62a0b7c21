// Tags on one follow relation, changed through WeCom (`mark_tag`). WeCom sends no callback for API
// writes, so Pond stores the result and puts what actually changed on the timeline itself.
import type pg from 'pg';
import type { WecomClient } from '@pond/wecom';
import { appendTimeline } from './repo';

export async function markRelationTags(
  pool: pg.Pool, client: Pick<WecomClient, 'markTag'>,
  r: { corpId: string; externalUserid: string; userid: string; add: string[]; remove?: string[]; at: Date; data?: Record<string, unknown>; dedupeKey?: string },
): Promise<Record<string, any> | null> {
  const remove = r.remove ?? [];
  if (r.add.length === 0 && remove.length === 0) return null;
  await client.markTag({ userid: r.userid, external_userid: r.externalUserid, ...(r.add.length ? { add_tag: r.add } : {}), ...(remove.length ? { remove_tag: remove } : {}) });
  const { rows: [prev] } = await pool.query('SELECT tag_ids FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3', [r.corpId, r.externalUserid, r.userid]);
  const { rows: [row] } = await pool.query(
    `UPDATE follows SET tag_ids = ARRAY(SELECT DISTINCT x FROM unnest(tag_ids || $4::text[]) x WHERE NOT (x = ANY($5))), updated_at = now()
     WHERE corp_id = $1 AND external_userid = $2 AND userid = $3 RETURNING *`, [r.corpId, r.externalUserid, r.userid, r.add, remove]);
  const before: string[] = prev?.tag_ids ?? [];
  const added = r.add.filter((t) => !before.includes(t));
  const removed = remove.filter((t) => before.includes(t));
  const key = (kind: string) => (r.dedupeKey ? `${r.dedupeKey}:${kind}` : null);
  await appendTimeline(pool, r.corpId, [
    ...(added.length ? [{ externalUserid: r.externalUserid, type: 'tag.added', userid: r.userid, occurredAt: r.at, data: { tagIds: added, ...r.data }, dedupeKey: key('added') }] : []),
    ...(removed.length ? [{ externalUserid: r.externalUserid, type: 'tag.removed', userid: r.userid, occurredAt: r.at, data: { tagIds: removed, ...r.data }, dedupeKey: key('removed') }] : []),
  ]);
  return row ?? null;
}
