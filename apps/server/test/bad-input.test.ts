// The outside audit's findings, one by one: bad input gets a 4xx naming the field and the rule, and a rejected
// request stores nothing. (The fuzz test walks every route; these pin the cases that were found.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let ext: string;
let userid: string;
let webhookUrl: string;

beforeAll(async () => {
  pond = await startTestPond({ roles: { api: true, worker: false } });
  const { rows: [f] } = await pond.app.pool.query(
    `SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid LIMIT 1`, [pond.corpId]);
  ext = f.external_userid;
  userid = f.userid;
  webhookUrl = (await pond.api('GET', '/api/settings/orders')).body.webhookUrl;
});
afterAll(async () => { await pond?.close(); });

const raw = async (path: string, init: RequestInit & { token?: boolean } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token !== false) headers.set('authorization', `Bearer ${pond.token}`);
  const res = await fetch(path.startsWith('http') ? path : `${pond.baseUrl}${path}`, { ...init, headers });
  const text = await res.text();
  let body: any = text;
  try { body = JSON.parse(text); } catch { /* HTML or empty */ }
  return { status: res.status, body };
};
const json = (path: string, method: string, body: string, token = true) =>
  raw(path, { method, headers: { 'content-type': 'application/json' }, body, token });
const count = async (table: string) => (await pond.app.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

describe('NUL bytes and other strings Postgres cannot store', () => {
  it('are a 400 naming the field wherever they come: login, webhook body, path, query', async () => {
    const login = await json('/api/auth/login', 'POST', JSON.stringify({ username: 'ad\u0000min', password: 'x' }), false);
    expect(login.status).toBe(400);
    expect(login.body.error).toMatchObject({ code: 'validation_failed', field: 'username' });
    expect(login.body.error.message).toMatch(/^username: must not contain NUL/);

    const hook = await json(webhookUrl, 'POST', JSON.stringify({ event: 'order.paid', order: { orderId: 'nul\u0000', amount: 1, paidAt: new Date().toISOString() } }), false);
    expect(hook.status).toBe(400);
    expect(hook.body.error.field).toBe('order.orderId');

    const path = await raw(`/api/customers/${encodeURIComponent(ext)}%00/timeline`);
    expect(path.status).toBe(400);
    expect(path.body.error.field).toBe('externalUserid');

    const query = await raw('/api/customers?q=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ field: 'q', message: 'q: must not contain NUL (\\u0000) characters' });

    // A lone surrogate is not Unicode: jsonb refuses it, so it is refused here, where the message can name the field.
    const note = await json(`/api/customers/${ext}/notes`, 'POST', '{"text":"\\ud800 hi"}');
    expect(note.status).toBe(400);
    expect(note.body.error).toMatchObject({ field: 'text', message: 'text: must be valid Unicode (no lone surrogates)' });
    const key = await json('/api/segments/preview', 'POST', '{"rule":{"type":"tags","mode":"any","tagIds":["x"],"a\\u0000":1}}');
    expect(key.status).toBe(400);
  });

  it('absurdly deep JSON is a 400 before any schema recurses into it', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const r = await json('/api/stores', 'POST', deep);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe('a: nested deeper than 64 levels');
  });
});

describe('numbers the columns cannot hold', () => {
  it('GET /api/customers?channel=99999999999999 is a 400 on channel, not a 500', async () => {
    const r = await raw('/api/customers?channel=99999999999999');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ field: 'channel' });
    const long = await raw(`/api/customers?channel=${'x'.repeat(31)}`);
    expect(long.body.error).toMatchObject({ field: 'channel', message: 'channel: must be at most 30 characters' });
    expect((await raw('/api/customers?channel=1')).status).toBe(200);
  });

  it('integer columns: a department id, a folder position, a staff status', async () => {
    const before = await count('stores');
    const store = await json('/api/stores', 'POST', JSON.stringify({ name: '大店', departmentId: 2 ** 31 }));
    expect(store.status).toBe(400);
    expect(store.body.error).toMatchObject({ field: 'departmentId', message: 'departmentId: must be at most 2147483647' });
    expect(await count('stores')).toBe(before);
    const folder = await json('/api/script-folders', 'POST', JSON.stringify({ name: 'x', position: 2 ** 31 }));
    expect(folder.body.error).toMatchObject({ field: 'position' });
    expect((await raw('/api/staff?departmentId=99999999999999')).body.error).toMatchObject({ field: 'departmentId' });
    expect((await raw('/api/staff?status=99999')).body.error).toMatchObject({ field: 'status' });
    expect((await raw('/api/channel-stats?from=2025-02-30')).body.error).toMatchObject({ field: 'from' });
  });
});

