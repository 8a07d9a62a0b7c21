// Handover: preview what would move (WeCom's limits applied), start a job, follow it, refresh it from WeCom, and
// the customers of members who left that nobody has taken over.
import { IdParams } from '@pond/contracts/common';
import { HandoverInput, HandoverJobDetail, HandoverJobList, HandoverPreview, UnassignedList } from '@pond/contracts/handover';
import type { App } from '../../platform/http';
import type { HandoverService } from './service';
import { access, WRITE_ROLES } from '../../platform/access';

export function handoverRoutes(app: App, deps: { handover: HandoverService }): void {
  const { handover } = deps;
  const tags = ['handover'];
  const refs = { handoverUserid: 'staff', takeoverUserid: 'staff', 'tagIds[]': 'tag', segmentId: 'segment' } as const;
  app.post('/api/handover/preview', { config: { ...access(WRITE_ROLES, { refs }), audit: false }, schema: { tags, body: HandoverInput, response: { 200: HandoverPreview } } },
    async (req) => handover.preview(req.scope, req.body));
  app.post('/api/handover/jobs', { config: access(WRITE_ROLES, { refs }), schema: { tags, body: HandoverInput, response: { 200: HandoverJobDetail } } },
    async (req) => handover.create(req.scope, req.body, req.principal!.name));
  app.get('/api/handover/jobs', { config: access(WRITE_ROLES), schema: { tags, response: { 200: HandoverJobList } } },
    async (req) => ({ items: await handover.list(req.principal!.corpId) }));
  app.get('/api/handover/jobs/:id', { config: access(WRITE_ROLES, { params: { id: 'handoverJob' } }), schema: { tags, params: IdParams, response: { 200: HandoverJobDetail } } },
    async (req) => handover.get(req.principal!.corpId, req.params.id));
  app.post('/api/handover/jobs/:id/refresh', {
    config: { ...access(WRITE_ROLES, { params: { id: 'handoverJob' } }), audit: false },
    schema: { tags, summary: "Read the job's transfer results from WeCom now", params: IdParams, response: { 200: HandoverJobDetail } },
  }, async (req) => { await handover.get(req.principal!.corpId, req.params.id); await handover.poll(req.params.id); return handover.get(req.principal!.corpId, req.params.id); });
  app.get('/api/handover/unassigned', {
    config: access(WRITE_ROLES), schema: { tags, summary: "Resigned staff's customers nobody has taken over", response: { 200: UnassignedList } },
  }, async (req) => ({ items: await handover.unassigned(req.principal!.corpId) }));
}
