// The audit log as people read it: each entry's action by name and label (platform/audit.ts), who did it,
// and what it was about by name (a live code's name, a customer's nickname), filtered by action.
import { z } from 'zod';
import type pg from 'pg';
import type { Row } from '../../platform/db/rows';
import type { App } from '../../platform/http';
import { access, ADMIN_ONLY } from '../../platform/access';
import { actionLabel, NOUNS } from '../../platform/audit';
import { Page } from '../../platform/schemas';

const digits = (ids: string[]) => ids.filter((id) => /^\d{1,18}$/.test(id));
const byBigint = (table: string, name = 'name') => (corpId: string, ids: string[]) => ({
  sql: `SELECT id::text AS id, ${name} AS name FROM ${table} WHERE corp_id = $1 AND id = ANY($2::bigint[])`, values: [corpId, digits(ids)],
});
const byText = (table: string, key: string, name = 'name') => (corpId: string, ids: string[]) => ({
  sql: `SELECT ${key} AS id, ${name} AS name FROM ${table} WHERE corp_id = $1 AND ${key} = ANY($2::text[])`, values: [corpId, ids],
});

/** How to find a target's name, per target type; types without a name (jobs, alerts) show their id. */
const TARGET_NAMES: Record<string, (corpId: string, ids: string[]) => { sql: string; values: unknown[] }> = {
  live_code: byBigint('live_codes'),
  auto_tag_rule: byBigint('auto_tag_rules'),
  segment: byBigint('segments'),
  group_segment: byBigint('group_segments'),
  store: byBigint('stores'),
  script: byBigint('scripts', 'title'),
  script_folder: byBigint('script_folders'),
  welcome_template: byBigint('welcome_templates'),
  group_welcome_template: byText('group_welcome_templates', 'template_id'),
  tag: byText('tags', 'id'),
  tag_group: byText('tag_groups', 'id'),
  customer: byText('customers', 'external_userid'),
  group: byText('groups', 'chat_id'),
  token: byBigint('api_tokens'),
  // The API's user ids are memberships of the corp (platform/resources.ts).
  user: (corpId, ids) => ({
    sql: `SELECT m.id::text AS id, CASE WHEN m.status = 'invited' THEN coalesce(m.invited_name, u.display_name) ELSE u.display_name END AS name
          FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.corp_id = $1 AND m.id = ANY($2::bigint[])`,
    values: [corpId, digits(ids)],
  }),
  invitation: (_corpId, ids) => ({ sql: 'SELECT id, name FROM corps WHERE id = ANY($1::text[])', values: [ids] }),
  corp: (_corpId, ids) => ({ sql: 'SELECT id, name FROM corps WHERE id = ANY($1::text[])', values: [ids] }),
  corp_settings: (corpId) => ({ sql: 'SELECT id, name FROM corps WHERE id = $1', values: [corpId] }),
};

async function targetNames(pool: pg.Pool, corpId: string, rows: { target_type: string | null; target_id: string | null }[]) {
  const wanted = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.target_type && r.target_id && TARGET_NAMES[r.target_type]) {
      wanted.set(r.target_type, (wanted.get(r.target_type) ?? new Set()).add(r.target_id));
    }
  }
  const names = new Map<string, string>();
  await Promise.all([...wanted].map(async ([type, ids]) => {
    const q = TARGET_NAMES[type](corpId, [...ids]);
    const { rows: found } = await pool.query<{ id: string | number; name: string | null }>(q.sql, q.values);
    for (const f of found) if (f.name) names.set(`${type}|${f.id}`, f.name);
  }));
  return names;
}

export async function auditRoutes(app: App, deps: { pool: pg.Pool }) {
  const { pool } = deps;

  app.get('/api/audit/actions', {
    config: access(ADMIN_ONLY), schema: { tags: ['audit'], summary: 'Every action the audit log records, with its label (the filter of GET /api/audit)' },
  }, async () => {
    const actions = [...new Set(app.auditedRoutes().map((r) => r.action))].sort();
    return { items: actions.map((action) => ({ action, label: actionLabel(action) })) };
  });

  app.get('/api/audit', {
    config: access(ADMIN_ONLY),
    schema: {
      tags: ['audit'], summary: "The corp's audit log, newest first; `action` keeps one action (e.g. live_code.update)",
      querystring: Page.extend({ action: z.string().trim().max(100).optional() }),
    },
  }, async (req) => {
    const { page, pageSize, action } = req.query;
    const corpId = req.principal!.corpId;
    const { rows } = await pool.query<Row<'audit_log'> & { total: number }>(
      `SELECT *, count(*) OVER ()::int AS total FROM audit_log WHERE corp_id = $1 AND ($2::text IS NULL OR action = $2)
       ORDER BY id DESC LIMIT $3 OFFSET $4`, [corpId, action || null, pageSize, (page - 1) * pageSize]);
    const names = await targetNames(pool, corpId, rows);
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
  });
}
