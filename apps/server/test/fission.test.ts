// The three fission models as paths (issue 14, modules/fission), end to end through the simulator: each path is made
// from its template in one transaction, simulated customers go through its steps (some dropping at each), and the
// funnel equals the ground truth counted here; the service path's landing page records visits, its form checks every
// field, stores one submission per customer (also under concurrent taps) with a timeline event segments can use, and
// ends at the group code; bad wizard bodies are 400s naming the field with nothing written. A step may link an existing
// campaign instead: of its kind and config, not ended, in one path at most (two links at once: one 409), the path's
// window inside the campaign's; its funnel counts only who entered the campaign within the path's window, its figures
// are the campaign's own numbers; the path's status moves the linked campaign; a draft path re-links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { addDays, dayIn, zonedTime } from '../src/platform/time';
import { checkAnswers } from '../src/modules/fission';
import { ELIGIBLE_MAX, linkRefusal } from '../src/modules/fission/service';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let staffCode: any;
let groupCode: any;
let chatId: string;

const q = (text: string, values: unknown[] = []) => pond.app.pool.query(text, values);
async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  staff = (await q(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId])).rows.map((r) => r.userid);
  const code = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '裂变活码', channel: '裂变', pool: [{ userid: staff[0] }] });
  expect(code.status, JSON.stringify(code.body)).toBe(200);
  staffCode = code.body;
  const g = await sim.createGroup({ corpId: pond.corpId, owner: staff[0], name: '服务群1' });
  chatId = g.chatId;
  await settle();
  const gc = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '服务群活码', groupCap: 200, groupChatIds: [g.chatId], groupBaseName: '服务群' });
  expect(gc.status, JSON.stringify(gc.body)).toBe(200);
  groupCode = gc.body;
}, 120_000);
afterAll(async () => {
  if (pond) pond.app.checkin.now = () => new Date();
  await pond?.close();
});

const OFF = { maxPerIp: null, burstCount: null, burstSeconds: 60 };
const startsAt = () => new Date(Date.now() - 60_000).toISOString();
const inviteConfig = (extra: Record<string, unknown> = {}) => ({
  codeId: staffCode.id, holdDays: 0, antiFraud: OFF, tiers: [{ friends: 1, reward: { kind: 'points', points: 10, title: '10 积分' } }], ...extra,
});
const FORM = {
  title: '报名信息', unlockFriends: 1,
  fields: [
    { key: 'name', label: '姓名', type: 'name' },
    { key: 'phone', label: '手机号', type: 'phone' },
    { key: 'city', label: '城市', type: 'select', options: ['北京', '上海'] },
    { key: 'note', label: '备注', type: 'text', required: false, maxLength: 20 },
  ],
};
const LANDING = { title: '免费体验课', coverUrl: 'https://img.example.com/cover.png', body: '邀请 1 位好友即可报名', ctaText: '领取海报' };

