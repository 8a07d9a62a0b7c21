// Welcome templates (欢迎语) and the record of welcome sends. The schemas give the shape and outer bounds; the
// service checks WeCom's rules (bytes, attachment payloads, scope) and names the field that broke one.
import { z } from 'zod';
import type { App } from '../../platform/http';
import { WELCOME_SCOPES } from './content';
import { SEND_STATUSES } from './repo';
import type { WelcomeService } from './service';
import { List, RowId, RowIdParam, Text, Userid } from '../../platform/schemas';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';

const str = () => Text(2000).optional();
const Attachment = z.object({
  msgtype: Text(20).describe('image | link | miniprogram | video | file | coupon (a link card)'),
  image: z.object({ media_id: str(), pic_url: str() }).optional(),
  link: z.object({ title: str(), url: str(), desc: str(), picurl: str() }).optional().describe('title ≤ 128 bytes, url http(s), desc ≤ 512 bytes'),
  coupon: z.object({ title: str(), url: str(), desc: str(), picurl: str() }).optional().describe('stored and sent as a link'),
  miniprogram: z.object({ title: str(), pic_media_id: str(), appid: str(), page: str() }).optional().describe('title ≤ 64 bytes'),
  video: z.object({ media_id: str() }).optional(),
  file: z.object({ media_id: str() }).optional(),
});
const Scope = z.enum(WELCOME_SCOPES, { error: `must be one of ${WELCOME_SCOPES.join(', ')}` });
const Content = {
  userids: List(Userid, 10_000).optional().describe('staff userids, scope staff only'),
  text: Text(20_000).optional().describe('≤ 4000 bytes in UTF-8; placeholders {nickname} {staff} {channel} {store}'),
  attachments: List(Attachment, 100).optional().describe('at most 9'),
};
const TemplateBody = z.object({ name: Text(1000).describe('1–60 characters'), scope: Scope, ...Content });
const TemplatePatchBody = z.object({ name: Text(1000).optional(), scope: Scope.optional(), ...Content });
const PreviewBody = z.object({
  id: RowId.optional().describe('preview a saved template; otherwise the content in this body'),
  name: Text(1000).optional(),
  scope: Scope.optional(),
  ...Content,
  vars: z.object({ nickname: str(), staff: str(), channel: str(), store: str(), userid: str() }).optional(),
});
const Id = z.object({ id: RowIdParam });
const TAGS = ['welcome'];

export async function welcomeRoutes(app: App, deps: { welcome: WelcomeService }) {
  const { welcome } = deps;

  app.get('/api/welcome-templates', {
    config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: TAGS, summary: 'Welcome templates, active first', querystring: z.object({ status: z.enum(['active', 'archived']).optional(), scope: Scope.optional() }) },
  }, async (req) => ({ items: await welcome.list(req.principal!.corpId, req.query) }));

  app.post('/api/welcome-templates', {
    config: access(WRITE_ROLES, { refs: { 'userids[]': 'staff' } }), schema: { tags: TAGS, summary: 'Create a template; a new default archives the previous default', body: TemplateBody },
  }, async (req) => welcome.create(req.principal!.corpId, req.body));

  // Before /:id so that "preview" is never read as an id.
  app.post('/api/welcome-templates/preview', {
    config: { ...access(ALL_ROLES, { scope: 'corp', refs: { 'vars.userid': 'staff', 'userids[]': 'staff' } }), audit: false }, schema: { tags: TAGS, summary: 'Render a template with sample values ({ id } or unsaved content)', body: PreviewBody },
  }, async (req) => {
    const { id, vars, ...content } = req.body;
    return welcome.preview(req.principal!.corpId, id !== undefined ? { id } : content, vars);
  });

  app.get('/api/welcome-templates/:id', {
    config: access(ALL_ROLES, { params: { id: 'welcomeTemplate' } }), schema: { tags: TAGS, params: Id },
  }, async (req) => welcome.get(req.principal!.corpId, req.params.id));

  app.patch('/api/welcome-templates/:id', {
    config: access(WRITE_ROLES, { params: { id: 'welcomeTemplate' }, refs: { 'userids[]': 'staff' } }), schema: { tags: TAGS, params: Id, body: TemplatePatchBody },
  }, async (req) => welcome.update(req.principal!.corpId, req.params.id, req.body));

  app.delete('/api/welcome-templates/:id', {
    config: access(WRITE_ROLES, { params: { id: 'welcomeTemplate' } }), schema: { tags: TAGS, summary: 'Archive a template (never chosen again)', params: Id },
  }, async (req) => welcome.archive(req.principal!.corpId, req.params.id));

  app.get('/api/welcome-sends', {
    config: access(ALL_ROLES, { scope: 'filtered', refs: { codeId: 'liveCode' } }), schema: {
      tags: TAGS, summary: 'Welcome attempts, newest first: sent (reconciled: settled after an interrupted call), failed (41051, expired code…), skipped, or unknown (interrupted, and the code expired before WeCom could confirm)',
      querystring: z.object({
        codeId: RowIdParam.optional(),
        status: z.enum(SEND_STATUSES).optional(),
        page: z.coerce.number().int().min(1, 'must be ≥ 1').default(1),
        pageSize: z.coerce.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200').default(20),
      }),
    },
  }, async (req) => welcome.listSends(req.scope, req.query));
}
