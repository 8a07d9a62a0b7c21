// Customer 360 edits go to WeCom (remark, mark_tag), land in Pond's tables and on the timeline, and
// respect the caller's scope; notes are Pond's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let ext: string;
let owner: string;
let other: string;
beforeAll(async () => {
  pond = await startTestPond();
  const { rows } = await pond.app.pool.query(`SELECT external_userid, userid FROM follows WHERE corp_id = $1 AND status = 'active' ORDER BY external_userid LIMIT 1`, [pond.corpId]);
  ({ external_userid: ext, userid: owner } = rows[0]);
  const { rows: o } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND userid <> $2 AND is_follow_user LIMIT 1`, [pond.corpId, owner]);
  other = o[0].userid;
});
afterAll(async () => { await pond?.close(); });

describe('customer 360 edits', () => {
  it('edits remark, description, phones and company remark in WeCom and Pond', async () => {
    const res = await pond.api('PATCH', `/api/customers/${ext}/follows/${owner}`, { remark: '王姐-VIP', description: '喜欢拿铁', remarkMobiles: ['13800000000'], remarkCorpName: '鱼塘咖啡' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ remark: '王姐-VIP', description: '喜欢拿铁', remarkMobiles: ['13800000000'], remarkCorpName: '鱼塘咖啡' });
    const remote = await pond.app.sim!.control.getFollow(pond.corpId, owner, ext);
    expect(remote).toMatchObject({ remark: '王姐-VIP', description: '喜欢拿铁' });
    const tl = await pond.api('GET', `/api/customers/${ext}/timeline`);
    expect(tl.body.items[0]).toMatchObject({ type: 'remark.changed' });
  });

  it('names the field and the rule of bad input', async () => {
    const long = await pond.api('PATCH', `/api/customers/${ext}/follows/${owner}`, { remark: '一二三四五六七八九十一二三四五六七八九十一' });
    expect(long.status).toBe(400);
    expect(long.body.error.field).toBe('remark');
    const phone = await pond.api('PATCH', `/api/customers/${ext}/follows/${owner}`, { remarkMobiles: ['138', 'abc'] });
    expect(phone.body.error.field).toBe('remarkMobiles.1');
    const empty = await pond.api('PATCH', `/api/customers/${ext}/follows/${owner}`, {});
    expect(empty.status).toBe(400);
  });

  it('adds and removes corp tags with mark_tag', async () => {
    const tags = (await pond.api('GET', '/api/tags')).body.groups.flatMap((g: any) => g.tags).map((t: any) => t.id);
    const before = (await pond.api('GET', `/api/customers/${ext}`)).body.follows.find((f: any) => f.userid === owner).tagIds as string[];
    const add = tags.filter((t: string) => !before.includes(t)).slice(0, 2);
    const res = await pond.api('POST', `/api/customers/${ext}/follows/${owner}/tags`, { add, remove: before.slice(0, 1) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.tagIds).toEqual(expect.arrayContaining(add));
    for (const t of before.slice(0, 1)) expect(res.body.tagIds).not.toContain(t);
    const remote = await pond.app.sim!.control.getFollow(pond.corpId, owner, ext);
    expect(remote!.tagIds.sort()).toEqual([...res.body.tagIds].sort());
    const bad = await pond.api('POST', `/api/customers/${ext}/follows/${owner}/tags`, { add: ['no-such-tag'] });
    expect(bad.body.error.field).toBe('add.0');
  });

  it('lets staff edit only their own relations', async () => {
    const mine = await pond.api('POST', '/api/tokens', { name: 'other staff', role: 'staff', staffUserid: other });
    const res = await pond.api('PATCH', `/api/customers/${ext}/follows/${owner}`, { remark: 'x' }, { token: mine.body.token });
    expect([403, 404]).toContain(res.status);
  });

  it('exports the filtered customer list as CSV', async () => {
    const res = await fetch(`${pond.baseUrl}/api/customers.csv?q=${encodeURIComponent('')}`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toContain('external_userid');
    const total = (await pond.api('GET', '/api/customers?pageSize=1')).body.total;
    expect(lines.length - 1).toBe(total);
    expect(text).toContain('王姐-VIP');
  });

  it('keeps notes; only the author or an admin deletes one', async () => {
    const n = await pond.api('POST', `/api/customers/${ext}/notes`, { text: '周末来店，想要新品试饮' });
    expect(n.status).toBe(200);
    const list = await pond.api('GET', `/api/customers/${ext}/notes`);
    expect(list.body.items[0]).toMatchObject({ text: '周末来店，想要新品试饮', mine: true });
    expect((await pond.api('POST', `/api/customers/${ext}/notes`, { text: '' })).body.error.field).toBe('text');
    expect((await pond.api('DELETE', `/api/customers/${ext}/notes/${n.body.id}`)).status).toBe(200);
    expect((await pond.api('GET', `/api/customers/${ext}/notes`)).body.items).toHaveLength(0);
  });
});
