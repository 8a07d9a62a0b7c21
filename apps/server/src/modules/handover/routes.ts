import { z } from 'zod';
import type { App } from '../../platform/http';
import { WRITE_ROLES, requireRole, scopeOf } from '../../platform/auth';
import { LIMITS, type HandoverService } from './service';

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
  app.post('/api/handover/preview', { config: { audit: false }, preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['handover'], body: Input } },
    async (req) => handover.preview(scopeOf(req.principal!), req.body));
  app.post('/api/handover/jobs', { preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['handover'], body: Input } },
    async (req) => handover.create(scopeOf(req.principal!), req.body, req.principal!.name));
  app.get('/api/handover/jobs', { preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['handover'] } },
    async (req) => ({ items: await handover.list(req.principal!.corpId) }));
  app.get('/api/handover/jobs/:id', { preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['handover'], params: z.object({ id: z.coerce.number().int() }) } },
    async (req) => handover.get(req.principal!.corpId, req.params.id));
  app.post('/api/handover/jobs/:id/refresh', { config: { audit: false }, preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['handover'], params: z.object({ id: z.coerce.number().int() }) } },
    async (req) => { await handover.get(req.principal!.corpId, req.params.id); await handover.poll(req.params.id); return handover.get(req.principal!.corpId, req.params.id); });
  app.get('/api/handover/unassigned', { preHandler: requireRole(...WRITE_ROLES), schema: { tags: ['handover'], summary: "Resigned staff's customers nobody has taken over" } },
    async (req) => ({ items: await handover.unassigned(req.principal!.corpId) }));
}
