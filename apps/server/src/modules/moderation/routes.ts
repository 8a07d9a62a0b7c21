// Moderation rules per tier, violations and offenders, WeCom's intercept rules (staff-side sensitive words), and the
// tiers' persona / rules / announcement with the content-calendar action. Operators manage; store managers see the
// violations in their stores' groups.
import { Ok } from '@pond/contracts/common';
import {
  CalendarBody, CalendarResult, GroupProfile, GroupProfileBody, GroupProfileList, InterceptRule, InterceptRuleBody, InterceptRuleList, InterceptRuleParams,
  ModerationRuleBody, ModerationRuleSet, ModerationRuleSetList, OffenderPage, OffenderParams, OffenderQuery, TierQuery, ViolationPage, ViolationQuery,
} from '@pond/contracts/moderation';
import type { App } from '../../platform/http';
import { access, WRITE_ROLES } from '../../platform/access';
import type { ModerationService } from './service';

const TAGS = ['moderation'];
const READERS = ['admin', 'operator', 'store_manager'] as const;
const ok = { ok: true as const };

export function moderationRoutes(app: App, deps: { moderation: ModerationService }) {
  const { moderation: m } = deps;
  app.get('/api/moderation/rules', {
    config: access(READERS, { scope: 'corp' }), schema: { tags: TAGS, summary: "Rules per group tier ('*': the default)", response: { 200: ModerationRuleSetList } },
  }, async (req) => ({ items: await m.listRules(req.principal!.corpId) }));
  app.put('/api/moderation/rules', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, summary: "Set the rules of a tier ('*': the default)", body: ModerationRuleBody, response: { 200: ModerationRuleSet } },
  }, async (req) => m.putRule(req.principal!.corpId, req.body.tier, req.body.config));
  app.delete('/api/moderation/rules', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, summary: 'Remove a tier’s own rules (it follows the default again)', querystring: TierQuery, response: { 200: Ok } },
  }, async (req) => { await m.deleteRule(req.principal!.corpId, req.query.tier); return ok; });
  app.get('/api/moderation/violations', {
    config: access(READERS, { scope: 'filtered', refs: { chatId: 'group', externalUserid: 'customer' } }),
    schema: { tags: TAGS, summary: 'Rule hits, newest first', querystring: ViolationQuery, response: { 200: ViolationPage } },
  }, async (req) => m.violations(req.scope, req.query));
  app.get('/api/moderation/offenders', {
    config: access(WRITE_ROLES, { scope: 'corp' }), schema: { tags: TAGS, summary: 'Customers with strikes (flagged in every group)', querystring: OffenderQuery, response: { 200: OffenderPage } },
  }, async (req) => m.offenders(req.principal!.corpId, req.query));
  app.post('/api/moderation/offenders/:externalUserid/pardon', {
    config: access(WRITE_ROLES, { params: { externalUserid: 'customer' } }), schema: { tags: TAGS, summary: 'Clear the strikes and the block', params: OffenderParams, response: { 200: Ok } },
  }, async (req) => { await m.pardon(req.principal!.corpId, req.params.externalUserid); return ok; });

  app.get('/api/moderation/intercept-rules', {
    config: access(WRITE_ROLES, { scope: 'corp' }), schema: { tags: TAGS, summary: "WeCom's intercept rules (staff-side sensitive words)", response: { 200: InterceptRuleList } },
  }, async (req) => m.interceptRules(req.principal!.corpId));
  app.post('/api/moderation/intercept-rules', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, summary: 'Add an intercept rule in WeCom (add_intercept_rule)', body: InterceptRuleBody, response: { 200: InterceptRule } },
  }, async (req) => m.addInterceptRule(req.principal!.corpId, req.body));
  app.get('/api/moderation/intercept-rules/:ruleId', {
    config: access(WRITE_ROLES, { params: { ruleId: 'interceptRule' } }), schema: { tags: TAGS, params: InterceptRuleParams, response: { 200: InterceptRule } },
  }, async (req) => m.interceptRule(req.principal!.corpId, req.params.ruleId));
  app.put('/api/moderation/intercept-rules/:ruleId', {
    config: access(WRITE_ROLES, { params: { ruleId: 'interceptRule' } }), schema: { tags: TAGS, summary: 'Replace an intercept rule (update_intercept_rule)', params: InterceptRuleParams, body: InterceptRuleBody, response: { 200: InterceptRule } },
  }, async (req) => m.updateInterceptRule(req.principal!.corpId, req.params.ruleId, req.body));
  app.delete('/api/moderation/intercept-rules/:ruleId', {
    config: access(WRITE_ROLES, { params: { ruleId: 'interceptRule' } }), schema: { tags: TAGS, params: InterceptRuleParams, response: { 200: Ok } },
  }, async (req) => { await m.deleteInterceptRule(req.principal!.corpId, req.params.ruleId); return ok; });

  app.get('/api/group-profiles', {
    config: access(READERS, { scope: 'corp' }), schema: { tags: TAGS, summary: "Every tier's persona, rules, announcement and daily slots", response: { 200: GroupProfileList } },
  }, async (req) => ({ items: await m.profiles(req.principal!.corpId) }));
  app.put('/api/group-profiles', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, summary: "Set a tier's persona, rules, announcement and daily slots", body: GroupProfileBody, response: { 200: GroupProfile } },
  }, async (req) => m.putProfile(req.principal!.corpId, req.body.tier, req.body));
  app.post('/api/group-profiles/calendar', {
    config: access(WRITE_ROLES),
    schema: { tags: TAGS, summary: 'Generate a content calendar: a draft group playbook for the tier', body: CalendarBody, response: { 200: CalendarResult } },
  }, async (req) => m.generateCalendar(req.scope, req.body.tier, req.principal!.name));
}
