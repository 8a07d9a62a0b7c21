import { z } from 'zod';
import type { App } from '../../platform/http';
import { LIMITS, type HandoverService } from './service';
import { access, WRITE_ROLES } from '../../platform/access';

const Input = z.object({
  kind: z.enum(['onjob', 'resigned'], { message: 'must be onjob or resigned' }),
  handoverUserid: z.string().min(1, 'is required'),
  takeoverUserid: z.string().min(1, 'is required'),
  message: z.string().max(LIMITS.messageMax, `must be at most ${LIMITS.messageMax} characters (WeCom)`).optional(),
  externalUserids: z.array(z.string().min(1)).max(100_000).optional(),
  tagIds: z.array(z.string()).max(100).optional(),
  segmentId: z.number().int().positive('must be a saved segment id').optional(),
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
  app.get('/api/handover/jobs/:id', { config: access(WRITE_ROLES, { params: { id: 'handoverJob' } }), schema: { tags: ['handover'], params: z.object({ id: z.coerce.number().int() }) } },
    async (req) => handover.get(req.principal!.corpId, req.params.id));
  app.post('/api/handover/jobs/:id/refresh', { config: { ...access(WRITE_ROLES, { params: { id: 'handoverJob' } }), audit: false }, schema: { tags: ['handover'], params: z.object({ id: z.coerce.number().int() }) } },
    async (req) => { await handover.get(req.principal!.corpId, req.params.id); await handover.poll(req.params.id); return handover.get(req.principal!.corpId, req.params.id); });
  app.get('/api/handover/unassigned', { config: access(WRITE_ROLES), schema: { tags: ['handover'], summary: "Resigned staff's customers nobody has taken over" } },
    async (req) => ({ items: await handover.unassigned(req.principal!.corpId) }));
}
