import { z } from 'zod';
import type { App } from '../../platform/http';
import type { BulkTagService } from './bulk';
import { ExternalUserid, IdParams, List, RowId, TagId, Userid } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export async function bulkTagRoutes(app: App, deps: { bulk: BulkTagService }) {
  app.post('/api/bulk-tag-jobs', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', 'filter.tagIds[]': 'tag', 'filter.userid': 'staff', 'filter.storeId': 'store', 'filter.segmentId': 'segment' } }), schema: {
      tags: ['tags'], summary: 'Tag or untag every follow relation of a filtered or uploaded customer list, in the background',
      body: z.object({
        action: z.enum(['add', 'remove'], { message: 'must be add or remove' }),
        tagIds: List(TagId, 100).min(1, 'choose at least one tag'),
        filter: z.object({ q: z.string().max(100).optional(), tagIds: List(TagId, 100).optional(), userid: Userid.optional(), storeId: RowId.optional(), segmentId: RowId.optional() }).optional(),
        externalUserids: List(ExternalUserid, 100_000).optional(),
      }),
    },
  }, async (req) => {
    const { action, tagIds, filter, externalUserids } = req.body;
    return deps.bulk.create(req.scope, { action, tagIds, source: { filter, externalUserids } }, req.principal!.name);
  });
  app.get('/api/bulk-tag-jobs', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['tags'] } },
    async (req) => ({ items: await deps.bulk.list(req.scope) }));
  app.get('/api/bulk-tag-jobs/:id', { config: access(ALL_ROLES, { params: { id: 'bulkTagJob' } }), schema: { tags: ['tags'], params: IdParams } },
    async (req) => deps.bulk.get(req.principal!.corpId, req.params.id));
  app.post('/api/bulk-tag-jobs/:id/cancel', { config: access(WRITE_ROLES, { params: { id: 'bulkTagJob' } }), schema: { tags: ['tags'], params: IdParams } },
    async (req) => { await deps.bulk.cancel(req.principal!.corpId, req.params.id); return { ok: true }; });
}