describe('order amounts', () => {
  const paid = (orderId: string, amount: number) => JSON.stringify({
    event: 'order.paid', order: { orderId, externalUserid: ext, amount, paidAt: new Date().toISOString() },
  });

  it('two orders of ¥9,999,999,999.99 are both counted: the summary cannot overflow', async () => {
    for (const id of ['max-1', 'max-2']) {
      const r = await json(webhookUrl, 'POST', paid(id, 9_999_999_999.99), false);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body).toMatchObject({ matched: true });
    }
    const { rows: [c] } = await pond.app.pool.query('SELECT order_count, order_total::text FROM customers WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, ext]);
    expect(c).toEqual({ order_count: 2, order_total: '19999999999.98' });
    const card = await pond.api('GET', `/api/customers/${ext}/orders`);
    expect(card.body.summary.orderTotal).toBe(19_999_999_999.98);
  });

  it('an amount no column holds is a 400 on order.amount, and nothing is stored', async () => {
    const before = await count('orders');
    for (const amount of [10_000_000_000, 1e308, -1, 0.001]) {
      const r = await json(webhookUrl, 'POST', paid(`too-much-${amount}`, amount), false);
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('order.amount');
    }
    expect(await count('orders')).toBe(before);
  });
});

describe('the order webhook checks its token before reading the body', () => {
  const wrong = () => webhookUrl.replace(/[^/]+$/, 'x'.repeat(32));

  it('a wrong token is 401 whatever the body: broken JSON, the wrong type, more than the limit', async () => {
    expect((await json(wrong(), 'POST', '{"event": "order.paid", broken', false)).status).toBe(401);
    expect((await raw(wrong(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello', token: false })).status).toBe(401);
    expect((await json(wrong(), 'POST', `{"x":"${'y'.repeat(3 * 1024 * 1024)}"}`, false)).status).toBe(401);
    expect((await raw(webhookUrl.replace(`/${pond.corpId}/`, '/wwnosuchcorp/'), { method: 'POST', body: '{', headers: { 'content-type': 'application/json' }, token: false })).status).toBe(401); // an unknown corp looks like a wrong token: no corp ids to probe
  });

  it('with the right token, a body over the limit is 413 and broken JSON 400', async () => {
    expect((await json(webhookUrl, 'POST', `{"x":"${'y'.repeat(2 * 1024 * 1024)}"}`, false)).status).toBe(413);
    expect((await json(webhookUrl, 'POST', '{"event": "order.paid", broken', false)).status).toBe(400);
  });
});

describe('segment rules are bounded when saved and whenever a saved one is used', () => {
  const cond = { type: 'gender', values: [1] };
  const nest = (levels: number) => {
    let rule: any = cond;
    for (let i = 0; i < levels; i++) rule = { op: 'and', conditions: [rule] };
    return rule;
  };

  it('6 levels, 2,000 levels and 75,000 conditions are 400s on rule, quickly, and are not saved', async () => {
    const before = await count('segments');
    const six = await pond.api('POST', '/api/segments', { name: 'deep', rule: nest(6) });
    expect(six.status).toBe(400);
    expect(six.body.error.message).toBe('rule: nested deeper than 5 levels');
    expect((await pond.api('POST', '/api/segments/preview', { rule: nest(5) })).status).toBe(200);

    const deep = await json('/api/segments', 'POST', JSON.stringify({ name: 'deeper', rule: nest(2000) }));
    expect(deep.status).toBe(400);
    expect(deep.body.error.field).toBe('rule');

    const wide = { op: 'or', conditions: Array.from({ length: 1500 }, () => ({ op: 'or', conditions: Array(50).fill(cond) })) };
    const started = Date.now();
    const big = await pond.api('POST', '/api/segments/preview', { rule: wide });
    expect(big.status).toBe(400);
    expect(big.body.error.message).toBe('rule: has more than 200 conditions and groups');
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await pond.api('POST', '/api/segments', { name: 'wide', rule: wide })).status).toBe(400);
    expect(await count('segments')).toBe(before);

    const groupSix = await pond.api('POST', '/api/group-segments', { name: 'deep', rule: { op: 'and', conditions: [nestGroup(6)] } });
    expect(groupSix.status).toBe(400);
    expect(groupSix.body.error.field).toBe('rule');
    expect((await json('/api/group-segments/preview', 'POST', JSON.stringify({ rule: nestGroup(2000) }))).status).toBe(400);
  });

  it('a rule saved before the limits gives a clear 400 in members, export, bulk tagging, handover and edits', async () => {
    const insert = async (table: string, rule: unknown) => (await pond.app.pool.query(
      `INSERT INTO ${table} (corp_id, name, rule, created_by) VALUES ($1, 'old', $2, 'test') RETURNING id`, [pond.corpId, JSON.stringify(rule)])).rows[0].id as number;
    for (const rule of [nest(6), nest(2000)]) {
      const id = await insert('segments', rule);
      for (const path of [`/api/segments/${id}/members`, `/api/segments/${id}/export.csv`]) {
        const r = await pond.api('GET', path);
        expect(r.status, path).toBe(400);
        expect(r.body.error.field).toBe('rule');
        expect(r.body.error.message).toMatch(new RegExp(`^rule: segment ${id}'s saved rule nested deeper than 5 levels; edit it and save it again`));
      }
      const rename = await pond.api('PATCH', `/api/segments/${id}`, { name: 'renamed' });
      expect(rename.status).toBe(400);
      expect((await pond.api('PATCH', `/api/segments/${id}`, { rule: nest(1) })).status).toBe(200);
      await pond.app.pool.query('UPDATE segments SET rule = $2 WHERE id = $1', [id, JSON.stringify(rule)]);

      const jobs = await count('bulk_tag_jobs');
      const tag = (await pond.app.pool.query('SELECT id FROM tags WHERE corp_id = $1 AND deleted_at IS NULL LIMIT 1', [pond.corpId])).rows[0].id;
      const bulk = await pond.api('POST', '/api/bulk-tag-jobs', { action: 'add', tagIds: [tag], filter: { segmentId: id } });
      expect(bulk.status).toBe(400);
      expect(bulk.body.error.field).toBe('filter.segmentId');
      expect(await count('bulk_tag_jobs')).toBe(jobs);
      const other = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND status = 1 AND is_follow_user AND userid <> $2 LIMIT 1`, [pond.corpId, userid])).rows[0].userid;
      const handover = await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: userid, takeoverUserid: other, segmentId: id });
      expect(handover.status).toBe(400);
      expect(handover.body.error.field).toBe('segmentId');
    }
    const g = await insert('group_segments', nestGroup(7));
    for (const path of [`/api/group-segments/${g}/groups`, `/api/group-segments/${g}/export.csv`]) {
      const r = await pond.api('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body.error.field).toBe('rule');
    }
  });
});

function nestGroup(levels: number) {
  let rule: any = { type: 'status', values: ['active'] };
  for (let i = 0; i < levels; i++) rule = { op: 'or', conditions: [rule] };
  return rule;
}

describe('the chat sidebar', () => {
  it('a bogus OAuth code is a 4xx page saying what to do, not a 502', async () => {
    const first = await fetch(`${pond.baseUrl}/sidebar/${pond.corpId}`, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const state = new URL(first.headers.get('location')!.split('#')[0]).searchParams.get('state');
    const res = await fetch(`${pond.baseUrl}/sidebar/${pond.corpId}?code=bogus&state=${state}`, { redirect: 'manual', headers: { cookie } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('登录链接无效或已过期');
    expect(html).toContain('close and reopen the sidebar');
  });
});
