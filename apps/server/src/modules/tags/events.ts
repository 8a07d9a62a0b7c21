// change_external_tag callbacks, registered with the inbox by app.ts: re-read what changed from WeCom (get_corp_tag_list).
import type pg from 'pg';
import type { InboxHandlers } from '../../platform/inbox';
import { markTagsDeleted, saveTagGroups, type TagGroupRecord } from './repo';

/** What the tag handlers need from WeCom; CorpService's client has it. */
export interface TagCorps {
  client(corpId: string): Promise<{ getCorpTagList(req: { tag_id?: string[]; group_id?: string[] }): Promise<{ tag_group?: TagGroupRecord[] }> }>;
}

export function tagEventHandlers(deps: { pool: pg.Pool; corps: TagCorps }) {
  const { pool, corps } = deps;
  return {
    'change_external_tag/*': async (ctx) => {
      const id = ctx.ev.Id ?? '';
      const kind = ctx.ev.TagType === 'tag_group' ? 'group' : 'tag';
      const client = await corps.client(ctx.corpId);
      switch (ctx.ev.ChangeType) {
        case 'create':
        case 'update': {
          const res = await client.getCorpTagList(kind === 'group' ? { group_id: [id] } : { tag_id: [id] });
          await saveTagGroups(pool, ctx.corpId, res.tag_group ?? [], { full: false });
          return;
        }
        case 'delete':
          await markTagsDeleted(pool, ctx.corpId, [id]);
          return;
        default: {
          // shuffle (reorder) and anything new: read everything.
          const res = await client.getCorpTagList({});
          await saveTagGroups(pool, ctx.corpId, res.tag_group ?? [], { full: true });
        }
      }
    },
  } satisfies InboxHandlers;
}
