// The script library: folders, Chinese word search, placeholders filled for a customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import { words } from '../src/modules/scripts/service';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

describe('scripts', () => {
  it('splits Chinese text into searchable words', () => {
    expect(words('物流信息怎么查询？')).toEqual(expect.arrayContaining(['物流', '信息', '查询']));
    expect(words('Latte 咖啡 9.9元')).toEqual(expect.arrayContaining(['latte', '咖啡']));
  });

  it('finds scripts by words in any order, in folders, and fills placeholders', async () => {
    const folder = await pond.api('POST', '/api/script-folders', { name: '售后' });
    expect(folder.status).toBe(200);
    const a = await pond.api('POST', '/api/scripts', { folderId: folder.body.id, title: '查询物流', content: '{nickname}您好，我是{staff}，您的快递单号可在订单详情查看物流信息。' });
    await pond.api('POST', '/api/scripts', { title: '新品推荐', content: '本周新品拿铁买一送一' });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const found = await pond.api('GET', `/api/scripts?q=${encodeURIComponent('物流信息')}`);
    expect(found.body.items[0].id).toBe(a.body.id);
    expect(found.body.items.map((s: any) => s.title)).not.toContain('新品推荐');
    const inFolder = await pond.api('GET', `/api/scripts?folderId=${folder.body.id}`);
    expect(inFolder.body.items.map((s: any) => s.id)).toEqual([a.body.id]);
    const { rows: [f] } = await pond.app.pool.query(`SELECT f.external_userid, f.userid, c.name, s.name AS staff FROM follows f JOIN customers c USING (corp_id, external_userid) JOIN staff s ON s.corp_id = f.corp_id AND s.userid = f.userid WHERE f.corp_id = $1 LIMIT 1`, [pond.corpId]);
    const r = await pond.api('GET', `/api/scripts/${a.body.id}/render?externalUserid=${f.external_userid}&userid=${f.userid}`);
    expect(r.body.text.startsWith(`${f.name}您好，我是${f.staff}`)).toBe(true);
    expect((await pond.api('DELETE', `/api/script-folders/${folder.body.id}`)).status).toBe(409);
    expect((await pond.api('POST', '/api/scripts', { title: '', content: 'x' })).body.error.field).toBe('title');
  });
});
