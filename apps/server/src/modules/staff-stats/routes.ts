// /api/staff-stats (the staff dashboard, leaderboard and CSV, runs, backfill, settings) and /api/group-health: validate
// with the contracts, call the service, shape the answer. Store managers see their stores' staff and groups (req.scope).
import { z } from 'zod';
import {
  BackfillBody, BackfillResult, GroupHealthPage, GroupHealthQuery, StaffStatsPage, StaffStatsQuery, StatsRuns, StatsSettings, StatsSettingsPatch,
} from '@pond/contracts/staff-stats';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY, WRITE_ROLES } from '../../platform/access';
import type { StaffStatsService } from './service';

/** Those who oversee staff: admins, operators, store managers (their stores). Staff meet their numbers in the digest of their manager. */
const OVERSEE = ['admin', 'operator', 'store_manager'] as const;

export function staffStatsRoutes(app: App, deps: { stats: StaffStatsService }): void {
  const { stats } = deps;
  const tags = ['staff stats'];

  app.get('/api/staff-stats', {
    config: access(OVERSEE, { scope: 'filtered' }),
    schema: { tags, summary: 'Staff figures over a period: per staff member, store or department, ordered by a metric (the leaderboard)', querystring: StaffStatsQuery, response: { 200: StaffStatsPage } },
  }, (req) => stats.staffStats(req.scope, req.query));
  app.get('/api/staff-stats.csv', {
    config: access(OVERSEE, { scope: 'filtered' }),
    schema: {
      tags, summary: 'The same rows as CSV (UTF-8 with BOM, zh-CN and English headers)', querystring: StaffStatsQuery, produces: ['text/csv'],
      response: { 200: { description: 'A CSV download (staff-stats-<from>-<to>.csv)', content: { 'text/csv': { schema: z.string() } } } },
    },
  }, async (req, reply) => {
    const { filename, csv } = await stats.exportCsv(req.scope, req.query);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
  });
  app.get('/api/staff-stats/runs', {
    config: access(WRITE_ROLES, { scope: 'corp' }),
    schema: { tags, summary: 'The latest runs (one per corp day): status, staff done, errors', response: { 200: StatsRuns } },
  }, async (req) => ({ items: await stats.runs(req.scope.corpId) }));
  app.post('/api/staff-stats/backfill', {
    config: { ...access(WRITE_ROLES), audit: { action: 'staff_stats.backfill' } },
    schema: { tags, summary: 'Compute the last N days again (up to the 180 WeCom keeps), in the background', body: BackfillBody, response: { 200: BackfillResult } },
  }, (req) => stats.backfill(req.scope.corpId, req.body.days, req.principal!.name));
  app.get('/api/staff-stats/settings', {
    config: access(OVERSEE, { scope: 'corp' }),
    schema: { tags, summary: 'Nightly time, silent/dying thresholds, weekly digest day and time', response: { 200: StatsSettings } },
  }, (req) => stats.settings(req.scope.corpId));
  app.put('/api/staff-stats/settings', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'staff_stats_settings.update' } },
    schema: { tags, body: StatsSettingsPatch, response: { 200: StatsSettings } },
  }, (req) => stats.updateSettings(req.scope.corpId, req.body));
  app.get('/api/group-health', {
    config: access(OVERSEE, { scope: 'filtered' }),
    schema: { tags: ['group health'], summary: 'Per group and tier: members, joins, leaves, churn, growth; silent and dying groups', querystring: GroupHealthQuery, response: { 200: GroupHealthPage } },
  }, (req) => stats.groupHealth(req.scope, req.query));
}
