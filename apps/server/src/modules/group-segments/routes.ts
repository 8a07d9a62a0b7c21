// Group segments: live count and sample while a rule is edited, saved group segments, their groups and CSV export.
import { z } from 'zod';
import type pg from 'pg';
import { IdParams, Ok, Page } from '@pond/contracts/common';
import {
  GroupSegment, GroupSegmentBody, GroupSegmentGroups, GroupSegmentList, GroupSegmentPatch, GroupSegmentPreview, GroupSegmentPreviewBody,
} from '@pond/contracts/group-segments';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import { GroupSegmentService } from './service';

export function groupSegmentRoutes(app: App, deps: { pool: pg.Pool }): void {
  const segments = new GroupSegmentService(deps.pool);
  const tags = ['group segments'];

  app.post('/api/group-segments/preview', {
    config: { ...access(ALL_ROLES, { scope: 'filtered' }), audit: false },
    schema: { tags, summary: 'Live count and a sample of groups for a rule', body: GroupSegmentPreviewBody, response: { 200: GroupSegmentPreview } },
  }, async (req) => segments.preview(req.scope, req.body.rule));
  app.get('/api/group-segments', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags, response: { 200: GroupSegmentList } } },
    async (req) => ({ items: await segments.saved.list(req.principal!.corpId) }));
  app.post('/api/group-segments', { config: access(WRITE_ROLES), schema: { tags, body: GroupSegmentBody, response: { 200: GroupSegment } } },
    async (req) => segments.saved.create(req.principal!.corpId, req.body, req.principal!.name));
  app.patch('/api/group-segments/:id', {
    config: access(WRITE_ROLES, { params: { id: 'groupSegment' } }), schema: { tags, params: IdParams, body: GroupSegmentPatch, response: { 200: GroupSegment } },
  }, async (req) => segments.saved.update(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/group-segments/:id', { config: access(WRITE_ROLES, { params: { id: 'groupSegment' } }), schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => { await segments.saved.remove(req.principal!.corpId, req.params.id); return { ok: true as const }; });
  app.get('/api/group-segments/:id/groups', {
    config: access(ALL_ROLES, { params: { id: 'groupSegment' }, scope: 'filtered' }),
    schema: { tags, summary: "A saved segment's groups, paged", params: IdParams, querystring: Page, response: { 200: GroupSegmentGroups } },
  }, async (req) => segments.savedGroups(req.scope, req.params.id, req.query));
  app.get('/api/group-segments/:id/export.csv', {
    config: access(ALL_ROLES, { params: { id: 'groupSegment' }, scope: 'filtered' }),
    schema: {
      tags, summary: "A saved segment's groups as CSV (UTF-8 with BOM)", params: IdParams, produces: ['text/csv'],
      response: { 200: { description: 'A CSV download, one row per group', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const { filename, csv } = await segments.exportCsv(req.scope, req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  });
}
