// The whole loop on real Postgres over real HTTP: the demo corp is seeded in the simulator and
// full-synced; simulated customers act; encrypted callbacks reach Pond; the API shows the result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

describe('demo corp after full sync', () => {
  it('has staff, stores, customers, groups and tags', async () => {
    const { body } = await pond.api('GET', '/api/overview');
    expect(body.counts.staff).toBeGreaterThanOrEqual(8);
    expect(body.counts.stores).toBe(2);
    expect(body.counts.customers).toBeGreaterThanOrEqual(150);
    expect(body.counts.groups).toBeGreaterThanOrEqual(8);
    expect(body.counts.tags).toBeGreaterThan(3);
    expect(body.daily).toHaveLength(30);
    const runs = await pond.api('GET', '/api/sync/runs');
    expect(runs.body.items[0]).toMatchObject({ kind: 'full', status: 'done' });
  });

  it('searches customers by name and filters by tag', async () => {
    const all = await pond.api('GET', '/api/customers?pageSize=5');
    expect(all.status).toBe(200);
    const first = all.body.items[0];
    const byName = await pond.api('GET', `/api/customers?q=${encodeURIComponent(first.name)}`);
    expect(byName.body.items.map((c: any) => c.externalUserid)).toContain(first.externalUserid);
    const tags = await pond.api('GET', '/api/tags');
    const tag = tags.body.groups.flatMap((g: any) => g.tags).find((t: any) => t.customerCount > 0);
    const byTag = await pond.api('GET', `/api/customers?tagIds=${tag.id}&pageSize=200`);
    expect(byTag.body.total).toBe(tag.customerCount);
    for (const c of byTag.body.items) expect(c.tagIds).toContain(tag.id);
  });
});

describe('auth and roles', () => {
  it('401 without or with a wrong token, 403 for a role that may not', async () => {
    expect((await pond.api('GET', '/api/customers', undefined, { token: null })).status).toBe(401);
    expect((await pond.api('GET', '/api/customers', undefined, { token: 'pond_wrong' })).status).toBe(401);
    const staffList = await pond.api('GET', '/api/staff?pageSize=1');
    const userid = staffList.body.items[0].userid;
    const tok = await pond.api('POST', '/api/tokens', { name: 'staff', role: 'staff', staffUserid: userid });
    expect(tok.status).toBe(200);
    const asStaff = (m: string, p: string, b?: unknown) => pond.api(m, p, b, { token: tok.body.token });
    expect((await asStaff('POST', '/api/tag-groups', { name: 'x', tags: [{ name: 'y' }] })).status).toBe(403);
    expect((await asStaff('GET', '/api/users')).status).toBe(403);
    const mine = await asStaff('GET', '/api/customers?pageSize=200');
    expect(mine.status).toBe(200);
    for (const c of mine.body.items) expect(c.follows.map((f: any) => f.userid)).toContain(userid);
  });

  it('logs in with the printed admin password and sets a session cookie', async () => {
    const res = await fetch(`${pond.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: pond.adminPassword }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/pond_session=/);
    const me = await fetch(`${pond.baseUrl}/api/me`, { headers: { cookie: cookie.split(';')[0] } });
    expect(((await me.json()) as { role: string }).role).toBe('admin');
    const bad = await pond.api('POST', '/api/auth/login', { username: 'admin', password: 'nope' }, { token: null });
    expect(bad.status).toBe(401);
  });

  it('names the field of bad input and records writes in the audit log', async () => {
    const bad = await pond.api('POST', '/api/tag-groups', { name: '', tags: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('name');
    const badStore = await pond.api('POST', '/api/stores', { name: '新店', lat: 200 });
    expect(badStore.status).toBe(400);
    expect(badStore.body.error.message).toMatch(/lat/);
    const ok = await pond.api('POST', '/api/stores', { name: '新店', city: '上海', lat: 31.2, lng: 121.4 });
    expect(ok.status).toBe(200);
    const audit = await waitFor(async () => {
      const res = await pond.api('GET', '/api/audit');
      return res.body.items[0]?.action === 'store.create' && res;
    }, { message: 'audit row' });
    expect(audit.body.items[0]).toMatchObject({ action: 'store.create', route: 'POST /api/stores', actorName: 'token:test' });
  });

  it('binds a department to one store only, on create and on edit (400 naming departmentId)', async () => {
    const [dept] = (await pond.api('GET', '/api/departments')).body.items;
    const bound = await pond.api('POST', '/api/stores', { name: '部门店', departmentId: dept.id });
    expect(bound.status, JSON.stringify(bound.body)).toBe(200);
    expect(bound.body).toMatchObject({ departmentId: dept.id, staffCount: expect.any(Number) });
    const again = await pond.api('POST', '/api/stores', { name: '另一家', departmentId: dept.id });
    expect(again.status).toBe(400);
    expect(again.body.error.field).toBe('departmentId');
    const other = await pond.api('POST', '/api/stores', { name: '另一家' });
    const edit = await pond.api('PATCH', `/api/stores/${other.body.id}`, { departmentId: dept.id });
    expect(edit.status).toBe(400);
    expect(edit.body.error.field).toBe('departmentId');
    for (const id of [bound.body.id, other.body.id]) expect((await pond.api('DELETE', `/api/stores/${id}`)).body).toEqual({ ok: true });
  });
});

describe('tags are written through WeCom', () => {
  it('creates, renames and deletes a tag group', async () => {
    const created = await pond.api('POST', '/api/tag-groups', { name: '测试组', tags: [{ name: '甲' }, { name: '乙' }] });
    expect(created.status).toBe(200);
    expect(created.body.tags.map((t: any) => t.name)).toEqual(expect.arrayContaining(['甲', '乙']));
    // WeCom (the simulator) has it too
    const client = await pond.app.corps.client(pond.corpId);
    const remote = await client.getCorpTagList({ group_id: [created.body.id] });
    expect(remote.tag_group[0].group_name).toBe('测试组');
    const dup = await pond.api('POST', '/api/tags', { groupId: created.body.id, name: '甲' });
    expect(dup.status).toBe(400);
    const renamed = await pond.api('PATCH', `/api/tag-groups/${created.body.id}`, { name: '测试组2' });
    expect(renamed.body.name).toBe('测试组2');
    expect((await pond.api('DELETE', `/api/tag-groups/${created.body.id}`)).status).toBe(200);
    const tree = await pond.api('GET', '/api/tags');
    expect(tree.body.groups.find((g: any) => g.id === created.body.id)).toBeUndefined();
  });
});

describe('console hosting', () => {
  it('serves the SPA for client routes and 404 for a missing asset', async () => {
    const page = await fetch(`${pond.baseUrl}/customers`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${pond.baseUrl}/assets/nope-123.js`)).status).toBe(404);
    expect((await fetch(`${pond.baseUrl}/api/nope`)).status).toBe(404);
  });
});

