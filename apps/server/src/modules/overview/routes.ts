import { Overview } from '@pond/contracts/overview';
import type { App } from '../../platform/http';
import { access, ALL_ROLES } from '../../platform/access';
import type { OverviewService } from './service';

export function overviewRoutes(app: App, deps: { overview: OverviewService }): void {
  app.get('/api/overview', {
    config: access(ALL_ROLES, { scope: 'filtered' }),
    schema: { tags: ['overview'], summary: 'Counts, 30-day adds/deletes, buyers and RFM buckets (within the caller\'s scope)', response: { 200: Overview } },
  }, (req) => deps.overview.overview(req.scope));
}
