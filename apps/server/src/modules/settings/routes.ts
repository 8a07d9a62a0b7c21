// Corp connection settings, the setup checklist (settings/service.ts) and the sync runs.
import type pg from 'pg';
import { Checklist, CorpSettings, CorpSettingsBody, SyncRun, SyncRunBody, SyncRunList } from '@pond/contracts/settings';
import type { App } from '../../platform/http';
import type { CorpService } from '../org';
import type { SyncService } from '../sync';
import { access, ADMIN_ONLY } from '../../platform/access';
import { SettingsService } from './service';

const TAGS = ['settings'];

export async function settingsRoutes(app: App, deps: {
  pool: pg.Pool; corps: CorpService; sync: SyncService; publicUrl: () => string;
  /** After the corp's time zone changed (the demo's simulator shows times in it too). */
  onTimezoneChanged?: (corpId: string, timezone: string) => Promise<void>;
}) {
  const settings = new SettingsService(deps);

  app.get('/api/settings/corp', {
    config: access(['operator']), schema: { tags: TAGS, summary: "The corp's WeCom connection (the callback Token for admins only)", response: { 200: CorpSettings } },
  }, async (req) => settings.corp(req.principal!.corpId, req.principal!.role));

  app.put('/api/settings/corp', {
    config: { ...access(ADMIN_ONLY), audit: { action: 'corp_settings.update' } },
    schema: { tags: TAGS, summary: "Changes the corp's WeCom connection or time zone", body: CorpSettingsBody, response: { 200: CorpSettings } },
  }, async (req) => settings.updateCorp(req.principal!.corpId, req.principal!.role, req.body));

  app.get('/api/settings/checklist', {
    config: access(['operator']), schema: { tags: TAGS, summary: 'The setup checklist from what Pond has seen', response: { 200: Checklist } },
  }, async (req) => settings.checklist(req.principal!.corpId, false));
  app.post('/api/settings/checklist/run', {
    config: { ...access(['operator']), audit: false },
    schema: { tags: TAGS, summary: 'The setup checklist after testing the connection now (a new access token, one WeCom call)', response: { 200: Checklist } },
  }, async (req) => settings.checklist(req.principal!.corpId, true));

  app.get('/api/sync/runs', {
    config: access(['operator']), schema: { tags: TAGS, summary: 'The last 20 sync runs', response: { 200: SyncRunList } },
  }, async (req) => ({ items: await deps.sync.list(req.principal!.corpId) }));
  app.post('/api/sync/runs', {
    config: access(['operator']),
    schema: { tags: TAGS, summary: 'Queues a sync run, unless one is queued or running (that one is answered)', body: SyncRunBody, response: { 200: SyncRun } },
  }, async (req) => deps.sync.startView(req.principal!.corpId, req.body.kind, req.principal!.name));
}
