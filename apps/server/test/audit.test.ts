// The audit log records writes only, each under a readable action name with a label, and filters by it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionLabel, deriveAction } from '../src/platform/audit';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

const auditRows = async () => (await pond.app.pool.query('SELECT * FROM audit_log WHERE corp_id = $1 ORDER BY id', [pond.corpId])).rows;

describe('audit log', () => {
  it('derives readable names from route and method, and every audited route has a label', () => {
    expect(deriveAction('PATCH', '/api/live-codes/:id')).toBe('live_code.update');
    expect(deriveAction('POST', '/api/live-codes')).toBe('live_code.create');
    expect(deriveAction('POST', '/api/live-codes/:id/archive')).toBe('live_code.archive');
    expect(deriveAction('DELETE', '/api/customers/:externalUserid/notes/:id')).toBe('customer_note.delete');
    expect(deriveAction('POST', '/api/customers/:externalUserid/notes')).toBe('customer_note.create');
    expect(actionLabel('live_code.update')).toEqual({ zh: '修改活码', en: 'Update live code' });

    const routes = pond.app.http.auditedRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const unlabelled = routes.filter((r) => !actionLabel(r.action)).map((r) => `${r.method} ${r.url} → ${r.action}`);
    expect(unlabelled).toEqual([]);
    const byRoute = Object.fromEntries(routes.map((r) => [`${r.method} ${r.url}`, r.action]));
    // Reads done by POST are not audited at all.
    for (const read of ['/api/segments/preview', '/api/group-segments/preview', '/api/welcome-templates/preview', '/api/handover/preview', '/api/settings/checklist/run']) {
      expect(byRoute[`POST ${read}`], read).toBeUndefined();
    }
    expect(byRoute['POST /api/customers/:externalUserid/follows/:userid/tags']).toBe('customer_tag.update');
    expect(byRoute['PUT /api/settings/corp']).toBe('corp_settings.update');
  });

  it('writes no row for reads done by POST (previews, dry runs, the checklist)', async () => {
    const before = (await auditRows()).length;
    expect((await pond.api('POST', '/api/segments/preview', { rule: { type: 'rfm', buckets: ['general_develop'] } })).status).toBe(200);
    expect((await pond.api('POST', '/api/group-segments/preview', { rule: { type: 'status', values: ['active'] } })).status).toBe(200);
    expect((await pond.api('POST', '/api/welcome-templates/preview', { text: '你好 {nickname}' })).status).toBe(200);
    const staff = (await pond.app.pool.query('SELECT userid FROM staff WHERE corp_id = $1 ORDER BY userid LIMIT 2', [pond.corpId])).rows.map((r) => r.userid);
    expect((await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: staff[0], takeoverUserid: staff[1] })).status).toBe(200);
    expect((await pond.api('POST', '/api/settings/checklist/run')).status).toBe(200);
    const csv = await fetch(`${pond.baseUrl}/api/imports/customer-attributes?dryRun=true`, {
      method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': 'text/csv' }, body: 'external_userid,city\nnobody,上海\n',
    });
    expect(csv.status).toBe(200);
    // A write after them is the next row: the reads left nothing before it (the hook writes after answering).
    expect((await pond.api('POST', '/api/script-folders', { name: '审计标记' })).status).toBe(200);
    const after = await waitFor(async () => { const r = await auditRows(); return r.length > before && r; });
    expect(after.slice(before).map((r) => r.action)).toEqual(['script_folder.create']);
  });

  it('records a write under its action name, with its route and target, and the console filter finds it', async () => {
    const created = await pond.api('POST', '/api/stores', { name: '审计测试店', code: 'AUDIT1' });
    expect(created.status).toBe(200);
    const storeId = String(created.body.id);
    expect((await pond.api('PATCH', `/api/stores/${storeId}`, { name: '审计测试店（改）' })).status).toBe(200);
    const rows = await waitFor(async () => { const r = (await auditRows()).filter((x) => x.target_id === storeId && x.target_type === 'store'); return r.length === 2 && r; });
    expect(rows.map((r) => [r.action, r.route, r.target_type])).toEqual([
      ['store.create', 'POST /api/stores', 'store'],
      ['store.update', 'PATCH /api/stores/:id', 'store'],
    ]);

    const page = await pond.api('GET', '/api/audit?action=store.update');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(1);
    expect(page.body.items[0]).toMatchObject({
      action: 'store.update', actionLabel: { zh: '修改门店', en: 'Update store' }, actorName: 'token:test',
      target: { type: 'store', id: storeId, label: { zh: '门店', en: 'store' }, name: '审计测试店（改）' },
    });
    const actions = (await pond.api('GET', '/api/audit/actions')).body.items;
    expect(actions).toContainEqual({ action: 'store.update', label: { zh: '修改门店', en: 'Update store' } });
    expect(actions.map((a: { action: string }) => a.action)).not.toContain('segment.preview');
  });

  it('migration 0039 renames old entries (method and route) and drops the reads recorded as writes', async () => {
    const { pool } = pond.app;
    const old = (action: string, targetId: string | null, targetType: string | null) => pool.query(
      `INSERT INTO audit_log (corp_id, actor_type, actor_name, action, target_type, target_id) VALUES ($1, 'user', 'old', $2, $3, $4) RETURNING id`,
      [pond.corpId, action, targetType, targetId]).then((r) => r.rows[0].id as string);
    const patch = await old('PATCH /api/live-codes/:id', '7', 'live-codes');
    const create = await old('POST /api/live-codes', null, 'live-codes');
    const preview = await old('POST /api/segments/preview', null, 'segments');
    const unknown = await old('POST /api/some-removed-route', null, 'some-removed-route');
    const sql = readFileSync(new URL('../migrations/0039_corp_timezone_audit_actions.sql', import.meta.url), 'utf8')
      .split('--> statement-breakpoint').filter((st) => /^\s*(--[^\n]*\n\s*)*(UPDATE|DELETE)/.test(st));
    expect(sql).toHaveLength(3);
    for (const st of sql) await pool.query(st);
    const rows = new Map((await pool.query('SELECT * FROM audit_log WHERE id = ANY($1::bigint[])', [[patch, create, preview, unknown]])).rows.map((r) => [r.id, r]));
    expect(rows.get(patch)).toMatchObject({ action: 'live_code.update', route: 'PATCH /api/live-codes/:id', target_type: 'live_code', target_id: '7' });
    expect(rows.get(create)).toMatchObject({ action: 'live_code.create', route: 'POST /api/live-codes', target_type: null });
    expect(rows.has(preview)).toBe(false);
    expect(rows.get(unknown)).toMatchObject({ action: 'POST /api/some-removed-route', route: 'POST /api/some-removed-route' });
  });
});
