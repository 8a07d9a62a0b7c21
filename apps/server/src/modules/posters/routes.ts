// /api/poster-templates (the designer: templates, check, preview, publish), /api/posters/… (staff cards and a
// store's cards in a zip) and the live code's poster URLs (poster.png, poster-check), which draw through here.
import { z } from 'zod';
import { PosterQuery } from '@pond/contracts/live-codes';
import {
  PosterCheck, PosterDraftBody, PosterTemplate, PosterTemplateBody, PosterTemplateList, PosterTemplateListQuery, PosterTemplatePatch, PublishBody,
  StaffCardInfo, StaffCardParams, StaffCardQuery, StoreCardsParams,
} from '@pond/contracts/posters';
import type { App } from '../../platform/http';
import { IdParams, Ok } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import type { LiveCodeService } from '../live-codes';
import type { PosterService } from './service';
import type { TemplateRow } from './repo';

const tags = ['posters'];
const png = (description: string) => ({
  description, content: { 'image/png': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) } },
});

const out = (t: TemplateRow): z.output<typeof PosterTemplate> => ({
  id: t.id, name: t.name, purpose: t.purpose, design: t.design, version: t.version, status: t.status, publishedAt: t.published_at,
  publishedIssues: t.published_issues, createdAt: t.created_at, updatedAt: t.updated_at,
});

/** The design of a draft body (its sample values and purpose apart). */
const designOf = (b: z.output<typeof PosterDraftBody>) => ({ canvas: b.canvas, background: b.background, elements: b.elements });

