import { z } from 'zod';
import type { App } from '../../platform/http';
import { LIMITS, type HandoverService } from './service';
import { ExternalUserid, IdParams, List, RowId, TagId, Userid } from '../../platform/schemas';
import { access, WRITE_ROLES } from '../../platform/access';

const Input = z.object({
  kind: z.enum(['onjob', 'resigned'], { message: 'must be onjob or resigned' }),
  handoverUserid: Userid,
  takeoverUserid: Userid,
  message: z.string().max(LIMITS.messageMax, `must be at most ${LIMITS.messageMax} characters (WeCom)`).optional(),
  externalUserids: List(ExternalUserid, 100_000).optional(),
  tagIds: List(TagId, 100).optional(),
  segmentId: RowId.optional(),
  includeGroups: z.boolean().default(false),
});

export async function handoverRoutes(app: App, deps: { handover: HandoverService }) {
  const { handover } = deps;
  app.post('/api/handover/preview', { config: { ...access(WRITE_ROLES, { refs: { handoverUserid: 'staff', takeoverUserid: 'staff', 'tagIds[]': 'tag', segmentId: 'segment' } }), audit: false }, schema: { tags: ['handover'], body: Input } },
    async (req) => handover.preview(req.scope, req.body));
  app.post('/api/handover/jobs', { config: access(WRITE_ROLES, { refs: { handoverUserid: 'staff', takeoverUserid: 'staff', 'tagIds[]': 'tag', segmentId: 'segment' } }), schema: { tags: ['handover'], body: Input } },
    async (req) => handover.create(req.scope, req.body, req.principal!.name));
  app.get('/api/handover/jobs', { config: access(WRITE_ROLES), schema: { tags: ['handover'] } },
    async (req) => ({ items: await handover.list(req.principal!.corpId) }));
  app.get('/api/handover/jobs/:id', { config: access(WRITE_ROLES, { params: { id: 'handoverJob' } }), schema: { tags: ['handover'], params: IdParams } },
    async (req) => handover.get(req.principal!.corpId, req.params.id));
  app.post('/api/handover/jobs/:id/refresh', { config: { ...access(WRITE_ROLES, { params: { id: 'handoverJob' } }), audit: false }, schema: { tags: ['handover'], params: IdParams } },
    async (req) => { await handover.get(req.principal!.corpId, req.params.id); await handover.poll(req.params.id); return handover.get(req.principal!.corpId, req.params.id); });
  app.get('/api/handover/unassigned', { config: access(WRITE_ROLES), schema: { tags: ['handover'], summary: "Resigned staff's customers nobody has taken over" } },
    async (req) => ({ items: await handover.unassigned(req.principal!.corpId) }));
}
