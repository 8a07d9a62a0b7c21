import { z } from 'zod';
import type { App } from '../../platform/http';
import type { BulkTagService } from './bulk';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export async function bulkTagRoutes(app: App, deps: { bulk: BulkTagService }) {
  app.post('/api/bulk-tag-jobs', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', 'filter.tagIds[]': 'tag', 'filter.userid': 'staff', 'filter.storeId': 'store', 'filter.segmentId': 'segment' } }), schema: {
      tags: ['tags'], summary: 'Tag or untag every follow relation of a filtered or uploaded customer list, in the background',
      body: z.object({
        action: z.enum(['add', 'remove'], { message: 'must be add or remove' }),
        tagIds: z.array(z.string()).min(1, 'choose at least one tag').max(100),
        filter: z.object({ q: z.string().max(100).optional(), tagIds: z.array(z.string()).optional(), userid: z.string().optional(), storeId: z.number().int().optional(), segmentId: z.number().int().positive('must be a saved segment id').optional() }).optional(),
        externalUserids: z.array(z.string().min(1)).max(100_000, 'at most 100,000 customers per job').optional(),
      }),
    },
  }, async (req) => {
    const { action, tagIds, filter, externalUserids } = req.body;
    return deps.bulk.create(req.scope, { action, tagIds, source: { filter, externalUserids } }, req.principal!.name);
  });
  app.get('/api/bulk-tag-jobs', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags: ['tags'] } },
    async (req) => ({ items: await deps.bulk.list(req.scope) }));
  app.get('/api/bulk-tag-jobs/:id', { config: access(ALL_ROLES, { params: { id: 'bulkTagJob' } }), schema: { tags: ['tags'], params: z.object({ id: z.coerce.number().int() }) } },
    async (req) => deps.bulk.get(req.principal!.corpId, req.params.id));
  app.post('/api/bulk-tag-jobs/:id/cancel', { config: access(WRITE_ROLES, { params: { id: 'bulkTagJob' } }), schema: { tags: ['tags'], params: z.object({ id: z.coerce.number().int() }) } },
    async (req) => { await deps.bulk.cancel(req.principal!.corpId, req.params.id); return { ok: true }; });
}
