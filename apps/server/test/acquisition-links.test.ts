// Acquisition links (获客链接 / 获客助手, ADR 0037) end to end through the simulator: a staff code in link mode is backed
// by one WeCom acquisition link whose range is its pool (the corp's range limit a setting); its landing page records
// the visit and sends the customer on to the link with the visit's customer_channel; the add's State brings the visit
// back (attribution to code, channel, store and visit); an invite campaign routed by such a code credits the friend in
// the add's own step with no read of the customer (proved with WeCom's customer reads refused meanwhile), keeping the
// anti-fraud rules; WeCom's customer_acquisition events show on the code and reach the admins once; archiving deletes
// the link.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import * as linkRepo from '../src/modules/live-codes/repo';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let adminUserid: string;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId]);
  staff = rows.map((r) => r.userid);
  // The console's admin is a WeCom member too: the one Pond's cards about links reach.
  adminUserid = staff[5];
  await pond.app.pool.query(`UPDATE memberships SET staff_userid = $2 WHERE corp_id = $1 AND role = 'admin'`, [pond.corpId, adminUserid]);
}, 120_000);
afterAll(async () => { await pond?.close(); });

async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}

const PHONE = { 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' };
const q = async <T = any>(sql: string, params: unknown[] = []) => (await pond.app.pool.query(sql, params)).rows as T[];

async function linkCode(body: Record<string, unknown>): Promise<any> {
  const res = await pond.api('POST', '/api/live-codes', { kind: 'staff', mode: 'link', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/**
 * Opens a landing URL in WeChat as the simulated user (or a browser without one), through the WeChat OAuth round trip,
 * and answers where Pond's page ends: a page (200) or a redirect away from Pond (302 to an acquisition link).
 */
async function open(url: string, wechatUserId?: string, ua = PHONE['user-agent']): Promise<{ status: number; location: string | null; body: string }> {
  const jar = new Map<string, string>(wechatUserId ? [['sim_wechat_user', encodeURIComponent(wechatUserId)]] : []);
  let next = url;
  for (let hop = 0; hop < 6; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(next, { redirect: 'manual', headers: { 'user-agent': ua, ...(cookie ? { cookie } : {}) } });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(';');
      const i = kv.indexOf('=');
      jar.set(kv.slice(0, i), kv.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location && !/\/ca\/cawcde/.test(location)) {
      next = new URL(location, next).toString();
      continue;
    }
    return { status: res.status, location, body: await res.text() };
  }
  throw new Error(`too many redirects from ${url}`);
}

describe('link mode codes: the WeCom acquisition link behind them', () => {
  it('refuses what a link cannot do, naming the field: caps, a group code, a range over the corp\'s limit (nothing written)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'staff', mode: 'link', name: 'x', pool: [{ userid: staff[0], dailyCap: 5 }] }, 'pool.0.dailyCap'],
      [{ kind: 'staff', mode: 'link', name: 'x', pool: [{ userid: staff[0], totalCap: 5 }] }, 'pool.0.totalCap'],
      [{ kind: 'group', mode: 'link', name: 'x', groupChatIds: [] }, 'mode'],
      [{ kind: 'staff', mode: 'links', name: 'x', pool: [{ userid: staff[0] }] }, 'mode'],
    ];
    for (const [body, field] of cases) {
      const res = await pond.api('POST', '/api/live-codes', body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
    // The range limit is the corp's setting (WeCom's is UNCONFIRMED: 100 by default).
    expect((await pond.api('GET', '/api/acquisition-links/settings')).body).toEqual({ maxRangeUsers: 100 });
    for (const bad of [0, 10001, 1.5, 'x']) {
      const res = await pond.api('PUT', '/api/acquisition-links/settings', { maxRangeUsers: bad });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field).toBe('maxRangeUsers');
    }
    // A pool listed by hand holds 200 at most whatever the limit (above 200 the limit is for store pools).
    expect((await pond.api('PUT', '/api/acquisition-links/settings', { maxRangeUsers: 500 })).body).toEqual({ maxRangeUsers: 500 });
    const big = await pond.api('POST', '/api/live-codes', { kind: 'staff', mode: 'link', name: 'x', pool: Array.from({ length: 201 }, (_, i) => ({ userid: `u${i}` })) });
    expect([big.status, big.body.error?.field]).toEqual([400, 'pool']);
    expect(big.body.error.message).toContain('at most 200 staff per code');
    expect((await pond.api('PUT', '/api/acquisition-links/settings', { maxRangeUsers: 2 })).body).toEqual({ maxRangeUsers: 2 });
    const mark = sim.lastApiCallSeq();
    const over = await pond.api('POST', '/api/live-codes', { kind: 'staff', mode: 'link', name: '超限链接', pool: staff.slice(0, 3).map((userid) => ({ userid })) });
    expect(over.status).toBe(400);
    expect(over.body.error.field).toBe('pool');
    expect(over.body.error.message).toContain('at most 2');
    expect(await q(`SELECT id FROM live_codes WHERE corp_id = $1 AND name = '超限链接'`, [pond.corpId])).toEqual([]);
    expect(sim.listApiCalls(pond.corpId, { afterSeq: mark, api: 'externalcontact/customer_acquisition/create_link' })).toEqual([]);
    // Editing over the limit is refused the same way and changes nothing.
    const ok = await linkCode({ name: '两人链接', pool: [{ userid: staff[0] }, { userid: staff[1] }] });
    const edit = await pond.api('PATCH', `/api/live-codes/${ok.id}`, { pool: staff.slice(0, 3).map((userid) => ({ userid })) });
    expect(edit.status).toBe(400);
    expect(edit.body.error.field).toBe('pool');
    expect((await sim.getAcquisitionLink(pond.corpId, ok.link.linkId))!.users).toEqual([staff[0], staff[1]]);
    await pond.api('PUT', '/api/acquisition-links/settings', { maxRangeUsers: 100 });
  });

  it('creates the link with the pool as its range, keeps it in line on edit, and deletes it with the code', async () => {
    const code = await linkCode({ name: '公众号菜单链接', channel: '公众号', pool: [{ userid: staff[0] }, { userid: staff[1] }], skipVerify: true });
    expect(code.mode).toBe('link');
    expect(code.link).toMatchObject({ status: 'active', quotaState: 'ok' });
    expect(code.link.url).toMatch(/\/sim\/ca\/cawcde[0-9a-f]{16}$/);
    expect(new URL(code.link.channelUrl).searchParams.get('customer_channel')).toBe(code.state);
    const held = await sim.getAcquisitionLink(pond.corpId, code.link.linkId);
    expect(held).toMatchObject({ name: '公众号菜单链接', users: [staff[0], staff[1]], skipVerify: true, deleted: false });
    // No contact way per member: the link is the way in.
    expect(code.pool.map((p: any) => [p.userid, p.available, p.qrUrl])).toEqual([[staff[0], true, null], [staff[1], true, null]]);

    const edited = await pond.api('PATCH', `/api/live-codes/${code.id}`, { name: '公众号菜单', pool: [{ userid: staff[2] }, { userid: staff[0] }], skipVerify: false });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ name: '公众号菜单', users: [staff[2], staff[0]], skipVerify: false });

    expect((await pond.api('POST', `/api/live-codes/${code.id}/archive`)).status).toBe(200);
    expect((await sim.getAcquisitionLink(pond.corpId, code.link.linkId))!.deleted).toBe(true);
    expect((await pond.api('GET', `/api/live-codes/${code.id}`)).body.link.status).toBe('deleted');
  });

  it('a save WeCom refuses changes nothing: WeCom is asked before the code is written (502, the row, pool and link as they were)', async () => {
    const code = await linkCode({ name: '拒绝保存', pool: [{ userid: staff[0] }, { userid: staff[1] }], skipVerify: true });
    const row = async () => (await q(`SELECT name, skip_verify, link_id, link_status, updated_at FROM live_codes WHERE id = $1`, [code.id]))[0];
    const poolRows = async () => q(`SELECT userid, position, config_id FROM live_code_staff WHERE code_id = $1 ORDER BY position`, [code.id]);
    const [rowBefore, poolBefore] = [await row(), await poolRows()];
    await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: ['externalcontact/customer_acquisition/update_link'] });
    const res = await pond.api('PATCH', `/api/live-codes/${code.id}`, { name: '改了名字', pool: [{ userid: staff[2] }], skipVerify: false })
      .finally(() => sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: [] }));
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(await row()).toEqual(rowBefore);
    expect(await poolRows()).toEqual(poolBefore);
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ name: '拒绝保存', users: [staff[0], staff[1]], skipVerify: true });
    expect((await pond.api('GET', `/api/live-codes/${code.id}`)).body).toMatchObject({ name: '拒绝保存', skipVerify: true });
    expect(res.body.error).toMatchObject({ code: 'wecom_error', message: expect.stringContaining('the live code was not changed') });
    // The same save once WeCom answers: done in both.
    expect((await pond.api('PATCH', `/api/live-codes/${code.id}`, { name: '改了名字', pool: [{ userid: staff[2] }], skipVerify: false })).status).toBe(200);
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ name: '改了名字', users: [staff[2]], skipVerify: false });
  });

  it('a member who left stays in the pool (not available) and out of the link\'s range: saves and re-syncs still work', async () => {
    const [stay, leaver] = [staff[8], staff[9]];
    const code = await linkCode({ name: '有人离职', pool: [{ userid: leaver }, { userid: stay }] });
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ users: [leaver, stay] });
    // The member leaves the company (WeCom refuses them in a range from now on); Pond's sync marks them so.
    await sim.resignStaff(leaver);
    await q(`UPDATE staff SET status = 5, is_follow_user = false WHERE corp_id = $1 AND userid = $2`, [pond.corpId, leaver]);
    // The re-sync (PATCH {}) and the console's save (the pool sent back as shown) both work; the range leaves them out.
    const resync = await pond.api('PATCH', `/api/live-codes/${code.id}`, {});
    expect(resync.status, JSON.stringify(resync.body)).toBe(200);
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ users: [stay] });
    const saved = await pond.api('PATCH', `/api/live-codes/${code.id}`, { name: '有人离职了', pool: [{ userid: leaver }, { userid: stay }] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ name: '有人离职了', users: [stay] });
    expect(saved.body.pool.map((p: any) => [p.userid, p.available])).toEqual([[leaver, false], [stay, true]]);
    // A pool of leavers only has no range (400, nothing written); adding a leaver to a code is refused as before.
    const onlyLeaver = await pond.api('PATCH', `/api/live-codes/${code.id}`, { pool: [{ userid: leaver }] });
    expect([onlyLeaver.status, onlyLeaver.body.error?.field]).toEqual([400, 'pool']);
    expect(onlyLeaver.body.error.message).toContain('active staff member');
    expect(await sim.getAcquisitionLink(pond.corpId, code.link.linkId)).toMatchObject({ users: [stay] });
    expect((await pond.api('GET', `/api/live-codes/${code.id}`)).body.pool.map((p: any) => p.userid)).toEqual([leaver, stay]);
    const fresh = await pond.api('POST', '/api/live-codes', { kind: 'staff', mode: 'link', name: '新码', pool: [{ userid: stay }, { userid: leaver }] });
    expect([fresh.status, fresh.body.error?.field]).toEqual([400, 'pool.1.userid']);
  });

  it('the landing page records the visit and sends the customer on with its customer_channel; the add names the visit', async () => {
    const { rows: [store] } = await pond.app.pool.query(`SELECT id FROM stores WHERE corp_id = $1 AND archived_at IS NULL ORDER BY id LIMIT 1`, [pond.corpId]);
    const code = await linkCode({ name: '小红书获客', channel: '小红书', storeId: store?.id ?? null, pool: [{ userid: staff[3] }] });
    const u = await sim.createWechatUser({ nickname: '链接客户' });
    const landing = await open(code.url, u.id);
    expect(landing.status).toBe(302);
    const to = new URL(landing.location!);
    expect(`${to.origin}${to.pathname}`).toBe(code.link.url);
    const channel = to.searchParams.get('customer_channel')!;
    expect(channel).toMatch(new RegExp(`^${code.state}\\.[A-Za-z0-9]{10}$`));
    expect(Buffer.byteLength(channel)).toBeLessThanOrEqual(64);
    const [visit] = await q(`SELECT id, reason, channel_state, unionid FROM code_visits WHERE code_id = $1`, [code.id]);
    expect(visit).toMatchObject({ reason: 'link', channel_state: channel.split('.')[1], unionid: u.unionid });
    // A crawler sees the code, not the link, and is not a visit.
    expect((await fetch(code.url, { redirect: 'manual', headers: { 'user-agent': 'Googlebot/2.1' } })).status).toBe(200);

    // The phone opens the link (the simulator's page) and starts the chat: WeCom adds with State = customer_channel.
    const add = await sim.scan(u.id, landing.location!);
    if (add.kind !== 'link') throw new Error(`expected the link, got ${add.kind}`);
    expect(add.result).toMatchObject({ status: 'added', userid: staff[3], state: channel });
    expect(add.customerChannel).toBe(channel);
    await settle();
    const [a] = await q(`SELECT code_id, channel, store_id, visit_id, state FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, add.result.externalUserid]);
    expect(a).toMatchObject({ code_id: code.id, channel: '小红书', store_id: store?.id ?? null, visit_id: visit.id, state: channel });
    expect((await q(`SELECT external_userid FROM code_visits WHERE id = $1`, [visit.id]))[0].external_userid).toBe(add.result.externalUserid);
    // follow_user.state in WeCom, and so in Pond after the read.
    expect((await sim.getFollow(pond.corpId, staff[3], add.result.externalUserid))?.state).toBe(channel);
    await waitFor(async () => (await q(`SELECT state FROM follows WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, add.result.externalUserid]))[0]?.state === channel,
      { message: 'follow state stored' });
    const stats = (await pond.api('GET', `/api/live-codes/${code.id}/stats`)).body.total;
    expect(stats).toMatchObject({ scans: 1, adds: 1 });

    // The same channel used by someone else (a shared link) attributes to the code but takes no visit twice.
    const other = await sim.createWechatUser({ nickname: '转发客户' });
    const shared = await sim.startAcquisitionChat(other.id, code.link.linkId, { customerChannel: channel });
    await settle();
    const [b] = await q(`SELECT code_id, visit_id FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, shared.externalUserid]);
    expect(b).toEqual({ code_id: code.id, visit_id: null });
    // The link's own channel (no landing page): the code's, without a visit.
    const direct = await sim.createWechatUser({ nickname: '直接链接客户' });
    const d = await sim.scan(direct.id, code.link.channelUrl);
    await settle();
    if (d.kind !== 'link') throw new Error('expected the link');
    expect((await q(`SELECT code_id, visit_id FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, d.result.externalUserid]))[0])
      .toEqual({ code_id: code.id, visit_id: null });
  });

  it('a visit\'s channel is good for a day, like every visit an add looks for: an older one attributes to the code alone', async () => {
    const code = await linkCode({ name: '过期渠道', pool: [{ userid: staff[3] }] });
    const u = await sim.createWechatUser({ nickname: '旧链接访客' });
    const hop = await open(code.url, u.id);
    const channel = new URL(hop.location!).searchParams.get('customer_channel')!;
    // The visit was two days ago (the URL with its channel forwarded, or opened again from the chat history).
    await q(`UPDATE code_visits SET created_at = now() - interval '2 days' WHERE code_id = $1 AND channel_state = $2`, [code.id, channel.split('.')[1]]);
    const late = await sim.createWechatUser({ nickname: '两天后添加' });
    const add = await sim.startAcquisitionChat(late.id, code.link.linkId, { customerChannel: channel });
    await settle();
    const [a] = await q(`SELECT code_id, visit_id, state FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, add.externalUserid]);
    expect(a).toEqual({ code_id: code.id, visit_id: null, state: channel });
    expect((await q(`SELECT external_userid FROM code_visits WHERE code_id = $1`, [code.id]))[0].external_userid).toBeNull();
    // Within the day the same channel takes its visit.
    const hop2 = await open(code.url, u.id);
    const fresh = await sim.startAcquisitionChat(u.id, code.link.linkId, { customerChannel: new URL(hop2.location!).searchParams.get('customer_channel')! });
    await settle();
    expect((await q(`SELECT visit_id IS NOT NULL AS visit FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, fresh.externalUserid]))[0]).toEqual({ visit: true });
  });
});

