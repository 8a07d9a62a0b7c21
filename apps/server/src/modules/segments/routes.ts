// Segments: live count and sample while a rule is edited, saved segments, members and CSV export —
// always within the caller's scope (staff: their customers; store managers: their stores').
import { z } from 'zod';
import { IdParams, Ok, Page } from '@pond/contracts/common';
import { Segment, SegmentBody, SegmentList, SegmentMembers, SegmentPatch, SegmentPreview, SegmentPreviewBody } from '@pond/contracts/segments';
import type pg from 'pg';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import { SegmentService } from './service';

export function segmentRoutes(app: App, deps: { pool: pg.Pool }): void {
  const segments = new SegmentService(deps.pool);
  const tags = ['segments'];

  app.post('/api/segments/preview', {
    config: { ...access(ALL_ROLES, { scope: 'filtered' }), audit: false },
    schema: { tags, summary: 'Live count and a sample of members for a rule', body: SegmentPreviewBody, response: { 200: SegmentPreview } },
  }, async (req) => segments.preview(req.scope, req.body.rule));
  app.get('/api/segments', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags, response: { 200: SegmentList } } },
    async (req) => ({ items: await segments.saved.list(req.principal!.corpId) }));
  app.post('/api/segments', { config: access(WRITE_ROLES), schema: { tags, body: SegmentBody, response: { 200: Segment } } },
    async (req) => segments.saved.create(req.principal!.corpId, req.body, req.principal!.name));
  app.patch('/api/segments/:id', {
    config: access(WRITE_ROLES, { params: { id: 'segment' } }), schema: { tags, params: IdParams, body: SegmentPatch, response: { 200: Segment } },
  }, async (req) => segments.saved.update(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/segments/:id', { config: access(WRITE_ROLES, { params: { id: 'segment' } }), schema: { tags, params: IdParams, response: { 200: Ok } } },
    async (req) => { await segments.saved.remove(req.principal!.corpId, req.params.id); return { ok: true as const }; });
  app.get('/api/segments/:id/members', {
    config: access(ALL_ROLES, { params: { id: 'segment' }, scope: 'filtered' }),
    schema: { tags, params: IdParams, querystring: Page, response: { 200: SegmentMembers } },
  }, async (req) => segments.savedMembers(req.scope, req.params.id, req.query));
  app.get('/api/segments/:id/export.csv', {
    config: access(ALL_ROLES, { params: { id: 'segment' }, scope: 'filtered' }),
    schema: {
      tags, summary: "A saved segment's members as CSV (UTF-8 with BOM)", params: IdParams, produces: ['text/csv'],
      response: { 200: { description: 'A CSV download, one row per member', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const { filename, csv } = await segments.exportCsv(req.scope, req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  });
}
