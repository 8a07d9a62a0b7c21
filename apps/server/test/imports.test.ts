// CSV imports: a dry run reports bad rows (row, column, rule) and changes nothing; a real run applies
// the good rows, is idempotent, and keeps followers who aren't customers as leads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import { parseCsv } from '../src/platform/csv-parse';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

const post = async (path: string, csv: string) => {
  const res = await fetch(`${pond.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${pond.token}`, 'content-type': 'text/csv' }, body: csv });
  return { status: res.status, body: await res.json() as any };
};

describe('imports', () => {
  it('parses quoted CSV with a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, ""y""",2\n')).toEqual([['a', 'b'], ['x, "y"', '2']]);
  });

  it('imports customer attributes: dry run, bad rows, idempotent apply', async () => {
    const { rows } = await pond.app.pool.query(`SELECT external_userid FROM customers WHERE corp_id = $1 AND active_follow_count > 0 LIMIT 2`, [pond.corpId]);
    const csv = `external_userid,生日,会员等级\n${rows[0].external_userid},1990-05-01,金卡\nwmNOPE,2000-01-01,银卡\n,x,y\n${rows[1].external_userid},,普通\n`;
    const dry = await post('/api/imports/customer-attributes?dryRun=true', csv);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ rows: 4, ok: 2, dryRun: true });
    expect(dry.body.errors).toEqual([{ row: 3, field: 'external_userid', message: 'no customer wmNOPE' }, { row: 4, field: 'external_userid', message: 'is empty' }]);
    expect((await pond.api('GET', `/api/customers/${rows[0].external_userid}`)).body.customer.attributes).toEqual({});
    for (let i = 0; i < 2; i++) expect((await post('/api/imports/customer-attributes?dryRun=false', csv)).body.ok).toBe(2);
    expect((await pond.api('GET', `/api/customers/${rows[0].external_userid}`)).body.customer.attributes).toEqual({ 生日: '1990-05-01', 会员等级: '金卡' });
    const { rows: [n] } = await pond.app.pool.query('SELECT count(*)::int AS n FROM customer_attributes WHERE corp_id = $1', [pond.corpId]);
    expect(n.n).toBe(3);
    expect((await post('/api/imports/customer-attributes', 'name,x\n1,2\n')).body.error.field).toBe('header');
  });

  it('imports 公众号 followers: customers matched by unionid, the rest kept as leads', async () => {
    const { rows: [c] } = await pond.app.pool.query(`SELECT external_userid, unionid FROM customers WHERE corp_id = $1 AND unionid IS NOT NULL LIMIT 1`, [pond.corpId]);
    const csv = `unionid,openid,nickname,城市\n${c.unionid},oOPEN0000001,老粉丝,上海\nounionNOTACUSTOMER01,oOPEN0000002,新粉丝,杭州\nbad!,x,y,z\n`;
    const res = await post('/api/imports/followers?dryRun=false', csv);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ rows: 3, ok: 2, matched: 1, leads: 1 });
    expect(res.body.errors[0]).toMatchObject({ row: 4, field: 'unionid' });
    const leads = await pond.api('GET', '/api/leads');
    expect(leads.body.items.find((l: any) => l.unionid === 'ounionNOTACUSTOMER01')).toMatchObject({ nickname: '新粉丝', matchedExternalUserid: null });
    expect((await pond.api('GET', `/api/customers/${c.external_userid}`)).body.customer.attributes).toMatchObject({ 城市: '上海' });
    const again = await post('/api/imports/followers?dryRun=false', csv);
    expect(again.body.ok).toBe(2);
    expect((await pond.api('GET', '/api/leads')).body.total).toBe(2);
  });
});
