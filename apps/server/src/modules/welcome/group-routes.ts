// Group welcome templates (入群欢迎语素材): the library WeCom keeps, mirrored by GroupWelcomeService.
import type pg from 'pg';
import { Ok } from '@pond/contracts/common';
import {
  GroupWelcomeBody, GroupWelcomeParams, GroupWelcomePatchBody, GroupWelcomeTemplate, GroupWelcomeTemplateList,
} from '@pond/contracts/welcome';
import type { App } from '../../platform/http';
import type { CorpService } from '../org';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import { GroupWelcomeService } from './group-service';

const TAGS = ['welcome'];

export async function groupWelcomeRoutes(app: App, deps: { pool: pg.Pool; corps: CorpService }) {
  const groups = new GroupWelcomeService(deps.pool, deps.corps);

  app.get('/api/group-welcome-templates', {
    config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags: TAGS, response: { 200: GroupWelcomeTemplateList } },
  }, async (req) => ({ items: await groups.list(req.principal!.corpId) }));

  app.post('/api/group-welcome-templates', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, body: GroupWelcomeBody, response: { 200: GroupWelcomeTemplate } },
  }, async (req) => groups.create(req.principal!.corpId, req.body));

  app.patch('/api/group-welcome-templates/:templateId', {
    config: access(WRITE_ROLES, { params: { templateId: 'groupWelcomeTemplate' } }),
    schema: { tags: TAGS, params: GroupWelcomeParams, body: GroupWelcomePatchBody, response: { 200: GroupWelcomeTemplate } },
  }, async (req) => groups.update(req.principal!.corpId, req.params.templateId, req.body));

  app.delete('/api/group-welcome-templates/:templateId', {
    config: access(WRITE_ROLES, { params: { templateId: 'groupWelcomeTemplate' } }),
    schema: { tags: TAGS, params: GroupWelcomeParams, response: { 200: Ok } },
  }, async (req) => {
    await groups.remove(req.principal!.corpId, req.params.templateId);
    return { ok: true as const };
  });
}
