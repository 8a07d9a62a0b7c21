// Bulk tag jobs: start one over a filtered or uploaded customer list, follow its progress, read its failures, cancel it.
import { IdParams, Ok } from '@pond/contracts/common';
import { BulkTagJob, BulkTagJobBody, BulkTagJobDetail, BulkTagJobList } from '@pond/contracts/tags';
import type { App } from '../../platform/http';
import type { BulkTagService } from './bulk';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

export function bulkTagRoutes(app: App, deps: { bulk: BulkTagService }): void {
  const tags = ['tags'];
  app.post('/api/bulk-tag-jobs', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { 'tagIds[]': 'tag', 'filter.tagIds[]': 'tag', 'filter.userid': 'staff', 'filter.storeId': 'store', 'filter.segmentId': 'segment' } }), schema: {
      tags, summary: 'Tag or untag every follow relation of a filtered or uploaded customer list, in the background',
      body: BulkTagJobBody, response: { 200: BulkTagJob },
    },
  }, async (req) => {
    const { action, tagIds, filter, externalUserids } = req.body;
    return deps.bulk.create(req.scope, { action, tagIds, source: { filter, externalUserids } }, req.principal!.name);
  });
  app.get('/api/bulk-tag-jobs', { config: access(ALL_ROLES, { scope: 'filtered' }), schema: { tags, response: { 200: BulkTagJobList } } },
    async (req) => ({ items: await deps.bulk.list(req.scope) }));
  app.get('/api/bulk-tag-jobs/:id', { config: access(ALL_ROLES, { params: { id: 'bulkTagJob' } }), schema: { tags, params: IdParams, response: { 200: BulkTagJobDetail } } },
    async (req) => deps.bulk.get(req.principal!.corpId, req.params.id));
  app.post('/api/bulk-tag-jobs/:id/cancel', { config: access(WRITE_ROLES, { params: { id: 'bulkTagJob' } }), schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => { await deps.bulk.cancel(req.principal!.corpId, req.params.id); return { ok: true as const }; });
}
