// The FAQ library, its settings and numbers, and the questions customers asked (matched, answered, unmatched). The
// library and settings are operators'; store managers see the questions and numbers of their stores' staff.
import { Ok } from '@pond/contracts/common';
import {
  Faq, FaqBody, FaqFromQuestionBody, FaqIdParams, FaqList, FaqPatchBody, FaqQuestion, FaqQuestionPage, FaqQuestionQuery, FaqSettings, FaqSettingsBody,
  FaqStats, FaqStatsQuery, FaqTestBody, FaqTestResult,
} from '@pond/contracts/faq';
import type { App } from '../../platform/http';
import { access, WRITE_ROLES } from '../../platform/access';
import type { FaqService } from './service';

const TAGS = ['faq'];
const READERS = ['admin', 'operator', 'store_manager'] as const;

export function faqRoutes(app: App, deps: { faq: FaqService }) {
  const { faq } = deps;
  app.get('/api/faqs', {
    config: access(READERS, { scope: 'corp' }), schema: { tags: TAGS, summary: 'The FAQ library', response: { 200: FaqList } },
  }, async (req) => ({ items: await faq.list(req.principal!.corpId) }));
  app.post('/api/faqs', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, summary: 'Add an FAQ (question, synonyms, answer, tiers)', body: FaqBody, response: { 200: Faq } },
  }, async (req) => faq.create(req.principal!.corpId, req.body));
  app.get('/api/faqs/settings', {
    config: access(READERS, { scope: 'corp' }), schema: { tags: TAGS, summary: 'Match threshold, escalation minutes, 1:1 chats', response: { 200: FaqSettings } },
  }, async (req) => faq.settings(req.principal!.corpId));
  app.put('/api/faqs/settings', {
    config: access(WRITE_ROLES), schema: { tags: TAGS, body: FaqSettingsBody, response: { 200: FaqSettings } },
  }, async (req) => faq.updateSettings(req.principal!.corpId, req.body));
  app.post('/api/faqs/test', {
    config: { ...access(READERS, { scope: 'corp' }), audit: false },
    schema: { tags: TAGS, summary: 'Match a text against the library (as a customer message would be)', body: FaqTestBody, response: { 200: FaqTestResult } },
  }, async (req) => faq.test(req.principal!.corpId, req.body.text, req.body.tier ?? null));
  app.get('/api/faqs/stats', {
    config: access(READERS, { scope: 'filtered' }),
    schema: { tags: TAGS, summary: 'Questions, hits, answered, median and p90 seconds to answer (days in the corp time zone)', querystring: FaqStatsQuery, response: { 200: FaqStats } },
  }, async (req) => faq.stats(req.scope, req.query));
  app.get('/api/faqs/questions', {
    config: access(READERS, { scope: 'filtered', refs: { chatId: 'group', externalUserid: 'customer', faqId: 'faq' } }),
    schema: { tags: TAGS, summary: 'Questions customers asked, newest first (status unmatched: 未命中问题)', querystring: FaqQuestionQuery, response: { 200: FaqQuestionPage } },
  }, async (req) => faq.questions(req.scope, req.query));
  app.post('/api/faqs/questions/:id/faq', {
    config: access(WRITE_ROLES, { params: { id: 'faqQuestion' } }),
    schema: { tags: TAGS, summary: 'Make an FAQ from an unmatched question (its text prefilled)', params: FaqIdParams, body: FaqFromQuestionBody, response: { 200: Faq } },
  }, async (req) => faq.fromQuestion(req.scope, req.params.id, req.body));
  app.post('/api/faqs/questions/:id/dismiss', {
    config: access(WRITE_ROLES, { params: { id: 'faqQuestion' } }),
    schema: { tags: TAGS, summary: 'Set an unmatched question aside', params: FaqIdParams, response: { 200: FaqQuestion } },
  }, async (req) => faq.dismiss(req.scope, req.params.id));
  app.get('/api/faqs/:id', {
    config: access(READERS, { params: { id: 'faq' } }), schema: { tags: TAGS, params: FaqIdParams, response: { 200: Faq } },
  }, async (req) => faq.get(req.principal!.corpId, req.params.id));
  app.patch('/api/faqs/:id', {
    config: access(WRITE_ROLES, { params: { id: 'faq' } }), schema: { tags: TAGS, params: FaqIdParams, body: FaqPatchBody, response: { 200: Faq } },
  }, async (req) => faq.update(req.principal!.corpId, req.params.id, req.body));
  app.delete('/api/faqs/:id', {
    config: access(WRITE_ROLES, { params: { id: 'faq' } }), schema: { tags: TAGS, params: FaqIdParams, response: { 200: Ok } },
  }, async (req) => { await faq.remove(req.principal!.corpId, req.params.id); return { ok: true as const }; });
}
