// The Measure pages (数据): funnel, cohorts, commerce (every role, narrowed to the caller's stores or own customers), the
// stage definitions (every role reads them, admins and operators change them), and a rollup pass on demand (admins).
import {
  AnalyticsSettings, AnalyticsSettingsInput, ChannelList, Cohorts, CohortQuery, Commerce, CommerceQuery, Funnel, FunnelQuery, RollupResult,
} from '@pond/contracts/analytics';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY, ALL_ROLES, WRITE_ROLES } from '../../platform/access';
import type { AnalyticsService } from './service';

const tags = ['analytics'];
/** A store or staff member named in the filters must be one the caller sees (else 400). */
const refs = { storeId: 'store', userid: 'staff' } as const;

export function analyticsRoutes(app: App, deps: { analytics: AnalyticsService }): void {
  const { analytics } = deps;

  app.get('/api/analytics/funnel', {
    config: access(ALL_ROLES, { scope: 'filtered', refs }),
    schema: { tags, summary: 'The five-stage funnel of the period (customers added in it), by a dimension, with the previous period', querystring: FunnelQuery, response: { 200: Funnel } },
  }, (req) => analytics.funnel(req.scope, req.query));

  app.get('/api/analytics/cohorts', {
    config: access(ALL_ROLES, { scope: 'filtered', refs }),
    schema: { tags, summary: 'Cohorts by week or month: still a contact, or ordered again, k periods later', querystring: CohortQuery, response: { 200: Cohorts } },
  }, (req) => analytics.cohorts(req.scope, req.query));

  app.get('/api/analytics/commerce', {
    config: access(ALL_ROLES, { scope: 'filtered', refs }),
    schema: { tags, summary: 'GMV by first or last touch, buyers, repurchase, frequency, AOV, MAU, and the group comparisons', querystring: CommerceQuery, response: { 200: Commerce } },
  }, (req) => analytics.commerce(req.scope, req.query));

  app.get('/api/analytics/channels', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags, summary: "The channels of the corp's live codes (the filter's choices)", response: { 200: ChannelList } },
  }, async (req) => ({ items: await analytics.channels(req.principal!.corpId) }));

  app.get('/api/analytics/settings', {
    config: access(ALL_ROLES, { scope: 'corp' }),
    schema: { tags, summary: 'How the five stages are defined (defaults until changed)', response: { 200: AnalyticsSettings } },
  }, (req) => analytics.settings(req.principal!.corpId));

  app.put('/api/analytics/settings', {
    config: { ...access(WRITE_ROLES), audit: { action: 'analytics_settings.update' } },
    schema: { tags, summary: 'Change the stage definitions (the rollups are rebuilt on the next pass)', body: AnalyticsSettingsInput, response: { 200: AnalyticsSettings } },
  }, (req) => analytics.updateSettings(req.principal!.corpId, req.body, req.scope.principalKey));

  app.post('/api/analytics/refresh', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'analytics.refresh' } },
    schema: { tags, summary: 'Bring the rollups up to date now (the job does this nightly and every 10 minutes)', response: { 200: RollupResult } },
  }, async (req) => {
    const started = Date.now();
    const r = await analytics.refresh(req.principal!.corpId);
    return { ...r, ms: Date.now() - started };
  });
}
