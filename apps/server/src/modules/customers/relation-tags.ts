// Tags on one follow relation, changed through WeCom (`mark_tag`). WeCom sends no callback for API
// writes, so Pond stores the result and puts what actually changed on the timeline itself.
import type pg from 'pg';
import type { WecomClient } from '@pond/wecom';
import type { Row } from '../../platform/db/rows';
import { appendTimeline, changeFollowTagIds, relationTagIds, type TimelineEvent } from './repo';

/** Returns the relation as stored after the change; null when there was nothing to change (or no such relation). */
export async function markRelationTags(
  pool: pg.Pool, client: Pick<WecomClient, 'markTag'>,
  r: { corpId: string; externalUserid: string; userid: string; add: string[]; remove?: string[]; at: Date; data?: Record<string, unknown>; dedupeKey?: string },
): Promise<Row<'follows'> | null> {
  const remove = r.remove ?? [];
  if (r.add.length === 0 && remove.length === 0) return null;
  await client.markTag({ userid: r.userid, external_userid: r.externalUserid, ...(r.add.length ? { add_tag: r.add } : {}), ...(remove.length ? { remove_tag: remove } : {}) });
  const before = (await relationTagIds(pool, r.corpId, r.externalUserid, r.userid)) ?? [];
  const row = await changeFollowTagIds(pool, r.corpId, r.externalUserid, r.userid, r.add, remove);
  const added = r.add.filter((t) => !before.includes(t));
  const removed = remove.filter((t) => before.includes(t));
  const key = (kind: string) => (r.dedupeKey ? `${r.dedupeKey}:${kind}` : null);
  const event = (type: string, tagIds: string[]): TimelineEvent =>
    ({ externalUserid: r.externalUserid, type, userid: r.userid, occurredAt: r.at, data: { tagIds, ...r.data }, dedupeKey: key(type === 'tag.added' ? 'added' : 'removed') });
  await appendTimeline(pool, r.corpId, [
    ...(added.length ? [event('tag.added', added)] : []),
    ...(removed.length ? [event('tag.removed', removed)] : []),
  ]);
  return row ?? null;
}
