import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../platform/http';
import { Page } from '../../platform/schemas';
import type { ImportService } from './service';
import { access, WRITE_ROLES } from '../../platform/access';

export async function importRoutes(app: App, deps: { imports: ImportService }) {
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    // A dry run (the default) only reports what an import would do.
    const dryRun = (req: FastifyRequest) => (req.query as { dryRun?: boolean }).dryRun !== false;
    const Q = z.object({ dryRun: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true').transform((v) => v === 'true') });
    scope.post('/api/imports/customer-attributes', {
      config: { ...access(WRITE_ROLES), audit: { action: 'import.customer_attributes', skip: dryRun } },
      schema: { tags: ['imports'], summary: 'CSV (external_userid or unionid + attribute columns); dryRun=true (default) only reports', querystring: Q },
    }, async (req) => deps.imports.customerAttributes(req.principal!.corpId, String(req.body ?? ''), req.query.dryRun));
    scope.post('/api/imports/followers', {
      config: { ...access(WRITE_ROLES), audit: { action: 'import.followers', skip: dryRun } },
      schema: { tags: ['imports'], summary: '公众号 followers CSV (unionid, openid, nickname, …): matched to customers or kept as leads', querystring: Q.extend({ source: z.string().max(30).optional() }) },
    }, async (req) => deps.imports.followers(req.principal!.corpId, String(req.body ?? ''), req.query.dryRun, req.query.source));
  });
  app.get('/api/leads', { config: access(WRITE_ROLES), schema: { tags: ['imports'], querystring: Page } },
    async (req) => deps.imports.listLeads(req.principal!.corpId, req.query.page, req.query.pageSize));
}