describe('invite tasks routed by a link mode code', () => {
  const OFF = { maxPerIp: null, burstCount: null, burstSeconds: 60 };
  let code: any;

  beforeAll(async () => {
    code = await linkCode({ name: '邀请获客链接', channel: '裂变', pool: [{ userid: staff[0] }, { userid: staff[1] }] });
  });

  async function campaign(config: Record<string, unknown> = {}): Promise<any> {
    const res = await pond.api('POST', '/api/invites', {
      name: `链接邀请 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date(Date.now() - 60_000).toISOString(),
      config: { codeId: code.id, holdDays: 0, antiFraud: OFF, tiers: [{ friends: 1, reward: { kind: 'points', points: 10, title: '10 积分' } }], ...config },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' })).status).toBe(200);
    return res.body;
  }

  /** A customer (added staff[2] directly) who joins the campaign: their share link. */
  async function participant(c: any, nickname: string): Promise<{ id: string; ext: string; shareUrl: string }> {
    const u = await sim.createWechatUser({ nickname });
    const r = await sim.addStaff(u.id, { userid: staff[2] });
    await settle();
    const res = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/invites/${c.id}/join`, {
      method: 'POST', headers: { cookie: `sim_wechat_user=${encodeURIComponent(u.id)}`, origin: pond.baseUrl, 'content-type': 'application/json' }, body: '{}',
    });
    const body = await res.json() as { shareUrl: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    return { id: u.id, ext: r.externalUserid, shareUrl: body.shareUrl };
  }

  const credits = async (campaignId: number) =>
    q(`SELECT invitee_external_userid AS ext, status, reason, flags FROM invite_credits WHERE campaign_id = $1 ORDER BY id`, [campaignId]);

  it('credits the friend from the add\'s State alone: with WeCom refusing every customer read meanwhile, and none made before it', async () => {
    const c = await campaign();
    const a = await participant(c, '链接邀请人A');
    const friend = await sim.createWechatUser({ nickname: '链接好友' });
    // The share link goes through the campaign's code: on to the acquisition link with the visit's channel.
    const hop = await open(a.shareUrl, friend.id);
    expect(hop.status).toBe(302);
    expect(hop.location).toContain('customer_channel=');
    // From here WeCom answers no customer read (externalcontact/get, unionid conversions): the credit must not need one.
    const readApis = ['externalcontact/get', 'externalcontact/unionid_to_external_userid', 'externalcontact/batch/get_by_user'];
    await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: readApis });
    const mark = sim.lastApiCallSeq();
    try {
      const add = await sim.scan(friend.id, hop.location!);
      if (add.kind !== 'link') throw new Error('expected the link');
      const [k] = await waitFor(async () => { const l = await credits(c.id); return l.length ? l : null; }, { message: 'friend credited' });
      expect(k).toMatchObject({ ext: add.result.externalUserid, status: 'credited', reason: null });
      // No customer read answered before the credit (the welcome's nickname lookup and the enrich were refused 48002).
      const reads = readApis.flatMap((api) => sim.listApiCalls(pond.corpId, { api, afterSeq: mark }));
      expect(reads.filter((r) => r.errcode === 0)).toEqual([]);
      expect((await q(`SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, add.result.externalUserid]))[0].unionid).toBeNull();
      const view = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/invites/${c.id}`, { headers: { cookie: `sim_wechat_user=${encodeURIComponent(a.id)}` } });
      expect(((await view.json()) as { progress: unknown }).progress).toEqual({ credited: 1, pending: 0, voided: 0 });
    } finally {
      await sim.upsertCorp({ corpId: pond.corpId, forbiddenApis: [] });
    }
    // The add's step run again at once (a retried claim, a second worker): one credit, counters unmoved.
    const ext = (await credits(c.id))[0].ext;
    const [taken] = await q(`SELECT a.code_id, a.visit_id, a.userid, a.added_at FROM attributions a WHERE a.corp_id = $1 AND a.external_userid = $2`, [pond.corpId, ext]);
    await Promise.all([1, 2, 3].map(() => pond.app.invites.credits.onAddThroughVisit(pond.corpId, ext, taken.userid, Number(taken.code_id), Number(taken.visit_id), taken.added_at)));
    expect(await credits(c.id)).toHaveLength(1);
    expect((await q(`SELECT credited, pending, voided FROM invite_participants WHERE campaign_id = $1`, [c.id]))[0]).toEqual({ credited: 1, pending: 0, voided: 0 });
    // Once WeCom answers again the ordinary read runs: it finds the same friend and makes no second credit.
    await waitFor(async () => (await q(`SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, ext]))[0]?.unionid,
      { message: 'enriched later', timeoutMs: 60_000 });
    await settle();
    expect(await credits(c.id)).toHaveLength(1);
    // A re-scan by the credited friend: routed to the link again, already friends — nothing new.
    const again = await open(a.shareUrl, friend.id);
    const re = await sim.scan(friend.id, again.location!);
    if (re.kind !== 'link') throw new Error('expected the link');
    expect(re.result.status).toBe('already_added');
    await settle();
    expect(await credits(c.id)).toHaveLength(1);
  }, 120_000);

  it('a share link opened more than a day before the add credits no one (the visit is too old to be the add\'s cause)', async () => {
    const c = await campaign();
    const a = await participant(c, '旧链接邀请人');
    const friend = await sim.createWechatUser({ nickname: '很久以后的好友' });
    const hop = await open(a.shareUrl, friend.id);
    const token = new URL(hop.location!).searchParams.get('customer_channel')!.split('.')[1];
    // Weeks later the friend (or whoever it was forwarded to) opens the same link URL and starts the chat.
    await q(`UPDATE code_visits SET created_at = now() - interval '20 days' WHERE code_id = $1 AND channel_state = $2`, [code.id, token]);
    await q(`UPDATE invite_visits SET created_at = now() - interval '20 days' WHERE campaign_id = $1`, [c.id]);
    const add = await sim.scan(friend.id, hop.location!);
    if (add.kind !== 'link') throw new Error('expected the link');
    await settle();
    expect((await q(`SELECT code_id, visit_id FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, add.result.externalUserid]))[0])
      .toEqual({ code_id: code.id, visit_id: null });
    // The ordinary read runs too (its unionid match has the same window): still no credit.
    await waitFor(async () => (await q(`SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, add.result.externalUserid]))[0]?.unionid,
      { message: 'enriched', timeoutMs: 60_000 });
    await settle();
    expect(await credits(c.id)).toEqual([]);
  }, 120_000);

  it('a credit that fails in the add\'s step fails only itself: the add is done once, and the enrich credits the friend', async () => {
    const c = await campaign();
    const a = await participant(c, '失败注入邀请人');
    const friend = await sim.createWechatUser({ nickname: '注入失败的好友' });
    const hop = await open(a.shareUrl, friend.id);
    // The in-step credit breaks (a database hiccup, a bug): injected at the one seam app.ts calls.
    const spy = vi.spyOn(pond.app.invites.credits, 'onAddThroughVisit').mockRejectedValue(new Error('injected credit failure'));
    try {
      const add = await sim.scan(friend.id, hop.location!);
      if (add.kind !== 'link') throw new Error('expected the link');
      const ext = add.result.externalUserid;
      const [k] = await waitFor(async () => { const l = await credits(c.id); return l.length ? l : null; }, { message: 'credited by the enrich', timeoutMs: 60_000 });
      expect(k).toMatchObject({ ext, status: 'credited' });
      // The add's step ran once and succeeded (nothing replayed): the failing credit tried once, the row done without error.
      expect(spy).toHaveBeenCalledTimes(1);
      const rows = await q(`SELECT status, error FROM callback_inbox WHERE corp_id = $1 AND change_type = 'add_external_contact' AND position($2 in xml) > 0`, [pond.corpId, ext]);
      expect(rows).toEqual([{ status: 'done', error: null }]);
      expect(await q(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'customer.added'`, [pond.corpId, ext])).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  }, 120_000);

  it('keeps the anti-fraud rules: the participant themself, an existing customer, the holding period and an IP anomaly', async () => {
    const c = await campaign({ holdDays: 2, antiFraud: { maxPerIp: 2, burstCount: null, burstSeconds: 60 } });
    const a = await participant(c, '链接邀请人B');
    // The participant opens their own link as themself: their own poster page, no visit, no link.
    const self = await open(a.shareUrl, a.id);
    expect(self.status).toBe(200);
    expect(self.body).toContain('您自己的邀请海报');
    // …and from a browser outside WeChat the page cannot tell (no identity): the add through that visit is still theirs, refused.
    const anon = await open(a.shareUrl, undefined, 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15');
    expect(anon.status).toBe(302);
    const own = await sim.scan(a.id, anon.location!);
    if (own.kind !== 'link') throw new Error('expected the link');
    await settle();
    await waitFor(async () => (await credits(c.id)).length === 1, { message: 'self add recorded' });
    expect((await credits(c.id))[0]).toMatchObject({ ext: a.ext, status: 'voided', reason: 'self_invite' });
    // An existing customer (follows staff[2]) comes through the link: voided.
    const old = await sim.createWechatUser({ nickname: '老客户链接' });
    await sim.addStaff(old.id, { userid: staff[2] });
    await settle();
    const oldHop = await open(a.shareUrl, old.id);
    await sim.scan(old.id, oldHop.location!);
    await settle();
    await waitFor(async () => (await credits(c.id)).length === 2, { message: 'existing customer recorded' });
    expect((await credits(c.id))[1]).toMatchObject({ status: 'voided', reason: 'existing_customer' });
    // New friends: held for two days; the third from the same IP within a day goes to review.
    for (const n of ['新友一', '新友二', '新友三']) {
      const f = await sim.createWechatUser({ nickname: n });
      await sim.scan(f.id, (await open(a.shareUrl, f.id)).location!);
      await settle();
    }
    await waitFor(async () => (await credits(c.id)).length === 5, { message: 'three friends recorded' });
    expect((await credits(c.id)).slice(2).map((k) => [k.status, k.flags])).toEqual([['pending', []], ['pending', []], ['review', ['ip_anomaly']]]);
  }, 120_000);
});

describe('customer_acquisition events and the quota', () => {
  let code: any;
  const alerts = async (kind: string) => q(`SELECT message, data FROM alerts WHERE corp_id = $1 AND kind = $2 ORDER BY id`, [pond.corpId, kind]);
  const cards = async () => (await sim.listStaffMessages(pond.corpId, adminUserid)).filter((m: any) => JSON.stringify(m).includes('获客'));

  beforeAll(async () => {
    code = await linkCode({ name: '额度链接', pool: [{ userid: staff[4] }], backupUserids: [staff[6]] });
  });

  it('balance low, then used up: the code shows it, the admins are told once each, the landing goes to backup staff; a recharge clears it', async () => {
    await sim.setAcquisitionQuota(pond.corpId, { total: 2, lowAt: 1 });
    const before = (await cards()).length;
    const quota = await pond.api('GET', '/api/acquisition-links/quota');
    expect(quota.body).toMatchObject({ total: 2, balance: 2, state: 'ok' });
    for (const n of ['额度一', '额度二']) {
      const u = await sim.createWechatUser({ nickname: n });
      await sim.scan(u.id, (await open(code.url, u.id)).location!);
      await settle();
    }
    await waitFor(async () => (await pond.api('GET', `/api/live-codes/${code.id}`)).body.link.quotaState === 'exhausted', { message: 'exhausted shown' });
    expect(await alerts('acquisition_balance_low')).toHaveLength(1);
    expect((await alerts('acquisition_balance_exhausted'))[0].message).toContain('获客助手额度已用完');
    await waitFor(async () => (await cards()).length === before + 2, { message: 'two cards to the admin' });
    // The same event handled again (WeCom's retry, a second worker) tells no one twice.
    const [ev] = await q(`SELECT id FROM callback_inbox WHERE corp_id = $1 AND event = 'customer_acquisition' ORDER BY id DESC LIMIT 1`, [pond.corpId]);
    const ctx = { corpId: pond.corpId, inboxId: Number(ev.id), ev: { Event: 'customer_acquisition', ChangeType: 'balance_exhausted' }, at: new Date() };
    await Promise.all([pond.app.codes.links.onEvent(ctx), pond.app.codes.links.onEvent(ctx)]);
    expect(await cards()).toHaveLength(before + 2);
    expect(await alerts('acquisition_balance_exhausted')).toHaveLength(1);
    // Used up: a new customer is shown the backup member's QR (a contact way with the code's state) rather than a link that cannot add them.
    const late = await sim.createWechatUser({ nickname: '额度用完后' });
    const page = await open(code.url, late.id);
    expect(page.status).toBe(200);
    expect(page.body).toContain('/sim/qr/contact/');
    const viaBackup = await sim.scan(late.id, code.url);
    if (viaBackup.kind !== 'contact') throw new Error(`expected the backup's QR, got ${viaBackup.kind}`);
    expect(viaBackup.result.userid).toBe(staff[6]);
    await settle();
    expect((await q(`SELECT code_id, visit_id IS NOT NULL AS visit FROM attributions WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, viaBackup.result.externalUserid]))[0])
      .toEqual({ code_id: code.id, visit: true });
    // Recharged in WeCom (which sends no event for it) and no one opens the console: the quota clock's pass re-reads it.
    await sim.setAcquisitionQuota(pond.corpId, { total: 100 });
    // Within the minute after the last read (the event's) the pass leaves it; a minute later it reads.
    expect(await pond.app.codes.links.recheckQuotas()).toEqual([]);
    expect((await pond.api('GET', `/api/live-codes/${code.id}`)).body.link.quotaState).toBe('exhausted');
    await q(`UPDATE acquisition_link_settings SET quota_read_at = quota_read_at - interval '1 minute' WHERE corp_id = $1`, [pond.corpId]);
    const mark = sim.lastApiCallSeq();
    expect(await pond.app.codes.links.recheckQuotas()).toEqual([pond.corpId]);
    expect(sim.listApiCalls(pond.corpId, { afterSeq: mark, api: 'externalcontact/customer_acquisition_quota' })).toHaveLength(1);
    expect((await pond.api('GET', `/api/live-codes/${code.id}`)).body.link.quotaState).toBe('ok');
    const back = await open(code.url, late.id);
    expect(back.status).toBe(302);
    expect(back.location).toContain(code.link.url);
    expect((await pond.api('GET', '/api/acquisition-links/quota')).body).toMatchObject({ balance: 100, state: 'ok' });
    // Every corp ok: a pass asks WeCom nothing.
    const idle = sim.lastApiCallSeq();
    expect(await pond.app.codes.links.recheckQuotas()).toEqual([]);
    expect(sim.listApiCalls(pond.corpId, { afterSeq: idle, api: 'externalcontact/customer_acquisition_quota' })).toEqual([]);
  }, 120_000);

  it('a quota read that began before an event changed the state leaves the event\'s state (a balance read before it ran out does not undo "used up")', async () => {
    await q(`UPDATE acquisition_link_settings SET quota_state = 'low', quota_state_at = now() - interval '1 hour', quota_balance = 1 WHERE corp_id = $1`, [pond.corpId]);
    const seen = await linkRepo.quotaStateStamp(pond.app.pool, pond.corpId);
    // While WeCom answers (balance 1, the last unit not spent yet), balance_exhausted arrives and is handled.
    await linkRepo.setQuotaState(pond.app.pool, pond.corpId, 'exhausted', { total: 2, balance: 0 });
    const r = await linkRepo.recordQuotaRead(pond.app.pool, pond.corpId, 2, 1, seen);
    expect(r).toMatchObject({ quota_state: 'exhausted', quota_balance: 0 });
    // A read that saw the current state applies: a recharge read clears it.
    const now = await linkRepo.recordQuotaRead(pond.app.pool, pond.corpId, 100, 100, await linkRepo.quotaStateStamp(pond.app.pool, pond.corpId));
    expect(now).toMatchObject({ quota_state: 'ok', quota_balance: 100, prev_state: 'exhausted' });
  });

  it('a link WeCom made unusable or deleted: shown on the code, alerted, told to the admins; the landing uses backup staff; a save remakes it', async () => {
    const before = (await cards()).length;
    await sim.setAcquisitionLinkUnavailable(pond.corpId, code.link.linkId);
    await settle();
    await waitFor(async () => (await pond.api('GET', `/api/live-codes/${code.id}`)).body.link.status === 'unavailable', { message: 'unavailable shown' });
    expect((await alerts('acquisition_link_unavailable')).at(-1)).toMatchObject({ data: { codeId: code.id } });
    const u = await sim.createWechatUser({ nickname: '链接停用' });
    expect((await open(code.url, u.id)).body).toContain('/sim/qr/contact/');
    // Saved again (the operator fixed it): the link is updated and taken to work again.
    await sim.setAcquisitionLinkUnavailable(pond.corpId, code.link.linkId, false);
    expect((await pond.api('PATCH', `/api/live-codes/${code.id}`, {})).body.link.status).toBe('active');
    expect((await open(code.url, u.id)).status).toBe(302);

    await sim.deleteAcquisitionLinkInConsole(pond.corpId, code.link.linkId);
    await settle();
    await waitFor(async () => (await pond.api('GET', `/api/live-codes/${code.id}`)).body.link.status === 'deleted', { message: 'deleted shown' });
    expect((await alerts('acquisition_link_deleted')).at(-1)?.message).toContain('额度链接');
    await waitFor(async () => (await cards()).length === before + 2, { message: 'cards for both events' });
    // Saving the code makes a new link.
    const saved = (await pond.api('PATCH', `/api/live-codes/${code.id}`, {})).body;
    expect(saved.link.status).toBe('active');
    expect(saved.link.linkId).not.toBe(code.link.linkId);
    expect(await sim.getAcquisitionLink(pond.corpId, saved.link.linkId)).toMatchObject({ users: [staff[4]], deleted: false });
  }, 120_000);

  it('lists the alerts to operators in the console API (store managers see only those about codes they see)', async () => {
    const res = await pond.api('GET', '/api/alerts');
    const kinds = res.body.items.map((a: any) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['acquisition_balance_low', 'acquisition_link_deleted']));
  });
});
