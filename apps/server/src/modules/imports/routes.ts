// CSV imports (the body is the CSV itself: text/csv or text/plain, up to 50 MB) and the leads they keep.
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { FollowersImportQuery, ImportQuery, ImportReport, LeadList } from '@pond/contracts/imports';
import type { App } from '../../platform/http';
import { Page } from '../../platform/schemas';
import { access, WRITE_ROLES } from '../../platform/access';
import type { ImportService } from './service';

export async function importRoutes(app: App, deps: { imports: ImportService }): Promise<void> {
  await app.register((plain, _opts, done) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    scope.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 50 * 1024 * 1024 }, (_req, body, parsed) => parsed(null, body));
    // A dry run (the default) only reports what an import would do.
    const dryRun = (req: FastifyRequest) => (req.query as { dryRun?: boolean }).dryRun !== false;
    scope.post('/api/imports/customer-attributes', {
      config: { ...access(WRITE_ROLES), audit: { action: 'import.customer_attributes', skip: dryRun } },
      schema: {
        tags: ['imports'], summary: 'CSV (external_userid or unionid + attribute columns); dryRun=true (default) only reports', consumes: ['text/csv', 'text/plain'],
        querystring: ImportQuery, response: { 200: ImportReport },
      },
    }, (req) => deps.imports.customerAttributes(req.principal!.corpId, bodyText(req.body), req.query.dryRun));
    scope.post('/api/imports/followers', {
      config: { ...access(WRITE_ROLES), audit: { action: 'import.followers', skip: dryRun } },
      schema: {
        tags: ['imports'], summary: '公众号 followers CSV (unionid, openid, nickname, …): matched to customers or kept as leads', consumes: ['text/csv', 'text/plain'],
        querystring: FollowersImportQuery, response: { 200: ImportReport },
      },
    }, (req) => deps.imports.followers(req.principal!.corpId, bodyText(req.body), req.query.dryRun, req.query.source));
    done();
  });
  app.get('/api/leads', { config: access(WRITE_ROLES), schema: { tags: ['imports'], summary: 'Leads: people known by unionid, newest first', querystring: Page, response: { 200: LeadList } } },
    (req) => deps.imports.listLeads(req.principal!.corpId, req.query.page, req.query.pageSize));
}

/** The CSV as the content-type parser kept it (no body: empty, which the import refuses by name). */
const bodyText = (body: unknown): string => (typeof body === 'string' ? body : '');
