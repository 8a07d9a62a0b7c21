import { z } from 'zod';
import type { App } from '../../platform/http';
import { ALL_ROLES, requireRole, scopeOf } from '../../platform/auth';
import type { CustomerService } from './service';

export const Page = z.object({
  page: z.coerce.number().int().min(1, 'must be ≥ 1').default(1),
  pageSize: z.coerce.number().int().min(1).max(200, 'must be ≤ 200').default(20),
});

export async function customerRoutes(app: App, deps: { customers: CustomerService }) {
  app.get('/api/customers', {
    preHandler: requireRole(...ALL_ROLES),
    schema: {
      tags: ['customers'], summary: 'Search customers (name or remark), filter by tag, staff, store, channel',
      querystring: Page.extend({
        q: z.string().max(100).optional(),
        tagIds: z.string().optional().transform((s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined)),
        userid: z.string().optional(),
        storeId: z.coerce.number().int().optional(),
        channel: z.string().max(64).optional(),
      }),
    },
  }, async (req) => deps.customers.list(scopeOf(req.principal!), req.query));

  app.get('/api/customers/:externalUserid', {
    preHandler: requireRole(...ALL_ROLES),
    schema: { tags: ['customers'], summary: 'One customer: follow relations, groups, timeline', params: z.object({ externalUserid: z.string().min(1) }) },
  }, async (req) => deps.customers.detail(scopeOf(req.principal!), req.params.externalUserid));

  app.get('/api/customers/:externalUserid/timeline', {
    preHandler: requireRole(...ALL_ROLES),
    schema: {
      tags: ['customers'], params: z.object({ externalUserid: z.string().min(1) }),
      querystring: z.object({ before: z.coerce.number().int().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    },
  }, async (req) => {
    await deps.customers.detail(scopeOf(req.principal!), req.params.externalUserid); // scope check
    return deps.customers.timeline(req.principal!.corpId, req.params.externalUserid, req.query);
  });
}
