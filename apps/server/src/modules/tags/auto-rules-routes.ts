// Auto-tag rules: list, create, enable or disable, delete, and backfill (a bulk tag job over everyone who qualifies).
import { IdParams, Ok } from '@pond/contracts/common';
import { AutoTagRule, AutoTagRuleBody, AutoTagRuleList, AutoTagRuleToggle, BulkTagJob } from '@pond/contracts/tags';
import type { App } from '../../platform/http';
import { access, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import type { AutoTagRules } from './auto-rules';

export function autoTagRuleRoutes(app: App, deps: { rules: AutoTagRules }): void {
  const { rules } = deps;
  const tags = ['tags'];
  app.get('/api/auto-tag-rules', { config: access(ALL_ROLES, { scope: 'corp' }), schema: { tags, response: { 200: AutoTagRuleList } } },
    async (req) => ({ items: await rules.list(req.principal!.corpId) }));
  app.post('/api/auto-tag-rules', {
    config: access(WRITE_ROLES, { refs: { 'tagIds[]': 'tag', 'params.codeIds[]': 'liveCode', 'params.chatIds[]': 'group' } }),
    schema: { tags, body: AutoTagRuleBody, response: { 200: AutoTagRule } },
  }, async (req) => rules.create(req.principal!.corpId, req.body));
  app.patch('/api/auto-tag-rules/:id', {
    config: access(WRITE_ROLES, { params: { id: 'autoTagRule' } }), schema: { tags, params: IdParams, body: AutoTagRuleToggle, response: { 200: AutoTagRule } },
  }, async (req) => rules.setEnabled(req.principal!.corpId, req.params.id, req.body.enabled));
  app.delete('/api/auto-tag-rules/:id', {
    config: access(WRITE_ROLES, { params: { id: 'autoTagRule' } }), schema: { tags, params: IdParams, response: { 200: Ok } },
  }, async (req) => { await rules.remove(req.principal!.corpId, req.params.id); return { ok: true as const }; });
  app.post('/api/auto-tag-rules/:id/backfill', {
    config: access(WRITE_ROLES, { params: { id: 'autoTagRule' } }),
    schema: { tags, summary: 'Tag everyone who already meets the rule, as a bulk tag job', params: IdParams, response: { 200: BulkTagJob } },
  }, async (req) => rules.backfill(req.scope.corpId, req.params.id, req.principal!.name));
}
