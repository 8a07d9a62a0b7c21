// Invite tasks (任务宝) and group fission (群裂变), end to end through the simulator: a participant joins on the H5 API
// (identity from the phone's session only), friends open the participant's link (/l/i/<token>), are routed by the
// campaign's live code, add or join, and are credited once. The fraud cases (self-invite, re-scan, delete within the
// holding period, existing customer, IP anomaly → review queue), exactly-once tiers under concurrent events and WeCom's
// retried callbacks, group fission credit and a leaver's void.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEventXml, sealEvent, WecomError } from '@pond/wecom';
import type { SimControl } from '@pond/wecom-sim';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let staff: string[];
let staffCode: any;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid`, [pond.corpId]);
  staff = rows.map((r) => r.userid);
  const res = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '邀请活码', channel: '裂变', pool: [{ userid: staff[0] }] });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  staffCode = res.body;
}, 120_000);
afterAll(async () => { await pond?.close(); });

async function settle() {
  await sim.waitForCallbacks(10_000);
  await pond.app.inbox.drain();
}

const OFF = { maxPerIp: null, burstCount: null, burstSeconds: 60 };

async function campaign(config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await pond.api('POST', '/api/invites', {
    name: `邀请有礼 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date(Date.now() - 60_000).toISOString(),
    config: { codeId: staffCode.id, holdDays: 0, antiFraud: OFF, tiers: [{ friends: 2, reward: { kind: 'points', points: 20, title: '20 积分' } }], ...config }, ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect((await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' })).status).toBe(200);
  return res.body;
}

/** A WeChat user who is a customer (added staff[1] directly), with the phone's session cookie. */
async function customer(nickname: string, userid = staff[1]): Promise<{ id: string; cookie: string; ext: string }> {
  const u = await sim.createWechatUser({ nickname });
  const r = await sim.addStaff(u.id, { userid });
  await settle();
  return { id: u.id, cookie: `sim_wechat_user=${encodeURIComponent(u.id)}`, ext: r.externalUserid };
}

async function capi(method: string, path: string, cookie: string) {
  const res = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}${path}`, { method, headers: { cookie, origin: pond.baseUrl, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) }, body: method === 'POST' ? '{}' : undefined });
  return { status: res.status, body: await res.json() as any };
}

async function join(c: any, who: { cookie: string }) {
  const res = await capi('POST', `/invites/${c.id}/join`, who.cookie);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** A new WeChat user opens the link and adds (or joins) through the page's QR. */
async function friendThrough(url: string, nickname: string) {
  const u = await sim.createWechatUser({ nickname });
  const scan = await sim.scan(u.id, url);
  await settle();
  return { id: u.id, scan };
}

const credits = async (campaignId: number) =>
  (await pond.app.pool.query(`SELECT invitee_external_userid AS ext, status, reason, kind FROM invite_credits WHERE campaign_id = $1 ORDER BY id`, [campaignId])).rows;

describe('invite tasks', () => {
  it('rejects bad configs naming the field, and a body naming the customer', async () => {
    const bad = [
      [{ codeId: staffCode.id, tiers: [] }, 'config.tiers'],
      [{ codeId: staffCode.id, rule: 'add_and_stay', tiers: [{ friends: 1, reward: { kind: 'custom', title: 'x' } }] }, 'config.stayDays'],
      [{ codeId: staffCode.id, rule: 'group', tiers: [{ friends: 1, reward: { kind: 'custom', title: 'x' } }] }, 'config.codeId'],
      [{ codeId: staffCode.id, tiers: [{ friends: 1, reward: { kind: 'custom', title: 'x' } }, { friends: 1, reward: { kind: 'custom', title: 'y' } }] }, 'config.tiers.1.friends'],
    ] as const;
    for (const [config, field] of bad) {
      const res = await pond.api('POST', '/api/invites', { name: 'x', startsAt: new Date().toISOString(), config });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field ?? res.body.error.message).toContain(field);
    }
    const c = await campaign({});
    const a = await customer('参与者甲');
    const forged = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/invites/${c.id}/join`, {
      method: 'POST', headers: { cookie: a.cookie, origin: pond.baseUrl, 'content-type': 'application/json' }, body: JSON.stringify({ externalUserid: 'wmother' }),
    });
    expect(forged.status).toBe(400);
    const anon = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}/invites/${c.id}/join`, { method: 'POST', headers: { origin: pond.baseUrl, 'content-type': 'application/json' }, body: '{}' });
    expect(anon.status).toBe(401);
  });

  it('credits a friend who adds through the link, once however often they scan; a self-scan and an existing customer never count', async () => {
    const c = await campaign({});
    const a = await customer('邀请人A');
    const me = await join(c, a);
    expect(me.shareUrl).toMatch(/\/l\/i\/[A-Za-z0-9]+$/);
    expect((await join(c, a)).shareUrl).toBe(me.shareUrl); // joining twice: one participant

    // Self-invite: the participant's own scan shows their own-poster page and records nothing.
    const self = await fetch(me.shareUrl, { headers: { cookie: a.cookie, 'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0' } });
    expect(await self.text()).toContain('您自己的邀请海报');

    const f1 = await friendThrough(me.shareUrl, '好友一');
    expect(f1.scan.kind).toBe('contact');
    await waitFor(async () => (await credits(c.id)).length === 1, { message: 'friend 1 credited' });
    // Re-scan by the same friend: routed back (lock / follow), no second credit.
    await sim.scan(f1.id, me.shareUrl);
    await settle();
    // An existing customer (follows another staff member already) scans and adds the campaign's staff: voided.
    const old = await customer('老客户', staff[2]);
    await sim.scan(old.id, me.shareUrl);
    await settle();
    await waitFor(async () => (await credits(c.id)).length === 2, { message: 'existing customer recorded' });
    const list = await credits(c.id);
    expect(list.map((k) => [k.status, k.reason])).toEqual([['credited', null], ['voided', 'existing_customer']]);
    const view = await capi('GET', `/invites/${c.id}`, a.cookie);
    expect(view.body.progress).toEqual({ credited: 1, pending: 0, voided: 1 });
    expect(view.body.leaderboard[0]).toMatchObject({ rank: 1, credited: 1, me: true });
    expect(view.body.myRank).toBe(1);
    // The timeline carries the credit (a segment behaviour type).
    const { rows: ev } = await pond.app.pool.query(`SELECT type FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type LIKE 'invite.%' ORDER BY id`, [pond.corpId, a.ext]);
    expect(ev.map((e) => e.type)).toEqual(expect.arrayContaining(['invite.joined', 'invite.invited', 'invite.credited', 'invite.voided']));
  });

  it('reads an invite friend in the add\'s own step (no wait for the enrich band); with no quota slot free now, the read waits there', async () => {
    const c = await campaign({});
    const a = await customer('邀请人E');
    const me = await join(c, a);
    // The reads of a customer queued after their add (pond_enrich rows, keyed by the add's inbox id).
    const queued = async (ext: string) => (await pond.app.pool.query(
      `SELECT event_key, priority, status FROM callback_inbox WHERE corp_id = $1 AND event = 'pond_enrich' AND xml LIKE '%' || $2 || '%' ORDER BY id`,
      [pond.corpId, ext])).rows;
    const f1 = await friendThrough(me.shareUrl, '好友E1');
    await waitFor(async () => (await credits(c.id)).length === 1, { message: 'friend E1 credited' });
    const [k1] = await credits(c.id);
    // Read in the add's step: the details are stored and no ordinary read was queued.
    expect(await queued(k1.ext)).toEqual([]);
    const { rows: [cust] } = await pond.app.pool.query('SELECT unionid FROM customers WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, k1.ext]);
    expect(cust.unionid).toBeTruthy();
    // An add through a code no invite campaign counts (the inviter's own add earlier) is read at the Enrich band as before.
    expect((await queued(a.ext)).map((r) => [r.event_key.replace(/:\d+$/, ''), r.priority])).toEqual([['enrich', 6]]);

    // WeCom's quota has no call slot free right now: the early read is not made; the ordinary one is queued and credits.
    const client = await pond.app.corps.client(pond.corpId);
    const orig = client.getExternalContact.bind(client);
    let refused = 0;
    client.getExternalContact = (ext, cursor, opts = {}) => {
      if (opts.noWait) {
        refused++;
        return Promise.reject(new WecomError({ api: 'externalcontact/get', errcode: 45009, errmsg: 'spent', kind: 'throttled' }));
      }
      return orig(ext, cursor, opts);
    };
    try {
      await friendThrough(me.shareUrl, '好友E2');
      await waitFor(async () => (await credits(c.id)).length === 2, { message: 'friend E2 credited after the ordinary read' });
    } finally {
      client.getExternalContact = orig;
    }
    expect(refused).toBeGreaterThan(0);
    const k2 = (await credits(c.id))[1];
    expect(k2.status).toBe('credited');
    expect((await queued(k2.ext)).map((r) => [r.event_key.replace(/:\d+$/, ''), r.priority, r.status])).toEqual([['enrich', 6, 'done']]);
    expect((await capi('GET', `/invites/${c.id}`, a.cookie)).body.progress).toEqual({ credited: 2, pending: 0, voided: 0 });
    void f1;
  });

  it('holds credits for the holding period: a delete within it voids, the rest become final and reach the tier once (with a staff task)', async () => {
    const c = await campaign({ holdDays: 3 });
    const a = await customer('邀请人B');
    const me = await join(c, a);
    const f1 = await friendThrough(me.shareUrl, '好友B1');
    const f2 = await friendThrough(me.shareUrl, '好友B2');
    const f3 = await friendThrough(me.shareUrl, '好友B3');
    await waitFor(async () => (await credits(c.id)).length === 3, { message: 'three pending' });
    expect((await credits(c.id)).every((k) => k.status === 'pending')).toBe(true);
    await sim.customerDeletesStaff(f2.id, staff[0]);
    await settle();
    await waitFor(async () => (await credits(c.id)).some((k) => k.status === 'voided'), { message: 'delete voids' });
    expect((await capi('GET', `/invites/${c.id}`, a.cookie)).body.progress).toEqual({ credited: 0, pending: 2, voided: 1 });
    // Not due yet: nothing moves. Four days on: the two left are credited, the tier (2 friends) reached once.
    expect(await pond.app.invites.credits.finaliseDue(new Date())).toEqual({ credited: 0, voided: 0 });
    const later = new Date(Date.now() + 4 * 86_400_000);
    const [x, y] = await Promise.all([pond.app.invites.credits.finaliseDue(later), pond.app.invites.credits.finaliseDue(later)]);
    expect(x.credited + y.credited).toBe(2);
    const view = (await capi('GET', `/invites/${c.id}`, a.cookie)).body;
    expect(view.progress).toEqual({ credited: 2, pending: 0, voided: 1 });
    expect(view.tiers[0]).toMatchObject({ friends: 2, reached: true, rewardState: 'issued' });
    const { rows: rw } = await pond.app.pool.query(`SELECT source_ref FROM rewards WHERE campaign_id = $1`, [c.id]);
    expect(rw).toHaveLength(1);
    // The tier's task: made once, whether by this pass or by the minutely tick that may have run just before it (the
    // pass is corp-wide: other tests' tiers may be in its count); a second pass has nothing left.
    await pond.app.invites.notifyTiers();
    expect(await pond.app.invites.notifyTiers()).toBe(0);
    const { rows: tasks } = await pond.app.pool.query(`SELECT owner_userid, external_userid FROM staff_tasks WHERE corp_id = $1 AND source_kind = 'invite' AND source_id = $2`, [pond.corpId, c.id]);
    expect(tasks).toEqual([{ owner_userid: staff[1], external_userid: a.ext }]);
    void f1; void f3;
  });

  it('sends rate anomalies to the review queue; an operator approves (counts) or rejects (voided)', async () => {
    const c = await campaign({ antiFraud: { maxPerIp: 1, burstCount: null, burstSeconds: 60 } });
    const a = await customer('邀请人C');
    const me = await join(c, a);
    await friendThrough(me.shareUrl, '好友C1');
    await friendThrough(me.shareUrl, '好友C2');
    await friendThrough(me.shareUrl, '好友C3');
    await waitFor(async () => (await credits(c.id)).length === 3, { message: 'three credits' });
    expect((await credits(c.id)).map((k) => k.status)).toEqual(['credited', 'review', 'review']);
    const queue = await pond.api('GET', `/api/invites/${c.id}/credits?status=review`);
    expect(queue.body.total).toBe(2);
    expect(queue.body.items[0].flags).toContain('ip_anomaly');
    const [r1, r2] = queue.body.items;
    const ok = await pond.api('POST', `/api/invites/${c.id}/credits/${r1.id}/review`, { decision: 'approve' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('credited');
    const no = await pond.api('POST', `/api/invites/${c.id}/credits/${r2.id}/review`, { decision: 'reject' });
    expect(no.body).toMatchObject({ status: 'voided', reason: 'rejected' });
    expect((await pond.api('POST', `/api/invites/${c.id}/credits/${r2.id}/review`, { decision: 'approve' })).status).toBe(409);
    const d = await pond.api('GET', `/api/invites/${c.id}`);
    expect(d.body.numbers).toMatchObject({ participants: 1, invitees: 3, credited: 2, voided: 1, review: 0, kFactor: 2, rewards: 1 });
  });

  it('grants each tier exactly once under concurrent adds, duplicate enrich runs and WeCom\'s retried callbacks', async () => {
    const c = await campaign({ tiers: [{ friends: 2, reward: { kind: 'points', points: 5, title: '5 积分' } }, { friends: 4, reward: { kind: 'points', points: 9, title: '9 积分' } }] });
    const a = await customer('邀请人D');
    const me = await join(c, a);
    const users = await Promise.all(Array.from({ length: 5 }, (_, i) => sim.createWechatUser({ nickname: `并发好友${i}` })));
    await Promise.all(users.map((u) => sim.scan(u.id, me.shareUrl)));
    await settle();
    await waitFor(async () => (await credits(c.id)).length === 5, { message: 'five credits' });
    // The same add handled again, many times at once (a re-run enrich): nothing more.
    const { rows: adds } = await pond.app.pool.query(
      `SELECT a.inbox_id, a.external_userid, a.userid FROM attributions a JOIN invite_credits k ON k.invitee_external_userid = a.external_userid AND k.campaign_id = $1 WHERE a.corp_id = $2`,
      [c.id, pond.corpId]);
    expect(adds).toHaveLength(5);
    await Promise.all(adds.flatMap((r) => [1, 2, 3].map(() => pond.app.invites.credits.onAddEnriched(pond.corpId, r.external_userid, r.userid, Number(r.inbox_id)))));
    // WeCom retries the callback (same XML, sealed again): the inbox takes it once.
    const corp = (await pond.app.corps.get(pond.corpId))!;
    const xml = buildEventXml({
      ToUserName: corp.id, FromUserName: 'sys', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'event', Event: 'change_external_contact',
      ChangeType: 'add_external_contact', UserID: staff[0], ExternalUserID: adds[0].external_userid, State: staffCode.state,
    });
    await Promise.all([1, 2, 3].map(async () => {
      const s = sealEvent({ token: corp.callbackToken, encodingAesKey: corp.callbackAesKey, receiveId: corp.id }, xml);
      const res = await fetch(`${pond.baseUrl}/wecom/callback/${corp.id}?${new URLSearchParams(s.query)}`, { method: 'POST', body: s.body, headers: { 'content-type': 'text/xml' } });
      expect(res.status).toBe(200);
    }));
    await settle();
    const { rows: [p] } = await pond.app.pool.query(`SELECT credited, pending, voided FROM invite_participants WHERE campaign_id = $1`, [c.id]);
    expect(p).toEqual({ credited: 5, pending: 0, voided: 0 });
    const { rows: rw } = await pond.app.pool.query(`SELECT source_ref, points FROM rewards WHERE campaign_id = $1 ORDER BY points`, [c.id]);
    expect(rw.map((r) => r.points)).toEqual([5, 9]);
    const { rows: tiers } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1 AND type = 'invite.tier_reached' AND data->>'campaignId' = $2`, [pond.corpId, String(c.id)]);
    expect(tiers[0].n).toBe(2);
  });

  it('serves the participant\'s poster, rendered once and then from the cache', async () => {
    const c = await campaign({ posterTitle: '邀请好友 领好礼' });
    const a = await customer('海报参与者');
    await join(c, a);
    const get = () => fetch(`${pond.baseUrl}/c/api/${pond.corpId}/invites/${c.id}/poster.png`, { headers: { cookie: a.cookie } });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await first.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const { rows } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM invite_posters p JOIN invite_participants i ON i.id = p.participant_id WHERE i.campaign_id = $1`, [c.id]);
    expect(rows[0].n).toBe(1);
    // The same participant and content again: read from the cache, byte for byte.
    const { rows: [who] } = await pond.app.pool.query(`SELECT name, avatar FROM customers WHERE corp_id = $1 AND external_userid = $2`, [pond.corpId, a.ext]);
    const cached = await pond.app.invites.posterOf(
      (await pond.app.campaigns.get(pond.app.pool, pond.corpId, c.id)),
      (await pond.app.pool.query(`SELECT * FROM invite_participants WHERE campaign_id = $1`, [c.id])).rows[0], who.name, who.avatar);
    expect(cached.rendered).toBe(false);
    expect(cached.png.equals(png)).toBe(true);
  });
});

describe('group fission', () => {
  it('credits friends who join the campaign\'s groups by the link; a leaver within the holding period is voided', async () => {
    const g = await sim.createGroup({ corpId: pond.corpId, owner: staff[0], name: '裂变群1' });
    await settle();
    const code = await pond.api('POST', '/api/live-codes', { kind: 'group', name: '裂变群', groupCap: 200, groupChatIds: [g.chatId], groupBaseName: '裂变群' });
    expect(code.status, JSON.stringify(code.body)).toBe(200);
    const c = await campaign({ codeId: code.body.id, rule: 'group', holdDays: 1 });
    const a = await customer('群裂变发起人');
    const me = await join(c, a);
    const f1 = await friendThrough(me.shareUrl, '群友一');
    const f2 = await friendThrough(me.shareUrl, '群友二');
    expect(f1.scan.kind).toBe('join');
    await waitFor(async () => (await credits(c.id)).length === 2, { message: 'two group credits' });
    expect((await credits(c.id)).map((k) => [k.kind, k.status])).toEqual([['group', 'pending'], ['group', 'pending']]);
    await sim.leaveGroup(f2.id, g.chatId);
    await settle();
    await waitFor(async () => (await credits(c.id)).some((k) => k.status === 'voided' && k.reason === 'left_group'), { message: 'leaver voided' });
    await pond.app.invites.credits.finaliseDue(new Date(Date.now() + 2 * 86_400_000));
    expect((await credits(c.id)).map((k) => k.status)).toEqual(['credited', 'voided']);
    const view = (await capi('GET', `/invites/${c.id}`, a.cookie)).body;
    expect(view.progress).toEqual({ credited: 1, pending: 0, voided: 1 });
  });
});
