import { z } from 'zod';
import type { App } from '../../platform/http';
import { ALL_ROLES, WRITE_ROLES, requireRole, scopeOf } from '../../platform/auth';
import type { BulkTagService } from './bulk';
import { ExternalUserid, IdParams, List, RowId, TagId, Userid } from '../../platform/schemas';

export async function bulkTagRoutes(app: App, deps: { bulk: BulkTagService }) {
  app.post('/api/bulk-tag-jobs', {
    preHandler: requireRole(...WRITE_ROLES, 'store_manager', 'staff'),
    schema: {
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
    return deps.bulk.create(scopeOf(req.principal!), { action, tagIds, source: { filter, externalUserids } }, req.principal!.name);
  });
  app.get('/api/bulk-tag-jobs', { preHandler: requireRole(...ALL_ROLES), schema: { tags: ['tags'] } },
    async (req) => ({ items: await deps.bulk.list(req.principal!.corpId) }));
  app.get('/api/bulk-tag-jobs/:id', { preHandler: requireRole(...ALL_ROLES), schema: { tags: ['tags'], params: IdParams } },
    async (req) => deps.bulk.get(req.principal!.corpId, req.params.id));
  app.post('/api/bulk-tag-jobs/:id/cancel', { preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['tags'], params: IdParams } },
    async (req) => { await deps.bulk.cancel(req.principal!.corpId, req.params.id); return { ok: true }; });
}