async function createPath(body: Record<string, unknown>): Promise<any> {
  const res = await pond.api('POST', '/api/fission/paths', { name: `路径 ${Math.random().toString(36).slice(2, 7)}`, startsAt: startsAt(), ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const pub = await pond.api('POST', `/api/fission/paths/${res.body.id}/status`, { status: 'active' });
  expect(pub.status, JSON.stringify(pub.body)).toBe(200);
  return pub.body;
}

/** A WeChat user who is a customer (added staff[1] directly), with the phone's session cookie. */
async function customer(nickname: string): Promise<{ id: string; cookie: string; ext: string }> {
  const u = await sim.createWechatUser({ nickname });
  const r = await sim.addStaff(u.id, { userid: staff[1] });
  await settle();
  await waitFor(async () => (await q('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL', [pond.corpId, r.externalUserid])).rowCount, { message: 'customer stored' });
  return { id: u.id, cookie: `sim_wechat_user=${encodeURIComponent(u.id)}`, ext: r.externalUserid };
}

async function capi(method: 'GET' | 'POST', path: string, cookie: string | null, body?: unknown) {
  const headers: Record<string, string> = { origin: pond.baseUrl };
  if (cookie) headers.cookie = cookie;
  if (method === 'POST') headers['content-type'] = 'application/json';
  const res = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}${path}`, { method, headers, body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
  return { status: res.status, body: await res.json().catch(() => null) as any };
}

async function joinInvite(campaignId: number, who: { cookie: string }): Promise<string> {
  const res = await capi('POST', `/invites/${campaignId}/join`, who.cookie);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.shareUrl;
}

/** A new WeChat user opens a participant's link and adds the staff member it routes them to. */
async function friendThrough(url: string, nickname: string) {
  const u = await sim.createWechatUser({ nickname });
  const scan = await sim.scan(u.id, url);
  expect(scan.kind).toBe('contact');
  await settle();
}

const detail = async (id: number) => {
  const res = await pond.api('GET', `/api/fission/paths/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
/** Every step's per-day counts add up to the step's count. */
function expectDaysAddUp(d: any) {
  expect(d.funnel.byDay.length).toBeGreaterThan(0);
  d.funnel.steps.forEach((s: any, i: number) => {
    expect(d.funnel.byDay.reduce((a: number, x: any) => a + x.counts[i], 0), s.key).toBe(s.count);
  });
}

describe('spread path (传播型): poster → invite → reward', () => {
  it('makes an invite campaign with tiers; the funnel counts participants, inviters and rewarded against the ground truth', async () => {
    const p = await createPath({ model: 'spread', invite: inviteConfig() });
    expect(p).toMatchObject({ model: 'spread', status: 'active', checkinCampaignId: null, groupCodeId: null, landing: null });
    const c = (await pond.api('GET', `/api/invites/${p.inviteCampaignId}`)).body;
    expect(c).toMatchObject({ kind: 'invite', status: 'active', name: p.name, config: { codeId: staffCode.id, tiers: [{ friends: 1 }] } });
    expect(p.entryUrl).toBe(c.pageUrl);

    // Three customers take their poster; A brings two friends, B one, C none (drops at the invite step).
    const [a, b, cc] = [await customer('传播甲'), await customer('传播乙'), await customer('传播丙')];
    const urlA = await joinInvite(p.inviteCampaignId, a);
    const urlB = await joinInvite(p.inviteCampaignId, b);
    await joinInvite(p.inviteCampaignId, cc);
    await friendThrough(urlA, '甲友1');
    await friendThrough(urlA, '甲友2');
    await friendThrough(urlB, '乙友1');
    await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM invite_credits WHERE campaign_id = $1 AND status = 'credited'`, [p.inviteCampaignId])).rows[0].n === 3, { message: 'three credited' });

    const d = await detail(p.id);
    expect(d.funnel.steps).toEqual([
      { key: 'poster', count: 3, dropOff: null, rate: null },
      { key: 'invited', count: 2, dropOff: 1, rate: 2 / 3 },
      { key: 'rewarded', count: 2, dropOff: 0, rate: 1 },
    ]);
    expect(d.funnel.figures).toMatchObject({ friendsScanned: 3, friendsCredited: 3, rewards: 2 });
    expectDaysAddUp(d);
    const tz = (await q('SELECT timezone FROM corps WHERE id = $1', [pond.corpId])).rows[0].timezone;
    expect(d.funnel.byDay.at(-1)).toEqual({ day: dayIn(new Date(), tz), counts: [3, 2, 2] });
    // The list shows the same steps.
    const list = (await pond.api('GET', '/api/fission/paths?model=spread&limit=100')).body;
    expect((await pond.api('GET', '/api/fission/paths?limit=0')).body.error.field).toBe('limit');
    expect(list.items.find((x: any) => x.id === p.id).steps.map((s: any) => s.count)).toEqual([3, 2, 2]);
  });
});

describe('product path (产品型): paid entry → check-in challenge → cash-back', () => {
  it('makes a paid challenge sold by the shop\'s sku; orders enrol, check-ins and completion and the cash-back are counted', async () => {
    const SKU = 'FISSION-2DAY';
    const p = await createPath({
      model: 'product', entry: { sku: SKU, priceFen: 500, productUrl: 'https://shop.example/fission' },
      checkin: { mode: 'challenge', challengeDays: 2, streakRule: 'cumulative' },
    });
    const c = (await pond.api('GET', `/api/checkins/${p.checkinCampaignId}`)).body;
    expect(c).toMatchObject({ kind: 'checkin', status: 'active', entry: { kind: 'paid', sku: SKU, priceFen: 500 }, config: { mode: 'challenge', challengeDays: 2, cashback: true } });

    // Three pay; one checks in both days (completes → cash-back), one checks in once, one never.
    const buyers = [await customer('产品甲'), await customer('产品乙'), await customer('产品丙')];
    for (const b of buyers) await sim.payOrder(b.id, { items: [{ name: '2 天挑战', price: 5, quantity: 1, sku: SKU }] });
    // A customer who bought something else is not in the funnel.
    const other = await customer('产品丁');
    await sim.payOrder(other.id, { items: [{ name: '咖啡', price: 20, quantity: 1, sku: 'COFFEE' }] });
    await settle();
    await waitFor(async () => (await q('SELECT count(*)::int AS n FROM checkin_enrolments WHERE campaign_id = $1', [p.checkinCampaignId])).rows[0].n === 3, { message: 'three enrolled' });
    const tz = (await q('SELECT timezone FROM corps WHERE id = $1', [pond.corpId])).rows[0].timezone;
    const today = dayIn(new Date(), tz);
    let rid = 0;
    const tap = async (who: { cookie: string }, day: string) => {
      const t = zonedTime(day, '20:00', tz);
      pond.app.checkin.now = () => t;
      const r = await capi('POST', `/checkin/${p.checkinCampaignId}/checkin`, who.cookie, { requestId: `fission-${++rid}-${Date.now()}` });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    await tap(buyers[0], today);
    await tap(buyers[1], today);
    await tap(buyers[0], addDays(today, 1));
    pond.app.checkin.now = () => new Date();

    const d = await detail(p.id);
    expect(d.funnel.steps).toEqual([
      { key: 'paid', count: 3, dropOff: null, rate: null },
      { key: 'checked_in', count: 2, dropOff: 1, rate: 2 / 3 },
      { key: 'completed', count: 1, dropOff: 1, rate: 0.5 },
      { key: 'cashback', count: 1, dropOff: 0, rate: 1 },
    ]);
    expect(d.funnel.figures).toMatchObject({ paidOrders: 3, feesFen: 1500, refunded: 0 });
    expect(d.funnel.figures.cashbackPaidFen + d.funnel.figures.cashbackPendingFen).toBe(500);
    expectDaysAddUp(d);
    expect(p.entryUrl).toBe(c.pageUrl);
  });
});

describe('service path (服务型): landing page → poster → invite → sign-up form → group', () => {
  let p: any;
  const who: Record<string, { id: string; cookie: string; ext: string }> = {};
  const visit = async (cookie: string) => {
    const res = await fetch(`${pond.baseUrl}/c/${pond.corpId}/fission/${p.id}`, { headers: { cookie, 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('"page":"fission"');
  };
  const submit = (cookie: string | null, answers: Record<string, string>) => capi('POST', `/fission/${p.id}/submit`, cookie, { answers });
  const good = { name: '王小明', phone: '138 0013 8000', city: '上海' };

  beforeAll(async () => {
    p = await createPath({ model: 'service', landing: LANDING, invite: inviteConfig(), form: FORM, groupCodeId: groupCode.id });
  });

  it('is created with its invite campaign, landing page, form and group code; the page and view show them', async () => {
    expect(p).toMatchObject({ model: 'service', landing: LANDING, groupCodeId: groupCode.id, form: { unlockFriends: 1 } });
    expect(p.entryUrl).toBe(`${pond.baseUrl}/c/${pond.corpId}/fission/${p.id}`);
    for (const n of ['A', 'B', 'C', 'D']) who[n] = await customer(`服务${n}`);
    const guest = await sim.createWechatUser({ nickname: '访客' });
    who.G = { id: guest.id, cookie: `sim_wechat_user=${encodeURIComponent(guest.id)}`, ext: '' };
    // Everyone visits the landing page; A twice (one visitor).
    for (const n of ['A', 'A', 'B', 'C', 'D', 'G']) await visit(who[n].cookie);
    const v = await capi('GET', `/fission/${p.id}`, who.A.cookie);
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect(v.body).toMatchObject({ open: true, landing: LANDING, me: { isCustomer: true, joined: false, formUnlocked: false, submitted: false, groupUrl: null } });
    expect((await capi('GET', `/fission/${p.id}`, who.G.cookie)).body.me.isCustomer).toBe(false);
    expect((await capi('GET', `/fission/${p.id}`, null)).status).toBe(401);
    // An operator previewing a draft path on the phone is not a visitor: no visit, no timeline event.
    const draft = await pond.api('POST', '/api/fission/paths', { name: '草稿路径', startsAt: startsAt(), model: 'service', landing: LANDING, invite: inviteConfig(), form: FORM, groupCodeId: groupCode.id });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const preview = await fetch(`${pond.baseUrl}/c/${pond.corpId}/fission/${draft.body.id}`, { headers: { cookie: who.B.cookie, 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' } });
    expect(preview.status).toBe(200);
    expect((await q('SELECT count(*)::int AS n FROM fission_visits WHERE path_id = $1', [draft.body.id])).rows[0].n).toBe(0);
    expect((await q(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type = 'fission.visited' AND data->>'pathId' = $2`, [pond.corpId, String(draft.body.id)])).rows[0].n).toBe(0);
    expect((await q('SELECT count(*)::int AS n FROM fission_visits WHERE path_id = $1', [p.id])).rows[0].n).toBe(5);
  });

  it('opens the form after the poster and enough friends, checks every field, and stores one submission per customer', async () => {
    // Not before the poster; not before the friend.
    expect((await submit(who.A.cookie, good)).status).toBe(409);
    const urlA = await joinInvite(p.inviteCampaignId, who.A);
    const urlB = await joinInvite(p.inviteCampaignId, who.B);
    await joinInvite(p.inviteCampaignId, who.C);
    const locked = await submit(who.C.cookie, good);
    expect([locked.status, locked.body.error.message]).toEqual([409, expect.stringContaining('1')]);
    await friendThrough(urlA, '服务A友');
    await friendThrough(urlB, '服务B友');
    await waitFor(async () => (await capi('GET', `/fission/${p.id}`, who.B.cookie)).body.me.formUnlocked, { message: 'B unlocked' });

    // Every field's rule, by name; nothing stored.
    const bad: [Record<string, string>, string][] = [
      [{ ...good, phone: '12345' }, 'answers.phone'],
      [{ ...good, city: '广州' }, 'answers.city'],
      [{ phone: good.phone, city: '北京' }, 'answers.name'],
      [{ ...good, note: 'x'.repeat(21) }, 'answers.note'],
      [{ ...good, zzz: '1' }, 'answers.zzz'],
    ];
    for (const [answers, field] of bad) {
      const r = await submit(who.A.cookie, answers);
      expect([r.status, r.body.error.field], field).toEqual([400, field]);
    }
    expect((await submit(who.A.cookie, { ...good, name: 'x'.repeat(501) })).status).toBe(400);
    expect((await q('SELECT count(*)::int AS n FROM fission_submissions WHERE path_id = $1', [p.id])).rows[0].n).toBe(0);
    // A guest is told to add first.
    expect((await submit(who.G.cookie, good)).status).toBe(403);

    // A taps five times at once: one submission, one timeline event.
    const taps = await Promise.all(Array.from({ length: 5 }, () => submit(who.A.cookie, { ...good, note: '周末' })));
    expect(taps.map((t) => t.status).sort()).toEqual([200, 409, 409, 409, 409]);
    const ok = taps.find((t) => t.status === 200)!.body;
    expect(ok.me).toMatchObject({ submitted: true, answers: { name: '王小明', phone: '13800138000', city: '上海', note: '周末' }, groupUrl: `${pond.baseUrl}/l/${groupCode.key}` });
    expect((await submit(who.B.cookie, { ...good, name: '李四', city: '北京' })).status).toBe(200);
    expect((await q(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'fission.signed_up'`, [pond.corpId, who.A.ext])).rows[0].n).toBe(1);
    expect((await q(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = 'fission.visited'`, [pond.corpId, who.A.ext])).rows[0].n).toBe(1);

    // A joins the group through the group code the page ends at; B does not.
    const join = await sim.scan(who.A.id, ok.me.groupUrl);
    expect(join.kind).toBe('join');
    await settle();
    await waitFor(async () => (await q(`SELECT 1 FROM group_members WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3`, [pond.corpId, chatId, who.A.ext])).rowCount, { message: 'A in the group' });
  });

  it('the funnel: visited 5 → poster 3 → unlocked 2 → signed up 2 → joined 1; submissions list, CSV, and segments on the new events', async () => {
    const d = await detail(p.id);
    expect(d.funnel.steps).toEqual([
      { key: 'visited', count: 5, dropOff: null, rate: null },
      { key: 'poster', count: 3, dropOff: 2, rate: 3 / 5 },
      { key: 'unlocked', count: 2, dropOff: 1, rate: 2 / 3 },
      { key: 'signed_up', count: 2, dropOff: 0, rate: 1 },
      { key: 'joined_group', count: 1, dropOff: 1, rate: 0.5 },
    ]);
    expect(d.funnel.figures).toMatchObject({ landingViews: 6, landingCustomers: 4, friendsCredited: 2 });
    expectDaysAddUp(d);

    const subs = (await pond.api('GET', `/api/fission/paths/${p.id}/submissions?limit=10&offset=0`)).body;
    expect(subs.total).toBe(2);
    expect(subs.items.map((s: any) => [s.externalUserid, s.answers.city, s.joinedGroupAt !== null])).toEqual([[who.B.ext, '北京', false], [who.A.ext, '上海', true]]);
    const csv = await fetch(`${pond.baseUrl}/api/fission/paths/${p.id}/submissions.csv`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    expect(text).toContain('手机号');
    expect(text).toContain('13800138000');

    const seg = await pond.api('POST', '/api/segments/preview', { rule: { type: 'event', eventType: 'fission.signed_up', op: 'atLeast', count: 1, days: 30 } });
    expect(seg.status, JSON.stringify(seg.body)).toBe(200);
    expect(seg.body.count).toBe(2);
    expect(seg.body.sample.map((m: any) => m.externalUserid).sort()).toEqual([who.A.ext, who.B.ext].sort());
  });

  it('pausing the path pauses its campaign and closes the form; the form\'s fields are fixed once customers signed up', async () => {
    const paused = await pond.api('POST', `/api/fission/paths/${p.id}/status`, { status: 'paused' });
    expect(paused.body.status).toBe('paused');
    expect((await pond.api('GET', `/api/invites/${p.inviteCampaignId}`)).body.status).toBe('paused');
    expect((await submit(who.C.cookie, good)).status).toBe(409);
    expect((await capi('GET', `/fission/${p.id}`, who.C.cookie)).body.open).toBe(false);
    const edit = await pond.api('PATCH', `/api/fission/paths/${p.id}`, { form: { ...FORM, fields: FORM.fields.slice(0, 2) } });
    expect([edit.status, edit.body.error?.field]).toEqual([400, 'form.fields']);
    // The same fields (as the console sends them back) with another title and button are not a change of fields.
    const retitled = await pond.api('PATCH', `/api/fission/paths/${p.id}`, { form: { ...FORM, title: '报名信息（二）', submitText: '确认报名' } });
    expect(retitled.status, JSON.stringify(retitled.body)).toBe(200);
    expect(retitled.body.form).toMatchObject({ title: '报名信息（二）', submitText: '确认报名', fields: [{ key: 'name' }, { key: 'phone' }, { key: 'city' }, { key: 'note', maxLength: 20 }] });
    const renamed = await pond.api('PATCH', `/api/fission/paths/${p.id}`, { landing: { ...LANDING, title: '新标题' } });
    expect(renamed.body.landing.title).toBe('新标题');
    expect((await pond.api('POST', `/api/fission/paths/${p.id}/status`, { status: 'draft' })).status).toBe(409);
  });
});

