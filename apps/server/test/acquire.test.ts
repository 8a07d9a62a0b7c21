// Acquire end to end through the simulator: a customer scans a printed code, gets a staff member,
// adds them, receives the welcome on their phone within a second and carries the code's tags;
// locks, caps, backup staff, group-code rotation, store routing and the numbers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let tagIds: string[];

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId]);
  staff = rows.map((r) => r.userid);
  const tags = await pond.api('GET', '/api/tags');
  tagIds = tags.body.groups[0].tags.slice(0, 2).map((t: any) => t.id);
});
afterAll(async () => { await pond?.close(); });

async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}

describe('channel live code', () => {
  let code: any;
  let welcomeId: number;

  it('rejects bad input naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ kind: 'staff', name: 'x', strategy: 'fastest', pool: [{ userid: staff[0] }] }, 'strategy'],
      [{ kind: 'staff', name: 'x', pool: [{ userid: staff[0], dailyCap: 0 }] }, 'pool.0.dailyCap'],
      [{ kind: 'staff', name: 'x', pool: [{ userid: 'nobody' }] }, 'pool.0.userid'],
      [{ kind: 'staff', name: 'x', pool: [{ userid: staff[0] }], schedule: { timezone: 'Asia/Shanghai', weekly: [{ day: 1, start: '18:00', end: '09:00' }], exceptions: [] } }, 'schedule.weekly.0.end'],
      [{ kind: 'staff', name: '', pool: [{ userid: staff[0] }] }, 'name'],
      [{ kind: 'group', name: 'g', groupCap: 500 }, 'groupCap'],
    ];
    for (const [body, field] of cases) {
      const res = await pond.api('POST', '/api/live-codes', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });

  it('creates a staff code with one contact way per staff member', async () => {
    const w = await pond.api('POST', '/api/welcome-templates', { name: '门店欢迎', scope: 'code', text: '你好 {nickname}，我是{staff}，欢迎来自{channel}！' });
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    welcomeId = w.body.id;
    const res = await pond.api('POST', '/api/live-codes', {
      kind: 'staff', name: '门店收银台', channel: '门店', tagIds, welcomeId, remarkTemplate: '{channel}-{nickname}',
      pool: [{ userid: staff[0], dailyCap: 1 }, { userid: staff[1] }], backupUserids: [staff[2]],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    code = res.body;
    expect(code.url).toMatch(/\/l\/[A-Za-z0-9]+$/);
    expect(code.pool.every((p: any) => p.qrUrl)).toBe(true);
    expect(code.state.length).toBeLessThanOrEqual(30);
  });

  it('routes a scan to staff A; the add gets the welcome within a second, the tags and the attribution', async () => {
    const u = await sim.createWechatUser({ nickname: '扫码客户一' });
    const scan = await sim.scan(u.id, code.url);
    expect(scan.kind).toBe('contact');
    if (scan.kind !== 'contact') return;
    expect(scan.result.userid).toBe(staff[0]);
    await settle();
    const inbox = await waitFor(async () => (await sim.listInbox(u.id)).find((m: any) => JSON.stringify(m).includes('扫码客户一')));
    expect(JSON.stringify(inbox)).toContain('欢迎来自门店');
    const { rows: [send] } = await pond.app.pool.query(`SELECT status, latency_ms FROM welcome_sends WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, scan.result.externalUserid]);
    expect(send.status).toBe('sent');
    expect(send.latency_ms).toBeLessThan(1000);
    const detail = await pond.api('GET', `/api/customers/${scan.result.externalUserid}`);
    const f = detail.body.follows.find((x: any) => x.userid === staff[0]);
    expect(f.tagIds).toEqual(expect.arrayContaining(tagIds));
    expect(f.remark).toBe('门店-扫码客户一');
    // WeCom has the tags too (mark_tag)
    const remote = await sim.getFollow(pond.corpId, staff[0], scan.result.externalUserid);
    expect(remote!.tagIds).toEqual(expect.arrayContaining(tagIds));
    const { rows: [a] } = await pond.app.pool.query(`SELECT code_id, channel, visit_id FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, scan.result.externalUserid]);
    expect(a).toMatchObject({ code_id: code.id, channel: '门店' });
    expect(a.visit_id).not.toBeNull();
  });

  it('keeps a customer who scans again with the same staff member (lock)', async () => {
    const [u] = await sim.listWechatUsers({ q: '扫码客户一' });
    const res = await fetch(code.url, { headers: { cookie: `sim_wechat_user=${u.id}` } });
    const html = await res.text();
    expect(html).toContain((await pond.api('GET', `/api/live-codes/${code.id}`)).body.pool[0].qrUrl.split('/sim')[1]);
    const { rows } = await pond.app.pool.query(`SELECT userid, reason FROM code_visits WHERE code_id = $1 ORDER BY id DESC LIMIT 1`, [code.id]);
    expect(rows[0]).toEqual({ userid: staff[0], reason: 'lock' });
  });

  it('sends the next customer to staff B when A is at the daily cap, and to backup when all are capped', async () => {
    const u2 = await sim.createWechatUser({ nickname: '扫码客户二' });
    const s2 = await sim.scan(u2.id, code.url);
    expect(s2.kind === 'contact' && s2.result.userid).toBe(staff[1]);
    // Cap B too: the backup member takes over.
    await pond.api('PATCH', `/api/live-codes/${code.id}`, { pool: [{ userid: staff[0], dailyCap: 1 }, { userid: staff[1], dailyCap: 1 }] });
    const u3 = await sim.createWechatUser({ nickname: '扫码客户三' });
    const s3 = await sim.scan(u3.id, code.url);
    expect(s3.kind === 'contact' && s3.result.userid, JSON.stringify(s3)).toBe(staff[2]);
    await settle();
  });

  it('never leaves a customer without someone: no backup left → the least-loaded member, and an alert', async () => {
    await pond.api('PATCH', `/api/live-codes/${code.id}`, { backupUserids: [] });
    const u4 = await sim.createWechatUser({ nickname: '扫码客户四' });
    const s4 = await sim.scan(u4.id, code.url);
    expect(s4.kind === 'contact' && [staff[0], staff[1]].includes(s4.result.userid), JSON.stringify(s4)).toBe(true);
    const alerts = await pond.api('GET', '/api/alerts?unread=true');
    expect(alerts.body.items.map((a: any) => a.kind)).toContain('over_cap');
    await settle();
  });

  it('counts scans, visitors, adds and welcome messages per day, with CSV', async () => {
    const stats = await pond.api('GET', `/api/live-codes/${code.id}/stats`);
    expect(stats.body.total).toMatchObject({ adds: 4, welcomeSent: 4 });
    expect(stats.body.total.scans).toBeGreaterThanOrEqual(5);
    expect(stats.body.total.visitors).toBe(4);
    const csv = await fetch(`${pond.baseUrl}/api/live-codes/${code.id}/stats.csv`, { headers: { authorization: `Bearer ${pond.token}` } });
    const text = await csv.text();
    expect(text.split('\n')[0]).toContain('scans');
    expect(text.split('\n').filter(Boolean)).toHaveLength(31);
    const list = await pond.api('GET', '/api/live-codes?kind=staff');
    expect(list.body.items.find((c: any) => c.id === code.id).numbers.addsTotal).toBe(4);
  });

  it('serves print QR, SVG and a poster of the landing URL', async () => {
    const png = await fetch(`${pond.baseUrl}/api/live-codes/${code.id}/qr.png?size=300`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(png.headers.get('content-type')).toBe('image/png');
    const svg = await fetch(`${pond.baseUrl}/api/live-codes/${code.id}/qr.svg`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(await svg.text()).toContain('80mm');
  });

  it('identifies a WeChat visitor through web OAuth (unionid) and keeps it in a signed cookie', async () => {
    const u = await sim.createWechatUser({ nickname: 'OAuth客户' });
    const ua = { 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' };
    const first = await fetch(code.url, { headers: ua, redirect: 'manual' });
    expect(first.status).toBe(302);
    const authorize = first.headers.get('location')!;
    expect(authorize).toContain('/sim/wx/connect/oauth2/authorize?');
    expect(authorize).toContain('scope=snsapi_base');
    const back = await fetch(authorize, { headers: { ...ua, cookie: `sim_wechat_user=${u.id}` }, redirect: 'manual' });
    expect(back.status).toBe(302);
    const landing = await fetch(back.headers.get('location')!, { headers: ua, redirect: 'manual' });
    expect(landing.status).toBe(200);
    const wx = landing.headers.get('set-cookie')!.match(/pond_wx=([^;]+)/)![1];
    const { rows: [v] } = await pond.app.pool.query(`SELECT visitor_key, visitor_kind, unionid FROM code_visits WHERE code_id = $1 ORDER BY id DESC LIMIT 1`, [code.id]);
    expect(v).toEqual({ visitor_key: `u:${u.unionid}`, visitor_kind: 'unionid', unionid: u.unionid });
    // Next scan: the cookie is enough, no second trip to WeChat; a forged cookie is not.
    const again = await fetch(code.url, { headers: { ...ua, cookie: `pond_wx=${wx}` }, redirect: 'manual' });
    expect(again.status).toBe(200);
    const forged = await fetch(code.url, { headers: { ...ua, cookie: `pond_wx=${wx.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}` }, redirect: 'manual' });
    expect(forged.status).toBe(302);
    // A used code cannot be replayed: the page still opens (no redirect loop), but without that identity.
    const replay = await fetch(back.headers.get('location')!, { headers: ua, redirect: 'manual' });
    expect(replay.status).toBe(200);
    const { rows: [r] } = await pond.app.pool.query(`SELECT visitor_kind FROM code_visits WHERE code_id = $1 ORDER BY id DESC LIMIT 1`, [code.id]);
    expect(r.visitor_kind).toBe('cookie');
  });

  it('shows a polite page for an archived or unknown code', async () => {
    expect((await pond.api('POST', `/api/live-codes/${code.id}/archive`)).status).toBe(200);
    const res = await fetch(code.url);
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('活动已结束');
    const unknown = await fetch(`${pond.baseUrl}/l/NoSuchCode1`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('二维码');
  });
});

describe('group live code', () => {
  it('rotates to the next group at the cap, then alerts the operator when every group is full', async () => {
    const g1 = await sim.createGroup({ corpId: pond.corpId, owner: staff[0], name: '福利群1' });
    const g2 = await sim.createGroup({ corpId: pond.corpId, owner: staff[0], name: '福利群2' });
    await settle();
    const res = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '福利群', groupCap: 3, groupChatIds: [g1.chatId, g2.chatId], groupBaseName: '福利群' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const code = res.body;
    const joined: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await sim.createWechatUser({ nickname: `进群客户${i}` });
      const s = await sim.scan(u.id, code.url);
      expect(s.kind).toBe('join');
      if (s.kind === 'join') joined.push(s.result.chatId);
      await settle();
    }
    // The owner and two customers fill a group of cap 3; then the next group takes over.
    expect(joined).toEqual([g1.chatId, g1.chatId, g2.chatId, g2.chatId, g2.chatId]);
    const alerts = await pond.api('GET', '/api/alerts?unread=true');
    expect(alerts.body.items.map((a: any) => a.kind)).toContain('group_code_full');
    const after = await pond.api('GET', `/api/live-codes/${code.id}`);
    expect(after.body.url).toBe(code.url); // the printed code never changes
    expect(after.body.groups.find((g: any) => g.chatId === g1.chatId).status).toBe('full');
  });

  it('takes the group WeCom creates when the listed ones reach 200 (auto_create_room)', async () => {
    const members: string[] = [];
    for (let i = 0; i < 198; i++) members.push((await sim.createWechatUser({ nickname: `老成员${i}` })).id);
    const big = await sim.createGroup({ corpId: pond.corpId, owner: staff[1], name: '大群', members });
    await settle();
    const res = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '大群码', groupChatIds: [big.chatId], groupBaseName: '大群' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const last = await sim.createWechatUser({ nickname: '第200位' });
    const s1 = await sim.scan(last.id, res.body.url);
    expect(s1.kind === 'join' && s1.result.chatId).toBe(big.chatId);
    await settle();
    const next = await sim.createWechatUser({ nickname: '第201位' });
    const s2 = await sim.scan(next.id, res.body.url);
    expect(s2.kind === 'join' && s2.result.createdGroup).toBe(true);
    await settle();
    const after = await pond.api('GET', `/api/live-codes/${res.body.id}`);
    const newChat = s2.kind === 'join' ? s2.result.chatId : '';
    expect(after.body.groups.map((g: any) => g.chatId)).toEqual([big.chatId, newChat]);
    expect(after.body.groups[0].status).toBe('full');
  });
});

describe('group welcome templates', () => {
  it('are created in WeCom\'s library, validated, and greet members of the groups that use them', async () => {
    const bad = await pond.api('POST', '/api/group-welcome-templates', { name: '空的' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('text');
    const t = await pond.api('POST', '/api/group-welcome-templates', { name: '入群欢迎', text: '欢迎 %NICKNAME% 入群！', attachment: { msgtype: 'link', link: { title: '群规', url: 'https://example.com/rules' } } });
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    const wrongRef = await pond.api('POST', '/api/live-codes', { kind: 'group', name: 'x', groupChatIds: [], groupWelcomeTemplateId: 'nope' });
    expect(wrongRef.body.error.field).toBe('groupWelcomeTemplateId');
    const g = await sim.createGroup({ corpId: pond.corpId, owner: staff[0], name: '欢迎群' });
    await settle();
    const code = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '欢迎群码', groupChatIds: [g.chatId], groupWelcomeTemplateId: t.body.templateId });
    expect(code.status, JSON.stringify(code.body)).toBe(200);
    await sim.setGroupWelcomeTemplate(g.chatId, t.body.templateId); // the owner picks it in the group's settings
    const u = await sim.createWechatUser({ nickname: '新群友' });
    await sim.scan(u.id, code.body.url);
    const inbox = await waitFor(async () => (await sim.listInbox(u.id)).find((m: any) => JSON.stringify(m).includes('入群')));
    expect(JSON.stringify(inbox)).toContain('新群友');
    const list = await pond.api('GET', '/api/group-welcome-templates');
    expect(list.body.items[0].codes.map((c: any) => c.id)).toContain(code.body.id);
  });
});

describe('store routing', () => {
  it('sends a located customer to the nearest open store code', async () => {
    const stores = (await pond.api('GET', '/api/stores')).body.items;
    const [a, b] = stores;
    const ca = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: `${a.name}码`, storeId: a.id, pool: [{ userid: staff[3] }] });
    const cb = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: `${b.name}码`, storeId: b.id, pool: [{ userid: staff[4] }] });
    const router = await pond.api('POST', '/api/live-codes', { kind: 'store', name: '附近门店' });
    expect(router.status, JSON.stringify(router.body)).toBe(200);
    const page = await (await fetch(router.body.url)).text();
    expect(page).toContain(a.name);
    const near = await fetch(`${router.body.url}?lat=${b.lat + 0.001}&lng=${b.lng}&auto=1`, { redirect: 'manual' });
    expect(near.status).toBe(302);
    expect(near.headers.get('location')).toBe(`/l/${cb.body.key}`);
    const picked = await fetch(`${router.body.url}?store=${a.id}`, { redirect: 'manual' });
    expect(picked.headers.get('location')).toBe(`/l/${ca.body.key}`);
  });
});

