// The audit log as people read it: each entry's action by name and label (platform/audit.ts), who did it, and what
// it was about by name (a live code's name, a customer's nickname), filtered by action.
import type pg from 'pg';
import type { z } from 'zod';
import type { AuditActionList, AuditEntryOutput, AuditQuery } from '@pond/contracts/admin';
import type { Paged } from '@pond/contracts/common';
import { actionLabel, NOUNS } from '../../platform/audit';
import * as repo from './repo';

export class AuditLogService {
  constructor(private pool: pg.Pool) {}

  /** Every action the log records, with its label (the filter of the log). */
  actions(recorded: Iterable<string>): z.output<typeof AuditActionList> {
    return { items: [...new Set(recorded)].sort().map((action) => ({ action, label: actionLabel(action) })) };
  }

  /** One page of the corp's log, newest first. */
  async page(corpId: string, q: z.output<typeof AuditQuery>): Promise<Paged<AuditEntryOutput>> {
    const rows = await repo.auditPage(this.pool, corpId, { action: q.action || null, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    const names = await repo.targetNames(this.pool, corpId, rows.flatMap((r) => (r.target_type && r.target_id ? [{ type: r.target_type, id: r.target_id }] : [])));
    return {
      items: rows.map((a) => ({
        id: a.id, createdAt: a.created_at, action: a.action, actionLabel: actionLabel(a.action), route: a.route,
        actorType: a.actor_type, actorName: a.actor_name, targetType: a.target_type, targetId: a.target_id,
        target: a.target_type || a.target_id ? {
          type: a.target_type, id: a.target_id, label: (a.target_type && NOUNS[a.target_type]) || null,
          name: names.get(`${a.target_type}|${a.target_id}`) ?? null,
        } : null,
        detail: a.detail, ip: a.ip,
      })),
      total: rows[0]?.total ?? 0,
    };
  }
}