describe('bad input', () => {
  const campaigns = async () => (await q('SELECT count(*)::int AS n FROM campaigns WHERE corp_id = $1', [pond.corpId])).rows[0].n;
  const paths = async () => (await q('SELECT count(*)::int AS n FROM fission_paths WHERE corp_id = $1', [pond.corpId])).rows[0].n;

  it('wizard bodies are 400s naming the field and rule, and nothing is written (not even the campaign made before the failing step)', async () => {
    const before = [await campaigns(), await paths()];
    const base = { name: '坏路径', startsAt: startsAt() };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, model: 'viral' }, 'model'],
      [{ ...base, model: 'spread' }, 'invite'],
      [{ ...base, model: 'spread', invite: inviteConfig({ tiers: [] }) }, 'invite.tiers'],
      [{ ...base, model: 'spread', invite: inviteConfig({ codeId: groupCode.id }) }, 'invite.codeId'],
      [{ ...base, model: 'spread', invite: inviteConfig(), endsAt: new Date(Date.now() - 3_600_000).toISOString() }, 'endsAt'],
      [{ ...base, model: 'product', entry: { sku: 'X', priceFen: 100 }, checkin: { mode: 'daily' } }, 'checkin.mode'],
      [{ ...base, model: 'product', entry: { sku: '', priceFen: 100 }, checkin: { mode: 'challenge', challengeDays: 3 } }, 'entry.sku'],
      [{ ...base, model: 'product', entry: { sku: 'X', priceFen: 100 }, checkin: { mode: 'challenge', challengeDays: 3, cashback: false } }, 'checkin.cashback'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: FORM, groupCodeId: staffCode.id }, 'groupCodeId'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: FORM, groupCodeId: 99_999_999 }, 'groupCodeId'],
      [{ ...base, model: 'service', landing: { ...LANDING, coverUrl: 'not a url' }, invite: inviteConfig(), form: FORM, groupCodeId: groupCode.id }, 'landing.coverUrl'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: { ...FORM, fields: [] }, groupCodeId: groupCode.id }, 'form.fields'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: { fields: [{ key: 'c', label: '城市', type: 'select', options: ['北京'] }] }, groupCodeId: groupCode.id }, 'form.fields.0.options'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: { fields: [{ key: 'a', label: 'A', type: 'name' }, { key: 'a', label: 'B', type: 'text' }] }, groupCodeId: groupCode.id }, 'form.fields.1.key'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: { fields: [{ key: 'Bad Key', label: 'A', type: 'name' }] }, groupCodeId: groupCode.id }, 'form.fields.0.key'],
      [{ ...base, model: 'service', landing: LANDING, invite: inviteConfig(), form: { fields: Array.from({ length: 21 }, (_, i) => ({ key: `f${i}`, label: 'x', type: 'text' })) }, groupCodeId: groupCode.id }, 'form.fields'],
    ];
    for (const [body, field] of cases) {
      const r = await pond.api('POST', '/api/fission/paths', body);
      expect(r.status, `${field}: ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.error.field ?? r.body.error.message, JSON.stringify(r.body)).toContain(field);
    }
    expect([await campaigns(), await paths()]).toEqual(before);
  });

  it('checks answers against the form without a server (the rules the page shows)', () => {
    const form = { title: 't', submitText: 's', unlockFriends: 0, fields: [{ key: 'p', label: '手机', type: 'phone' as const, required: true, options: [], maxLength: 200 }] };
    expect(checkAnswers(form, { p: '+86 139 1234 5678' })).toEqual({ p: '+8613912345678' });
    expect(() => checkAnswers(form, { p: '10086' })).toThrow(/answers.p/);
    expect(() => checkAnswers(form, {})).toThrow(/answers.p: is required/);
  });
});

describe('linking existing campaigns (选择已有 Use existing)', () => {
  const SOON = () => new Date(Date.now() + 7 * 86400_000).toISOString();
  /** An invite campaign made on its own page (published unless `draft`). */
  async function inviteCampaign(extra: Record<string, unknown> = {}, config: Record<string, unknown> = {}, publish = true): Promise<any> {
    const res = await pond.api('POST', '/api/invites', {
      name: `已有邀请 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date(Date.now() - 3_600_000).toISOString(), config: inviteConfig(config), ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (publish) expect((await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' })).status).toBe(200);
    return res.body;
  }
  /** A check-in campaign made on its own page, published. */
  async function checkinCampaign(config: Record<string, unknown>, entry: Record<string, unknown> = { kind: 'free' }): Promise<any> {
    const res = await pond.api('POST', '/api/checkins', { name: `已有打卡 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date(Date.now() - 3_600_000).toISOString(), config, entry });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' })).status).toBe(200);
    return res.body;
  }
  const link = (body: Record<string, unknown>) => pond.api('POST', '/api/fission/paths', { name: `关联路径 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date().toISOString(), ...body });
  const campaignOf = async (id: number) => (await q('SELECT status, updated_at FROM campaigns WHERE id = $1', [id])).rows[0];
  const eligible = async (model: string) => {
    const r = await pond.api('GET', `/api/fission/eligible?model=${model}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const counts = async () => [
    (await q('SELECT count(*)::int AS n FROM campaigns WHERE corp_id = $1', [pond.corpId])).rows[0].n,
    (await q('SELECT count(*)::int AS n FROM fission_paths WHERE corp_id = $1', [pond.corpId])).rows[0].n,
  ];

  it('spread: links a running invite campaign; the path adopts its end; the funnel counts only who took a poster from the path\'s start, the figures are the campaign\'s', async () => {
    const end = SOON();
    const c = await inviteCampaign({ endsAt: end });
    // Before the path: X takes a poster (a participant of the campaign, not of the path).
    const x = await customer('关联前甲');
    const urlX = await joinInvite(c.id, x);
    expect((await eligible('spread')).items.map((i: any) => i.id)).toContain(c.id);

    const res = await link({ model: 'spread', invite: { campaignId: c.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const p = res.body;
    expect(p).toMatchObject({ model: 'spread', status: 'draft', inviteCampaignId: c.id, endsAt: end, entryUrl: c.pageUrl });
    // The campaign is not changed by the link: its name, window and config are its own.
    const after = (await pond.api('GET', `/api/invites/${c.id}`)).body;
    expect(after).toMatchObject({ name: c.name, status: 'active', startsAt: c.startsAt, endsAt: end });
    expect((await eligible('spread')).items.map((i: any) => i.id)).not.toContain(c.id);

    // Published: the campaign, already active, stays so (not touched).
    const before = await campaignOf(c.id);
    expect((await pond.api('POST', `/api/fission/paths/${p.id}/status`, { status: 'active' })).status).toBe(200);
    expect(await campaignOf(c.id)).toEqual(before);

    // After the path's start: Y takes a poster and brings a friend; X brings one too (X's reach is not the path's).
    const y = await customer('关联后乙');
    const urlY = await joinInvite(c.id, y);
    await friendThrough(urlY, '乙友');
    await friendThrough(urlX, '甲友');
    await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM invite_credits WHERE campaign_id = $1 AND status = 'credited'`, [c.id])).rows[0].n === 2, { message: 'two credited' });
    await waitFor(async () => (await q(`SELECT count(*)::int AS n FROM rewards WHERE campaign_id = $1 AND state <> 'void'`, [c.id])).rows[0].n === 2, { message: 'two rewards' });
    const d = await detail(p.id);
    expect(d.funnel.steps.map((s: any) => [s.key, s.count])).toEqual([['poster', 1], ['invited', 1], ['rewarded', 1]]);
    expectDaysAddUp(d);
    // The figures are the campaign's own numbers, the same as its page (the invites module's numbers).
    const numbers = (await pond.api('GET', `/api/invites/${c.id}`)).body.numbers;
    expect(numbers).toMatchObject({ participants: 2, credited: 2, rewards: 2 });
    expect(d.funnel.figures).toMatchObject({
      participants: numbers.participants, friendsCredited: numbers.credited, friendsScanned: numbers.scanned, rewards: numbers.rewards,
      rewardCostFen: numbers.costFen, kFactor: numbers.kFactor, activeParticipants: numbers.activeParticipants,
    });
  });

  it('product: links a paid challenge with cash-back; only the orders paid from the path\'s start are its paid step', async () => {
    const SKU = `LINKED-${Date.now()}`;
    const c = await checkinCampaign({ mode: 'challenge', challengeDays: 3, streakRule: 'cumulative', cashback: true }, { kind: 'paid', sku: SKU, priceFen: 300 });
    const early = await customer('早买家');
    await sim.payOrder(early.id, { items: [{ name: '3 天挑战', price: 3, quantity: 1, sku: SKU }] });
    await settle();
    await waitFor(async () => (await q('SELECT count(*)::int AS n FROM checkin_enrolments WHERE campaign_id = $1', [c.id])).rows[0].n === 1, { message: 'early enrolled' });
    expect((await eligible('product')).items.find((i: any) => i.id === c.id)).toMatchObject({ kind: 'checkin', participants: 1, summary: expect.stringContaining(SKU) });

    // The entry is the linked campaign's own.
    const withEntry = await link({ model: 'product', checkin: { campaignId: c.id }, entry: { sku: 'X', priceFen: 100 } });
    expect([withEntry.status, withEntry.body.error?.field]).toEqual([400, 'entry']);
    const res = await link({ model: 'product', checkin: { campaignId: c.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ checkinCampaignId: c.id, inviteCampaignId: null, endsAt: null });
    expect((await pond.api('POST', `/api/fission/paths/${res.body.id}/status`, { status: 'active' })).status).toBe(200);

    const late = await customer('晚买家');
    await sim.payOrder(late.id, { items: [{ name: '3 天挑战', price: 3, quantity: 1, sku: SKU }] });
    await settle();
    await waitFor(async () => (await q('SELECT count(*)::int AS n FROM checkin_enrolments WHERE campaign_id = $1', [c.id])).rows[0].n === 2, { message: 'late enrolled' });
    const d = await detail(res.body.id);
    expect(d.funnel.steps.map((s: any) => [s.key, s.count])).toEqual([['paid', 1], ['checked_in', 0], ['completed', 0], ['cashback', 0]]);
    const numbers = (await pond.api('GET', `/api/checkins/${c.id}`)).body.numbers;
    expect(d.funnel.figures).toMatchObject({ paidOrders: 2, feesFen: 600, refunded: 0, completed: 0 });
    expect([d.funnel.figures.paidOrders, d.funnel.figures.feesFen]).toEqual([numbers.orders, numbers.gmvFen]);
  });

  it('service: links an invite campaign counting adds; the steps\' own rows (visits, sign-ups) are the path\'s', async () => {
    const c = await inviteCampaign();
    const res = await link({ model: 'service', landing: LANDING, invite: { campaignId: c.id }, form: FORM, groupCodeId: groupCode.id });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ inviteCampaignId: c.id, groupCodeId: groupCode.id, entryUrl: `${pond.baseUrl}/c/${pond.corpId}/fission/${res.body.id}` });
    const d = await detail(res.body.id);
    expect(d.funnel.steps.map((s: any) => s.count)).toEqual([0, 0, 0, 0, 0]);
  });

  it('refuses a campaign of another kind or config (400), an ended one (409), another corp\'s (400 as a missing one), a window outside the campaign\'s; nothing written', async () => {
    const inv = await inviteCampaign();
    const daily = await checkinCampaign({ mode: 'daily' });
    const free = await checkinCampaign({ mode: 'challenge', challengeDays: 3, cashback: true });
    const noCashback = await checkinCampaign({ mode: 'challenge', challengeDays: 3, cashback: false }, { kind: 'paid', sku: 'NOCB', priceFen: 100 });
    const groupRule = await inviteCampaign({}, { codeId: groupCode.id, rule: 'group' });
    const ended = await inviteCampaign();
    expect((await pond.api('POST', `/api/campaigns/${ended.id}/status`, { status: 'ended' })).status).toBe(200);
    const lapsed = await inviteCampaign({}, {}, false);
    await q(`UPDATE campaigns SET starts_at = now() - interval '2 days', ends_at = now() - interval '1 day' WHERE id = $1`, [lapsed.id]);
    const later = await inviteCampaign({ startsAt: new Date(Date.now() + 86400_000).toISOString() });
    const short = await inviteCampaign({ endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    await q(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token) VALUES ('fission-other', 'other', '1', 'x', 'x', 'x', 'http://127.0.0.1:1', 'x') ON CONFLICT DO NOTHING`);
    const { rows: [foreign] } = await q(`INSERT INTO campaigns (corp_id, kind, name, starts_at, status, config) VALUES ('fission-other', 'invite', '别家', now(), 'active', $1) RETURNING id`, [JSON.stringify(inviteConfig())]);
    const before = await counts();
    const service = { landing: LANDING, form: FORM, groupCodeId: groupCode.id };
    const cases: [Record<string, unknown>, number, string, string?][] = [
      [{ model: 'spread', invite: { campaignId: daily.id } }, 400, 'invite.campaignId', 'a spread path links an invite campaign'],
      [{ model: 'product', checkin: { campaignId: inv.id } }, 400, 'checkin.campaignId', 'paid check-in challenge'],
      [{ model: 'product', checkin: { campaignId: daily.id } }, 400, 'checkin.campaignId', 'entry kind paid'],
      [{ model: 'product', checkin: { campaignId: free.id } }, 400, 'checkin.campaignId', 'entry kind paid'],
      [{ model: 'product', checkin: { campaignId: noCashback.id } }, 400, 'checkin.campaignId', 'cashback true'],
      [{ model: 'service', invite: { campaignId: groupRule.id }, ...service }, 400, 'invite.campaignId', 'rule group'],
      [{ model: 'spread', invite: { campaignId: ended.id } }, 409, 'invite.campaignId', 'has ended'],
      [{ model: 'spread', invite: { campaignId: lapsed.id } }, 409, 'invite.campaignId', 'has ended'],
      [{ model: 'spread', invite: { campaignId: Number(foreign.id) } }, 400, 'invite.campaignId', 'no campaign'],
      [{ model: 'spread', invite: { campaignId: 99_999_999 } }, 400, 'invite.campaignId', 'no campaign'],
      [{ model: 'spread', invite: { campaignId: 'seven' } }, 400, 'invite.campaignId'],
      [{ model: 'spread', invite: { campaignId: inv.id, codeId: staffCode.id } }, 400, 'invite'],
      [{ model: 'spread', invite: { campaignId: later.id } }, 400, 'startsAt', 'before the linked campaign'],
      [{ model: 'spread', invite: { campaignId: short.id }, endsAt: SOON() }, 400, 'endsAt', 'after the linked campaign'],
    ];
    for (const [body, status, field, words] of cases) {
      const r = await link(body);
      expect([r.status, r.body.error?.field], JSON.stringify([body, r.body])).toEqual([status, field]);
      if (words) expect(r.body.error.message).toContain(words);
    }
    expect(await counts()).toEqual(before);
    // None of them is offered by the wizard's list.
    const offered = [...(await eligible('spread')).items, ...(await eligible('product')).items, ...(await eligible('service')).items].map((i: any) => i.id);
    for (const c of [daily, free, noCashback, ended, lapsed]) expect(offered).not.toContain(c.id);
    expect((await eligible('service')).items.map((i: any) => i.id)).not.toContain(groupRule.id);
    expect((await eligible('spread')).items.map((i: any) => i.id)).toContain(groupRule.id);
    expect(offered).not.toContain(Number(foreign.id));
    expect((await pond.api('GET', '/api/fission/eligible?model=viral')).body.error.field).toBe('model');
    // The failed spread's ended-campaign attempt left the ended campaign as it was.
    expect((await campaignOf(ended.id)).status).toBe('ended');
  });

  it('a campaign belongs to one path: a second link is a 409 naming the field; two at once, one wins; the index holds against any writer', async () => {
    const c = await inviteCampaign();
    const first = await link({ model: 'spread', invite: { campaignId: c.id } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await link({ model: 'service', invite: { campaignId: c.id }, landing: LANDING, form: FORM, groupCodeId: groupCode.id });
    expect([again.status, again.body.error?.field]).toEqual([409, 'invite.campaignId']);
    expect(again.body.error.message).toContain(`#${first.body.id}`);
    // A campaign the wizard made for a path is that path's too.
    const made = await createPath({ model: 'spread', invite: inviteConfig() });
    const taken = await link({ model: 'spread', invite: { campaignId: made.inviteCampaignId } });
    expect([taken.status, taken.body.error?.field]).toEqual([409, 'invite.campaignId']);

    for (const [model, make] of [['spread', () => inviteCampaign()], ['product', () => checkinCampaign({ mode: 'challenge', challengeDays: 3, cashback: true }, { kind: 'paid', sku: `RACE-${Date.now()}`, priceFen: 100 })]] as const) {
      const fresh = await make();
      const before = await counts();
      const step = model === 'product' ? 'checkin' : 'invite';
      const race = await Promise.all(Array.from({ length: 4 }, () => link({ model, [step]: { campaignId: fresh.id } })));
      expect(race.map((r) => r.status).sort(), JSON.stringify(race.map((r) => r.body))).toEqual([200, 409, 409, 409]);
      for (const r of race.filter((x) => x.status === 409)) expect(r.body.error.field).toBe(`${step}.campaignId`);
      expect((await q(`SELECT count(*)::int AS n FROM fission_paths WHERE ${step}_campaign_id = $1`, [fresh.id])).rows[0].n).toBe(1);
      expect(await counts()).toEqual([before[0], before[1] + 1]);
    }
    // The unique index, whoever writes.
    await expect(q(`INSERT INTO fission_paths (corp_id, model, name, starts_at, invite_campaign_id) VALUES ($1, 'spread', 'dup', now(), $2)`, [pond.corpId, c.id]))
      .rejects.toMatchObject({ code: '23505', constraint: 'fission_paths_invite_campaign_uq' });
  });

  it('status: publishing resumes a paused linked campaign and leaves an active one; pause, resume and end move it; one ended on its own page is a 409', async () => {
    const c = await inviteCampaign();
    expect((await pond.api('POST', `/api/campaigns/${c.id}/status`, { status: 'paused' })).status).toBe(200);
    const p = (await link({ model: 'spread', invite: { campaignId: c.id } })).body;
    const move = async (status: string) => {
      const r = await pond.api('POST', `/api/fission/paths/${p.id}/status`, { status });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (await campaignOf(c.id)).status;
    };
    expect(await move('active')).toBe('active');
    expect(await move('paused')).toBe('paused');
    expect(await move('active')).toBe('active');
    expect(await move('ended')).toBe('ended');

    // A draft campaign linked is published with the path; ended on its own page, the path's move is refused whole.
    const draft = await inviteCampaign({}, {}, false);
    const q2 = (await link({ model: 'spread', invite: { campaignId: draft.id } })).body;
    expect((await pond.api('POST', `/api/fission/paths/${q2.id}/status`, { status: 'active' })).status).toBe(200);
    expect((await campaignOf(draft.id)).status).toBe('active');
    expect((await pond.api('POST', `/api/campaigns/${draft.id}/status`, { status: 'ended' })).status).toBe(200);
    const refused = await pond.api('POST', `/api/fission/paths/${q2.id}/status`, { status: 'paused' });
    expect(refused.status).toBe(409);
    expect((await pond.api('GET', `/api/fission/paths/${q2.id}`)).body.status).toBe('active');
  });

  it('a draft path re-links its step (the campaign before is released) and group code; not once published, not a step of another model', async () => {
    const a = await inviteCampaign();
    const b = await inviteCampaign({ endsAt: SOON() });
    const p = (await link({ model: 'service', invite: { campaignId: a.id }, landing: LANDING, form: FORM, groupCodeId: groupCode.id })).body;
    const patch = (body: Record<string, unknown>) => pond.api('PATCH', `/api/fission/paths/${p.id}`, body);

    const wrongStep = await patch({ checkin: { campaignId: a.id } });
    expect([wrongStep.status, wrongStep.body.error?.field]).toEqual([400, 'checkin.campaignId']);
    const notGroup = await patch({ groupCodeId: staffCode.id });
    expect([notGroup.status, notGroup.body.error?.field]).toEqual([400, 'groupCodeId']);
    const relinked = await patch({ invite: { campaignId: b.id }, name: '换了活动' });
    expect(relinked.status, JSON.stringify(relinked.body)).toBe(200);
    expect(relinked.body).toMatchObject({ inviteCampaignId: b.id, name: '换了活动', endsAt: b.endsAt });
    // a is free again: another path may link it.
    expect((await eligible('service')).items.map((i: any) => i.id)).toContain(a.id);
    const other = await link({ model: 'spread', invite: { campaignId: a.id } });
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    // …and so it is no longer this path's to take back.
    const back = await patch({ invite: { campaignId: a.id } });
    expect([back.status, back.body.error?.field]).toEqual([409, 'invite.campaignId']);
    expect((await pond.api('GET', `/api/fission/paths/${p.id}`)).body.inviteCampaignId).toBe(b.id);

    expect((await pond.api('POST', `/api/fission/paths/${p.id}/status`, { status: 'active' })).status).toBe(200);
    const c = await inviteCampaign();
    const published = await patch({ invite: { campaignId: c.id } });
    expect([published.status, published.body.error?.field]).toEqual([409, 'invite.campaignId']);
    expect((await pond.api('GET', `/api/fission/paths/${p.id}`)).body.inviteCampaignId).toBe(b.id);
  });

  it('the wizard offers what linking accepts: the rules apply before the list\'s limit, so many newer misfits hide no older fit', async () => {
    const olderInvite = await inviteCampaign();
    const olderChallenge = await checkinCampaign({ mode: 'challenge', challengeDays: 3, cashback: true }, { kind: 'paid', sku: 'OLDFIT', priceFen: 100 });
    // Shapes a campaign's own page may store, each newer than the two above (rule absent = add; cashback absent = none).
    const shapes: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['invite', { kind: 'free' }, { rule: 'add' }], ['invite', { kind: 'free' }, { rule: 'add_and_stay' }], ['invite', { kind: 'free' }, {}],
      ['checkin', { kind: 'paid', sku: 'S', priceFen: 1 }, { mode: 'challenge', cashback: false }],
      ['checkin', { kind: 'paid', sku: 'S', priceFen: 1 }, { mode: 'challenge' }],
      ['checkin', { kind: 'paid', sku: 'S', priceFen: 1 }, { mode: 'daily', cashback: true }],
      ['checkin', { kind: 'free' }, { mode: 'challenge', cashback: true }],
      ['checkin', { kind: 'paid', sku: 'S', priceFen: 1 }, { mode: 'challenge', cashback: true }],
    ];
    for (const [kind, entry, config] of shapes) {
      for (const status of ['draft', 'active', 'paused', 'ended']) {
        for (const ends of [null, '1 hour', '-1 hour']) {
          await q(`INSERT INTO campaigns (corp_id, kind, name, starts_at, ends_at, status, entry, config)
                   VALUES ($1, $2, '形状', now() - interval '2 hours', now() + $5::interval, $3, $4, $6)`,
          [pond.corpId, kind, status, JSON.stringify(entry), ends, JSON.stringify(kind === 'invite' ? inviteConfig(config) : { challengeDays: 3, ...config })]);
        }
      }
    }
    // 205 newer campaigns of each kind that fit no model's config: a service path's list and a product path's.
    await q(`INSERT INTO campaigns (corp_id, kind, name, starts_at, status, config)
             SELECT $1, 'invite', '群规则 ' || g, now(), 'active', $2 FROM generate_series(1, 205) g`, [pond.corpId, JSON.stringify(inviteConfig({ rule: 'group', codeId: groupCode.id }))]);
    await q(`INSERT INTO campaigns (corp_id, kind, name, starts_at, status, config)
             SELECT $1, 'checkin', '日常打卡 ' || g, now(), 'active', $2 FROM generate_series(1, 205) g`, [pond.corpId, JSON.stringify({ mode: 'daily' })]);
    try {
      expect((await eligible('service')).items.map((i: any) => i.id)).toContain(olderInvite.id);
      expect((await eligible('product')).items.map((i: any) => i.id)).toContain(olderChallenge.id);
      // The list and the linking check agree on every campaign of the corp in no path: the newest ELIGIBLE_MAX that fit
      // (the group-rule invites fit a spread path: its list is full, and still all fits).
      const { rows } = await q(`SELECT * FROM campaigns c WHERE corp_id = $1
        AND NOT EXISTS (SELECT 1 FROM fission_paths fp WHERE fp.invite_campaign_id = c.id OR fp.checkin_campaign_id = c.id)
        ORDER BY created_at DESC, id DESC`, [pond.corpId]);
      for (const model of ['spread', 'product', 'service'] as const) {
        const want = rows.filter((c) => !linkRefusal(model, c)).map((c) => Number(c.id));
        expect(want.length, model).toBeGreaterThan(0);
        expect((await eligible(model)).items.map((i: any) => i.id), model).toEqual(want.slice(0, ELIGIBLE_MAX));
      }
    } finally {
      await q(`DELETE FROM campaigns WHERE corp_id = $1 AND (name LIKE '群规则 %' OR name LIKE '日常打卡 %' OR name = '形状')`, [pond.corpId]);
    }
  });
});
