// Welcome templates (欢迎语) and the record of welcome sends. The schemas (@pond/contracts/welcome) give the shape
// and outer bounds; the service checks WeCom's rules (bytes, attachment payloads, scope) and names the field that broke one.
import {
  PreviewBody, SendListQuery, TemplateBody, TemplateIdParams, TemplateListQuery, TemplatePatchBody, WelcomePreview, WelcomeSendPage,
  WelcomeTemplate, WelcomeTemplateList,
} from '@pond/contracts/welcome';
import type { App } from '../../platform/http';
import type { WelcomeService } from './service';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const TAGS = ['welcome'];

export async function welcomeRoutes(app: App, deps: { welcome: WelcomeService }) {
  const { welcome } = deps;

  app.get('/api/welcome-templates', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags: TAGS, summary: 'Welcome templates, active first', querystring: TemplateListQuery, response: { 200: WelcomeTemplateList } },
  }, async (req) => ({ items: await welcome.list(req.principal!.corpId, req.query) }));

  app.post('/api/welcome-templates', {
    config: access(WRITE_ROLES, { refs: { 'userids[]': 'staff' } }),
    schema: { tags: TAGS, summary: 'Create a template; a new default archives the previous default', body: TemplateBody, response: { 200: WelcomeTemplate } },
  }, async (req) => welcome.create(req.principal!.corpId, req.body));

  // Before /:id so that "preview" is never read as an id.
  app.post('/api/welcome-templates/preview', {
    config: { ...access(ALL_ROLES, { scope: 'corp', refs: { 'vars.userid': 'staff', 'userids[]': 'staff' } }), audit: false },
    schema: { tags: TAGS, summary: 'Render a template with sample values ({ id } or unsaved content)', body: PreviewBody, response: { 200: WelcomePreview } },
  }, async (req) => {
    const { id, vars, ...content } = req.body;
    return welcome.preview(req.principal!.corpId, id !== undefined ? { id } : content, vars);
  });

  app.get('/api/welcome-templates/:id', {
    config: access(ALL_ROLES, { params: { id: 'welcomeTemplate' } }),
    schema: { tags: TAGS, params: TemplateIdParams, response: { 200: WelcomeTemplate } },
  }, async (req) => welcome.get(req.principal!.corpId, req.params.id));

  app.patch('/api/welcome-templates/:id', {
    config: access(WRITE_ROLES, { params: { id: 'welcomeTemplate' }, refs: { 'userids[]': 'staff' } }),
    schema: { tags: TAGS, params: TemplateIdParams, body: TemplatePatchBody, response: { 200: WelcomeTemplate } },
  }, async (req) => welcome.update(req.principal!.corpId, req.params.id, req.body));

  app.delete('/api/welcome-templates/:id', {
    config: access(WRITE_ROLES, { params: { id: 'welcomeTemplate' } }),
    schema: { tags: TAGS, summary: 'Archive a template (never chosen again)', params: TemplateIdParams, response: { 200: WelcomeTemplate } },
  }, async (req) => welcome.archive(req.principal!.corpId, req.params.id));

  app.get('/api/welcome-sends', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { codeId: 'liveCode' } }), schema: {
      tags: TAGS, summary: 'Welcome attempts, newest first: sent (reconciled: settled after an interrupted call), failed (41051, expired code…), skipped, or unknown (interrupted, and the code expired before WeCom could confirm)',
      querystring: SendListQuery,
      response: { 200: WelcomeSendPage },
    },
  }, async (req) => welcome.listSends(req.scope, req.query));
}