export function posterRoutes(app: App, deps: { posters: PosterService; codes: LiveCodeService }) {
  const { posters, codes } = deps;

  app.get('/api/poster-templates', {
    config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags, querystring: PosterTemplateListQuery, response: { 200: PosterTemplateList } },
  }, async (req) => ({ items: (await posters.list(req.principal!.corpId, req.query.purpose)).map(out) }));

  app.post('/api/poster-templates', {
    config: access(WRITE_ROLES), schema: { tags, summary: 'Create a poster template (a draft)', body: PosterTemplateBody, response: { 200: PosterTemplate } },
  }, async (req) => out(await posters.create(req.principal!.corpId, req.body)));

  // The designer's live feedback on an unsaved design: nothing is written.
  app.post('/api/poster-templates/check', {
    config: { ...access(WRITE_ROLES), audit: false },
    schema: { tags, summary: 'Check an unsaved design: the checker\'s findings (errors first) and what it measured', body: PosterDraftBody, response: { 200: PosterCheck } },
  }, async (req) => posters.check(req.principal!.corpId, designOf(req.body), req.body.vars));

  app.post('/api/poster-templates/preview.png', {
    config: { ...access(WRITE_ROLES), audit: false },
    schema: { tags, summary: 'Draw an unsaved design with sample values', body: PosterDraftBody, produces: ['image/png'], response: { 200: png('The poster, PNG at 300 dpi') } },
  }, async (req, reply) => {
    const r = await posters.previewDraft(req.principal!.corpId, designOf(req.body), req.body.vars);
    return reply.type('image/png').header('etag', r.etag).send(r.png);
  });

  app.get('/api/poster-templates/:id', {
    config: access(ALL_ROLES, { params: { id: 'posterTemplate' } }), schema: { tags, params: IdParams, response: { 200: PosterTemplate } },
  }, async (req) => out(await posters.get(req.principal!.corpId, req.params.id)));

  app.patch('/api/poster-templates/:id', {
    config: access(WRITE_ROLES, { params: { id: 'posterTemplate' } }),
    schema: { tags, summary: 'Edit a template: a new version, a draft again until published', params: IdParams, body: PosterTemplatePatch, response: { 200: PosterTemplate } },
  }, async (req) => out(await posters.update(req.principal!.corpId, req.params.id, req.body)));

  app.delete('/api/poster-templates/:id', {
    config: { ...access(WRITE_ROLES, { params: { id: 'posterTemplate' } }), audit: { action: 'poster_template.archive' } },
    schema: { tags, summary: 'Archive a template (posters already handed out keep their pictures)', params: IdParams, response: { 200: Ok } },
  }, async (req) => { await posters.archive(req.principal!.corpId, req.params.id); return { ok: true as const }; });

  app.post('/api/poster-templates/:id/publish', {
    config: access(WRITE_ROLES, { params: { id: 'posterTemplate' } }),
    schema: {
      tags, params: IdParams, body: PublishBody, response: { 200: PosterTemplate },
      summary: 'Check and publish: 409 with the issues when the checker finds errors, or warnings not acknowledged',
    },
  }, async (req) => out(await posters.publish(req.principal!.corpId, req.params.id, req.body.acknowledgeWarnings)));

  app.get('/api/poster-templates/:id/preview.png', {
    config: access(ALL_ROLES, { params: { id: 'posterTemplate' } }),
    schema: { tags, summary: 'The saved template drawn with sample values', params: IdParams, produces: ['image/png'], response: { 200: png('The poster, PNG at 300 dpi') } },
  }, async (req, reply) => {
    const t = await posters.get(req.principal!.corpId, req.params.id);
    const r = await posters.previewDraft(req.principal!.corpId, t.design);
    return reply.type('image/png').header('etag', r.etag).header('cache-control', 'private, no-cache').send(r.png);
  });

  // ---- staff cards (员工名片 / 工牌): a store manager sees their stores' staff, a staff member their own card ----

  app.get('/api/posters/staff-cards/:userid', {
    config: access(ALL_ROLES, { params: { userid: 'staff' } }),
    schema: { tags, summary: 'A staff member\'s card code (their own live code, made on first use)', params: StaffCardParams, response: { 200: StaffCardInfo } },
  }, async (req) => posters.staffCardInfo(req.principal!.corpId, req.params.userid));

  app.get('/api/posters/staff-cards/:userid/card.png', {
    config: access(ALL_ROLES, { params: { userid: 'staff' } }),
    schema: {
      tags, params: StaffCardParams, querystring: StaffCardQuery, produces: ['image/png'],
      summary: 'A staff member\'s card with their own code: a CR80 badge or A4 sheet (PNG, 300 dpi) or a 9:16 poster to share',
      response: { 200: png('The card (filename "<userid>-<size>.png")') },
    },
  }, async (req, reply) => {
    const card = await posters.staffCard(req.principal!.corpId, req.params.userid, req.query.size, req.query.templateId);
    return reply.type('image/png').header('etag', card.etag).header('cache-control', 'private, no-cache')
      .header('content-disposition', `inline; filename="${encodeURIComponent(req.params.userid)}-${req.query.size}.png"`).send(card.png);
  });

  app.get('/api/posters/stores/:id/staff-cards.zip', {
    config: access(['admin', 'operator', 'store_manager'], { params: { id: 'store' } }),
    schema: {
      tags, params: StoreCardsParams, querystring: StaffCardQuery, produces: ['application/zip'],
      summary: 'Every card of a store\'s staff in one zip (one PNG per staff member with customer contact)',
      response: { 200: { description: 'A zip download (filename "store-<id>-staff-cards-<size>.zip")', content: { 'application/zip': { schema: z.instanceof(Buffer).meta({ type: 'string', format: 'binary' }) } } } },
    },
  }, async (req, reply) => {
    const { zip } = await posters.storeCardsZip(req.principal!.corpId, req.params.id, req.query.size, req.query.templateId);
    return reply.type('application/zip').header('content-disposition', `attachment; filename="store-${req.params.id}-staff-cards-${req.query.size}.zip"`).send(zip);
  });

  // ---- the live code's poster (URLs kept from before templates): drawn from a template, or the built-in design ----

  app.get('/api/live-codes/:id/poster.png', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }), schema: {
      tags: ['live-codes'], params: IdParams, querystring: PosterQuery, produces: ['image/png'],
      description: 'A printable poster with the QR, as a PNG download: from `templateId`, or the built-in design with the copy and colours given.',
      response: { 200: png('A PNG download (filename "<key>-poster.png")') },
    },
  }, async (req, reply) => {
    const c = await codes.get(req.principal!.corpId, req.params.id);
    const r = await posters.renderLiveCodePoster(req.principal!.corpId, c, req.query);
    return reply.type('image/png').header('etag', r.etag).header('content-disposition', `attachment; filename="${c.key}-poster.png"`).send(r.png);
  });

  app.get('/api/live-codes/:id/poster-check', {
    config: access(ALL_ROLES, { params: { id: 'liveCode' } }),
    schema: { tags: ['live-codes'], summary: 'The checker\'s findings on the code\'s poster (as poster.png draws it)', params: IdParams, querystring: PosterQuery, response: { 200: PosterCheck } },
  }, async (req) => posters.checkLiveCodePoster(req.principal!.corpId, await codes.get(req.principal!.corpId, req.params.id), req.query));
}