describe('saving a code WeCom refuses', () => {
  const q = async (sql: string, params: unknown[]) => (await pond.app.pool.query(sql, params)).rows;
  const snapshot = async (id: number) => ({
    row: (await q('SELECT name, skip_verify, wecom_config_id, updated_at FROM live_codes WHERE id = $1', [id]))[0],
    pool: await q('SELECT userid, position, config_id FROM live_code_staff WHERE code_id = $1 ORDER BY position', [id]),
  });
  const refusing = async <T>(apis: string[], fn: () => Promise<T>) => {
    await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: apis });
    try { return await fn(); } finally { await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: [] }); }
  };

  it('pond mode: a refused new member\'s way leaves the code, its pool and the other ways as they were (502), and the save works once WeCom answers', async () => {
    const created = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '拒绝的池', pool: [{ userid: staff[0] }, { userid: staff[1] }], skipVerify: true });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id;
    const before = await snapshot(id);
    const ways = (await sim.getState(pond.corpId)).contactWays;
    const client = await pond.app.corps.client(pond.corpId);
    // skip_verify flips on the existing members' ways first, then the new member's way is refused: the flips are undone.
    const res = await refusing(['externalcontact/add_contact_way'], () =>
      pond.api('PATCH', `/api/live-codes/${id}`, { name: '改名', skipVerify: false, pool: [{ userid: staff[0] }, { userid: staff[1] }, { userid: staff[3] }] }));
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body.error.message).toContain('the live code was not changed');
    expect(await snapshot(id)).toEqual(before);
    expect((await sim.getState(pond.corpId)).contactWays).toBe(ways);
    for (const p of before.pool) expect((await client.getContactWay(p.config_id)).contact_way.skip_verify).toBe(true);

    const ok = await pond.api('PATCH', `/api/live-codes/${id}`, { name: '改名', skipVerify: false, pool: [{ userid: staff[1] }, { userid: staff[3] }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.pool.map((p: any) => p.userid)).toEqual([staff[1], staff[3]]);
    const after = await snapshot(id);
    expect(after.row).toMatchObject({ name: '改名', skip_verify: false });
    // staff[0]'s way is gone from WeCom (one removed, one made).
    expect((await sim.getState(pond.corpId)).contactWays).toBe(ways);
    for (const p of after.pool) expect((await client.getContactWay(p.config_id)).contact_way).toMatchObject({ skip_verify: false, user: [p.userid] });
  });

  it('a write that fails after WeCom said yes undoes WeCom: the new way deleted, skip_verify back', async () => {
    const created = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '写入失败', pool: [{ userid: staff[0] }], skipVerify: true });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id;
    const before = await snapshot(id);
    const ways = (await sim.getState(pond.corpId)).contactWays;
    const client = await pond.app.corps.client(pond.corpId);
    // The database refuses this code's new pool row (as a lost connection or a constraint would).
    await q(`CREATE FUNCTION refuse_pool_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`, []);
    await q(`CREATE TRIGGER refuse_pool_row BEFORE INSERT ON live_code_staff FOR EACH ROW WHEN (NEW.code_id = ${Number(id)}) EXECUTE FUNCTION refuse_pool_row()`, []);
    try {
      const res = await pond.api('PATCH', `/api/live-codes/${id}`, { skipVerify: false, pool: [{ userid: staff[0] }, { userid: staff[4] }] });
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      await q('DROP TRIGGER refuse_pool_row ON live_code_staff', []);
      await q('DROP FUNCTION refuse_pool_row()', []);
    }
    expect(await snapshot(id)).toEqual(before);
    expect((await sim.getState(pond.corpId)).contactWays).toBe(ways);
    expect((await client.getContactWay(before.pool[0].config_id)).contact_way.skip_verify).toBe(true);
  });

  it('three saves at once adding the same member make one contact way for them', async () => {
    const created = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '同时保存', pool: [{ userid: staff[0] }] });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const ways = (await sim.getState(pond.corpId)).contactWays;
    const saves = await Promise.all([0, 1, 2].map(() => pond.api('PATCH', `/api/live-codes/${created.body.id}`, { pool: [{ userid: staff[0] }, { userid: staff[5] }] })));
    expect(saves.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await sim.getState(pond.corpId)).contactWays).toBe(ways + 1);
    const rows = await q('SELECT userid, config_id FROM live_code_staff WHERE code_id = $1 ORDER BY position', [created.body.id]);
    expect(rows.map((r) => r.userid)).toEqual([staff[0], staff[5]]);
    expect(rows.every((r) => r.config_id)).toBe(true);
  });

  it('native mode: a refused update of the shared way leaves the code and its pool as they were', async () => {
    const created = await pond.api('POST', '/api/live-codes', { kind: 'staff', mode: 'native', name: '原生码', pool: [{ userid: staff[0] }, { userid: staff[1] }] });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id;
    const before = await snapshot(id);
    expect(before.row.wecom_config_id).toBeTruthy();
    const res = await refusing(['externalcontact/update_contact_way'], () =>
      pond.api('PATCH', `/api/live-codes/${id}`, { name: '原生码改', pool: [{ userid: staff[2] }] }));
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(await snapshot(id)).toEqual(before);
    const client = await pond.app.corps.client(pond.corpId);
    expect((await client.getContactWay(before.row.wecom_config_id)).contact_way.user).toEqual([staff[0], staff[1]]);
    const ok = await pond.api('PATCH', `/api/live-codes/${id}`, { name: '原生码改', pool: [{ userid: staff[2] }] });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await client.getContactWay(before.row.wecom_config_id)).contact_way.user).toEqual([staff[2]]);
  });
});
