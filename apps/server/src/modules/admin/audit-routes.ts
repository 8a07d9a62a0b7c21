// The audit log as people read it (audit-log.ts): admins only.
import type pg from 'pg';
import { AuditActionList, AuditPage, AuditQuery } from '@pond/contracts/admin';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY } from '../../platform/access';
import { AuditLogService } from './audit-log';

const TAGS = ['audit'];

export async function auditRoutes(app: App, deps: { pool: pg.Pool }) {
  const log = new AuditLogService(deps.pool);

  app.get('/api/audit/actions', {
    config: access(ADMIN_ONLY),
    schema: { tags: TAGS, summary: 'Every action the audit log records, with its label (the filter of GET /api/audit)', response: { 200: AuditActionList } },
  }, async () => log.actions(app.auditedRoutes().map((r) => r.action)));

  app.get('/api/audit', {
    config: access(ADMIN_ONLY),
    schema: {
      tags: TAGS, summary: "The corp's audit log, newest first; `action` keeps one action (e.g. live_code.update)",
      querystring: AuditQuery, response: { 200: AuditPage },
    },
  }, async (req) => log.page(req.principal!.corpId, req.query));
}