describe('group tiers', () => {
  it('sets tier, labels, persona and templates; lists filter by them', async () => {
    const g = (await pond.api('GET', '/api/groups?pageSize=1')).body.items[0];
    const res = await pond.api('PATCH', `/api/groups/${g.chatId}`, { tier: 'VIP', labels: ['上海', '亲子'], persona: '店长小鱼，专业咖啡师', rulesText: '禁止广告', announcementTemplate: '本周新品…' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ tier: 'VIP', labels: ['上海', '亲子'], persona: '店长小鱼，专业咖啡师' });
    expect((await pond.api('GET', '/api/groups?tier=VIP')).body.items.map((x: any) => x.chatId)).toEqual([g.chatId]);
    expect((await pond.api('GET', `/api/groups?label=${encodeURIComponent('亲子')}`)).body.total).toBe(1);
    const tiers = await pond.api('GET', '/api/group-tiers');
    expect(tiers.body.tiers[0]).toMatchObject({ tier: 'VIP', groups: 1 });
    const bad = await pond.api('PATCH', `/api/groups/${g.chatId}`, { labels: Array.from({ length: 21 }, (_, i) => `l${i}`) });
    expect(bad.body.error.field).toBe('labels');
    // A PATCH keeps what it does not mention
    const again = await pond.api('PATCH', `/api/groups/${g.chatId}`, { persona: '新人设' });
    expect(again.body).toMatchObject({ tier: 'VIP', persona: '新人设' });
  });
});

describe('settings', () => {
  it('reports a healthy checklist for the demo corp', async () => {
    const before = await pond.api('GET', '/api/settings/checklist');
    expect(before.body.items.find((i: any) => i.key === 'token').status).toBe('ok'); // the sync's token counts
    const res = await pond.api('POST', '/api/settings/checklist/run');
    const byKey = Object.fromEntries(res.body.items.map((i: any) => [i.key, i.status]));
    expect(byKey.token).toBe('ok');
    expect(byKey.sync).toBe('ok');
  });

  it('names the trusted-IP problem (60020) and the wrong app secret (48002)', async () => {
    await pond.app.sim!.control.upsertCorp({ corpId: pond.corpId, forbiddenApis: ['externalcontact/get_follow_user_list'] });
    let res = await pond.api('POST', '/api/settings/checklist/run');
    expect(res.body.items.find((i: any) => i.key === 'app_permission')).toMatchObject({ status: 'error' });
    await pond.app.sim!.control.upsertCorp({ corpId: pond.corpId, forbiddenApis: [], trustedIps: ['10.1.2.3'] });
    res = await pond.api('POST', '/api/settings/checklist/run');
    expect(res.body.items.find((i: any) => i.key === 'trusted_ip')).toMatchObject({ status: 'error' });
    await pond.app.sim!.control.upsertCorp({ corpId: pond.corpId, trustedIps: null });
    res = await pond.api('POST', '/api/settings/checklist/run');
    expect(res.body.items.every((i: any) => i.status !== 'error')).toBe(true);
  });
});
