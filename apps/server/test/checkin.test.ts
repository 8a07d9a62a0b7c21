// Check-in (签到 / 打卡挑战, issue 13): days are the corp's calendar days (23:59 and 00:01 are two days, in
// Shanghai and in other zones), concurrent taps make one check-in, milestones are granted once, make-up cards
// follow their rules, a broken consecutive challenge fails, and a paid challenge enrols from its fee order paid
// on the simulator's shop, returns the fee on completion exactly once, and a refund mid-challenge gives nothing.
// The customer is who the session says (the simulator phone's cookie), never a field of the request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { addDays, dayIn, zonedTime } from '../src/platform/time';
import { dayStats, isBroken, makeupDays } from '../src/modules/checkin';
import { CheckinConfig } from '@pond/contracts/checkin';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let codeUrl: string;

beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const staff = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user AND status = 1 ORDER BY userid LIMIT 1`, [pond.corpId])).rows[0].userid;
  codeUrl = (await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '打卡', channel: 'checkin', pool: [{ userid: staff }] })).body.url;
});
afterAll(async () => {
  pond.app.checkin.now = () => new Date();
  await pond?.close();
});

const settle = async () => { await sim.waitForCallbacks(10_000); await pond.app.inbox.drain(); };
const q = (text: string, values: unknown[] = []) => pond.app.pool.query(text, values);

/** A WeChat user who added staff (a customer with a unionid), and their phone's cookie. */
async function newCustomer(nickname: string): Promise<{ wechatId: string; ext: string; cookie: string }> {
  const u = await sim.createWechatUser({ nickname });
  const s = await sim.scan(u.id, codeUrl);
  if (s.kind !== 'contact') throw new Error('not a contact QR');
  await settle();
  await waitFor(async () => (await q('SELECT 1 FROM customers WHERE corp_id = $1 AND external_userid = $2 AND unionid IS NOT NULL', [pond.corpId, s.result.externalUserid])).rowCount);
  return { wechatId: u.id, ext: s.result.externalUserid, cookie: `sim_wechat_user=${u.id}` };
}

let rid = 0;
const requestId = () => `req-${Date.now()}-${++rid}`;

async function capi(cookie: string | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers.origin = pond.baseUrl;
  const res = await fetch(`${pond.baseUrl}/c/api/${pond.corpId}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json().catch(() => null) };
}
const tap = (cookie: string, id: number) => capi(cookie, 'POST', `/checkin/${id}/checkin`, { requestId: requestId() });
const me = (cookie: string, id: number) => capi(cookie, 'GET', `/checkin/${id}`);
const makeup = (cookie: string, id: number, day: string) => capi(cookie, 'POST', `/checkin/${id}/makeup`, { day, requestId: requestId() });

/** Creates and publishes a check-in campaign (started 3 days ago, real time). */
async function campaign(config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await pond.api('POST', '/api/checkins', { name: `打卡 ${Math.random().toString(36).slice(2, 7)}`, startsAt: new Date(Date.now() - 3 * 86400_000).toISOString(), config, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const pub = await pond.api('POST', `/api/campaigns/${res.body.id}/status`, { status: 'active' });
  expect(pub.status, JSON.stringify(pub.body)).toBe(200);
  return res.body.id;
}

let tz = 'Asia/Shanghai';
/** Moves the check-in clock to `hhmm` on `day` in the corp's zone. */
const clockAt = (day: string, hhmm: string) => { const t = zonedTime(day, hhmm, tz); pond.app.checkin.now = () => t; return t; };
const realToday = () => dayIn(new Date(), tz);
const events = async (ext: string, type: string) => (await q('SELECT data FROM customer_events WHERE corp_id = $1 AND external_userid = $2 AND type = $3 ORDER BY id', [pond.corpId, ext, type])).rows.map((r) => r.data);
const rewardsOf = async (ext: string, campaignId: number) => (await q(
  `SELECT source_ref, kind, adapter, state, amount_fen, points FROM rewards WHERE corp_id = $1 AND external_userid = $2 AND campaign_id = $3 ORDER BY id`, [pond.corpId, ext, campaignId])).rows;
const enrolment = async (ext: string, campaignId: number) => (await q(
  `SELECT id, state, streak, best_streak, days, makeups_used, order_id, fee_fen, start_day::text, reward_id, completed_at FROM checkin_enrolments WHERE campaign_id = $1 AND external_userid = $2`,
  [campaignId, ext])).rows[0];

describe('streak arithmetic', () => {
  const cfg = CheckinConfig.parse({ mode: 'challenge', challengeDays: 5, makeupCards: 1, makeupWindowDays: 2 });
  it('counts runs, best runs and days', () => {
    expect(dayStats(['2026-01-30', '2026-01-31', '2026-02-01', '2026-02-03'])).toEqual({ days: 4, streak: 1, bestStreak: 3, lastDay: '2026-02-03' });
    expect(dayStats([])).toEqual({ days: 0, streak: 0, bestStreak: 0, lastDay: null });
  });
  it('a missed day breaks a consecutive challenge only once it can no longer be made up', () => {
    const e = { startDay: '2026-03-01', makeupsUsed: 0, checked: ['2026-03-01', '2026-03-03'] };
    expect(isBroken(cfg, e, '2026-03-03')).toBe(false); // 03-02 can still be made up (window 2, one card)
    expect(makeupDays(cfg, e, '2026-03-03')).toEqual(['2026-03-02']);
    expect(isBroken(cfg, e, '2026-03-05')).toBe(true); // 03-02 is outside the window now
    expect(isBroken(cfg, { ...e, makeupsUsed: 1 }, '2026-03-03')).toBe(true); // no card left
    expect(isBroken(CheckinConfig.parse({ mode: 'challenge', challengeDays: 5, streakRule: 'cumulative' }), e, '2026-03-09')).toBe(false);
  });
});

describe('check-in', () => {
  it('a 21-day consecutive challenge across day boundaries: 23:59 and 00:01 are two days; milestones once; completed', async () => {
    const id = await campaign({
      mode: 'challenge', challengeDays: 21, streakRule: 'consecutive',
      milestones: [{ days: 2, reward: { kind: 'points', points: 5, title: '坚持 2 天' } }, { days: 7, reward: { kind: 'points', points: 20, title: '坚持一周' } }],
    });
    const c = await newCustomer('打卡人');
    const d0 = realToday();
    clockAt(d0, '23:59');
    const first = await tap(c.cookie, id);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ created: true, enrolled: true, state: 'active', streak: 1, days: 1, today: d0, checkedToday: true });
    // A second tap the same minute: nothing new.
    expect((await tap(c.cookie, id)).body).toMatchObject({ created: false, streak: 1, days: 1 });
    // Two minutes later it is the next day in Shanghai.
    clockAt(addDays(d0, 1), '00:01');
    const second = await tap(c.cookie, id);
    expect(second.body).toMatchObject({ created: true, streak: 2, days: 2, today: addDays(d0, 1), newMilestones: [2] });
    for (let i = 2; i < 21; i++) {
      clockAt(addDays(d0, i), i % 2 ? '08:00' : '23:58');
      const r = await tap(c.cookie, id);
      expect(r.status, `day ${i}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.streak).toBe(i + 1);
      expect(r.body.completedNow).toBe(i === 20);
      expect(r.body.newMilestones).toEqual(i === 6 ? [7] : []);
    }
    expect(await enrolment(c.ext, id)).toMatchObject({ state: 'completed', streak: 21, best_streak: 21, days: 21, completed_at: expect.any(Date) });
    const rewards = await rewardsOf(c.ext, id);
    expect(rewards.map((r) => [r.source_ref.split(':').slice(0, 1).concat(r.source_ref.split(':').slice(2)).join(':'), r.state, r.points])).toEqual([['milestone:2', 'issued', 5], ['milestone:7', 'issued', 20]]);
    expect(await events(c.ext, 'checkin.done')).toHaveLength(21);
    expect(await events(c.ext, 'checkin.milestone')).toHaveLength(2);
    expect(await events(c.ext, 'checkin.completed')).toHaveLength(1);
    // Done: the next day's tap is refused with the reason; nothing changes.
    clockAt(addDays(d0, 21), '09:00');
    const after = await tap(c.cookie, id);
    expect(after.status).toBe(409);
    expect(after.body.error.message).toContain('挑战已完成');
    const view = (await me(c.cookie, id)).body;
    expect(view).toMatchObject({ state: 'completed', days: 21, bestStreak: 21, cashback: null });
    expect(view.milestones.map((m: any) => [m.days, m.reached, m.rewardState])).toEqual([[2, true, 'issued'], [7, true, 'issued']]);
    // The console's numbers.
    const detail = await pond.api('GET', `/api/checkins/${id}`);
    expect(detail.body.numbers).toMatchObject({ participants: 1, completed: 1, active: 0, completionRate: 1, checkins: 21, milestones: [{ days: 2, granted: 1 }, { days: 7, granted: 1 }] });
    const perDay = detail.body.numbers.perDay as { day: string; checkins: number }[];
    expect(perDay.find((p) => p.day === addDays(d0, 1))?.checkins).toBe(1);
  });

  it("counts the corp's own days in other zones (America/New_York, Europe/Berlin)", async () => {
    for (const zone of ['America/New_York', 'Europe/Berlin']) {
      expect((await pond.api('PUT', '/api/settings/corp', { timezone: zone })).status).toBe(200);
      tz = zone;
      try {
        const id = await campaign({ mode: 'daily', streakRule: 'consecutive' });
        const c = await newCustomer(`时区 ${zone}`);
        const d0 = realToday();
        // 23:30 in the zone (already the next day in Shanghai / UTC for New York) and 00:30 the next day: two days.
        clockAt(d0, '23:30');
        expect((await tap(c.cookie, id)).body).toMatchObject({ created: true, today: d0, streak: 1 });
        clockAt(addDays(d0, 1), '00:30');
        expect((await tap(c.cookie, id)).body).toMatchObject({ created: true, today: addDays(d0, 1), streak: 2 });
        clockAt(addDays(d0, 1), '23:59');
        expect((await tap(c.cookie, id)).body).toMatchObject({ created: false, streak: 2 });
        const { rows } = await q('SELECT d.day::text AS day FROM checkin_days d JOIN checkin_enrolments e ON e.id = d.enrolment_id WHERE e.campaign_id = $1 ORDER BY d.day', [id]);
        expect(rows.map((r) => r.day), zone).toEqual([d0, addDays(d0, 1)]);
        // A day skipped: the streak shown is 0 the day after next, the days stay.
        clockAt(addDays(d0, 3), '12:00');
        expect((await me(c.cookie, id)).body).toMatchObject({ streak: 0, days: 2, bestStreak: 2, state: 'active' });
      } finally {
        tz = 'Asia/Shanghai';
        await pond.api('PUT', '/api/settings/corp', { timezone: 'Asia/Shanghai' });
      }
    }
  });

  it('20 concurrent taps (the first one enrols) make one check-in, one enrolment, one points debit and one milestone', async () => {
    const id = await campaign({ mode: 'daily', milestones: [{ days: 1, reward: { kind: 'points', points: 3, title: '首次签到' } }] }, { entry: { kind: 'points', points: 2 } });
    const c = await newCustomer('连点');
    // Points to pay the entry.
    await pond.app.pool.query(`INSERT INTO points_accounts (corp_id, external_userid, balance) VALUES ($1, $2, 10)`, [pond.corpId, c.ext]);
    clockAt(realToday(), '12:00');
    const res = await Promise.all(Array.from({ length: 20 }, () => tap(c.cookie, id)));
    expect(res.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(res.filter((r) => r.body.created)).toHaveLength(1);
    expect(res.filter((r) => r.body.newMilestones.length)).toHaveLength(1);
    expect((await q('SELECT count(*)::int AS n FROM checkin_enrolments WHERE campaign_id = $1', [id])).rows[0].n).toBe(1);
    expect((await q('SELECT count(*)::int AS n FROM checkin_days d JOIN checkin_enrolments e ON e.id = d.enrolment_id WHERE e.campaign_id = $1', [id])).rows[0].n).toBe(1);
    expect((await q('SELECT count(*)::int AS n FROM campaign_participants WHERE campaign_id = $1', [id])).rows[0].n).toBe(1);
    expect(await rewardsOf(c.ext, id)).toHaveLength(1);
    // 10 − 2 (entry) + 3 (milestone).
    expect((await q('SELECT balance FROM points_accounts WHERE corp_id = $1 AND external_userid = $2', [pond.corpId, c.ext])).rows[0].balance).toBe(11);
    expect(await events(c.ext, 'checkin.done')).toHaveLength(1);
  });

  it('make-up cards: a missed day inside the window and the enrolment, one card each, the streak recomputed; retries use no second card', async () => {
    const id = await campaign({ mode: 'challenge', challengeDays: 5, makeupCards: 2, makeupWindowDays: 2 });
    const c = await newCustomer('补签');
    const d0 = realToday();
    clockAt(d0, '09:00');
    await tap(c.cookie, id);
    clockAt(addDays(d0, 2), '09:00');
    const r = await tap(c.cookie, id);
    expect(r.body).toMatchObject({ streak: 1, days: 2, makeupDays: [addDays(d0, 1)], makeupCardsLeft: 2, state: 'active' });
    // Not today, not a checked day, not before the enrolment, not a malformed day.
    expect((await makeup(c.cookie, id, addDays(d0, 2))).body.error).toMatchObject({ field: 'day' });
    expect((await makeup(c.cookie, id, d0)).body.error).toMatchObject({ field: 'day' });
    expect((await makeup(c.cookie, id, addDays(d0, -1))).body.error).toMatchObject({ field: 'day' });
    expect((await makeup(c.cookie, id, '2026-02-30')).status).toBe(400);
    // Two concurrent make-ups of the same day: one card.
    const [a, b] = await Promise.all([makeup(c.cookie, id, addDays(d0, 1)), makeup(c.cookie, id, addDays(d0, 1))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect([a.body.created, b.body.created].sort()).toEqual([false, true]);
    expect(a.body).toMatchObject({ streak: 3, days: 3, makeupCardsLeft: 1, makeupDays: [] });
    expect(await enrolment(c.ext, id)).toMatchObject({ makeups_used: 1, streak: 3, days: 3 });
    expect((await me(c.cookie, id)).body.checked).toEqual([{ day: d0, makeup: false }, { day: addDays(d0, 1), makeup: true }, { day: addDays(d0, 2), makeup: false }]);
    // A day outside the window (d0+3 missed, checked on d0+6: the window reaches back to d0+4).
    clockAt(addDays(d0, 6), '09:00');
    const late = await makeup(c.cookie, id, addDays(d0, 3));
    expect(late.status).toBe(409); // the streak broke: d0+3 can no longer be made up, the challenge failed
    expect(late.body.error.message).toContain('挑战失败');
    expect(await enrolment(c.ext, id)).toMatchObject({ state: 'failed' });
    expect(await events(c.ext, 'checkin.failed')).toEqual([expect.objectContaining({ campaignId: id, reason: 'streak_broken' })]);
  });

  it('a broken consecutive challenge fails when the customer next opens it, or by the hourly pass; restart lets the streak start again', async () => {
    const failing = await campaign({ mode: 'challenge', challengeDays: 7, onBreak: 'fail', makeupCards: 0, makeupWindowDays: 1 });
    const restarting = await campaign({ mode: 'challenge', challengeDays: 3, onBreak: 'restart' });
    const a = await newCustomer('中断A');
    const b = await newCustomer('中断B');
    const d0 = realToday();
    clockAt(d0, '10:00');
    for (const [who, id] of [[a, failing], [b, failing], [a, restarting]] as const) expect((await tap(who.cookie, id)).status).toBe(200);
    // d0+1 missed by everyone; on d0+2 it can't be made up (no cards).
    clockAt(addDays(d0, 2), '10:00');
    expect((await me(a.cookie, failing)).body).toMatchObject({ state: 'failed' });
    expect(await pond.app.checkin.settleDue()).toMatchObject({ failed: 1 }); // b, without visiting
    expect(await enrolment(b.ext, failing)).toMatchObject({ state: 'failed' });
    // Restart: the streak starts again and a run of 3 completes it.
    expect((await tap(a.cookie, restarting)).body).toMatchObject({ created: true, streak: 1, state: 'active' });
    clockAt(addDays(d0, 3), '10:00');
    await tap(a.cookie, restarting);
    clockAt(addDays(d0, 4), '10:00');
    expect((await tap(a.cookie, restarting)).body).toMatchObject({ streak: 3, state: 'completed', completedNow: true });
  });

  it('identity comes only from the session: no cookie 401, a visitor who is not a customer 403, a body naming someone else 400', async () => {
    const id = await campaign({ mode: 'daily' });
    const c = await newCustomer('身份');
    clockAt(realToday(), '10:00');
    expect((await capi(null, 'POST', `/checkin/${id}/checkin`, { requestId: requestId() })).status).toBe(401);
    const guest = await sim.createWechatUser({ nickname: '路人' });
    const g = await capi(`sim_wechat_user=${guest.id}`, 'POST', `/checkin/${id}/checkin`, { requestId: requestId() });
    expect(g.status).toBe(403);
    const forged = await capi(`sim_wechat_user=${guest.id}`, 'POST', `/checkin/${id}/checkin`, { requestId: requestId(), externalUserid: c.ext });
    expect(forged.status).toBe(400);
    expect(await enrolment(c.ext, id)).toBeUndefined();
    // Bad input names the field.
    const bad = await capi(c.cookie, 'POST', `/checkin/${id}/checkin`, { requestId: 'x' });
    expect([bad.status, bad.body.error.field]).toEqual([400, 'requestId']);
    // Another kind's campaign or another corp: 404.
    const lottery = (await q(`INSERT INTO campaigns (corp_id, kind, name, starts_at, status) VALUES ($1, 'lottery', 'l', now(), 'active') RETURNING id`, [pond.corpId])).rows[0].id;
    expect((await tap(c.cookie, lottery)).status).toBe(404);
    // A paused campaign: 409 with the reason.
    await pond.api('POST', `/api/campaigns/${id}/status`, { status: 'paused' });
    const paused = await tap(c.cookie, id);
    expect([paused.status, paused.body.error.message]).toEqual([409, expect.stringContaining('暂停')]);
  });

  it('refuses bad campaign config naming the field, and keeps the terms once customers enrolled', async () => {
    const base = { name: '坏', startsAt: new Date().toISOString() };
    const cases: [unknown, string][] = [
      [{ mode: 'challenge' }, 'config.challengeDays'],
      [{ mode: 'challenge', challengeDays: 1 }, 'config.challengeDays'],
      [{ mode: 'challenge', challengeDays: 366 }, 'config.challengeDays'],
      [{ mode: 'challenge', challengeDays: 21, makeupCards: 11 }, 'config.makeupCards'],
      [{ mode: 'challenge', challengeDays: 7, milestones: [{ days: 8, reward: { kind: 'custom', title: 'x' } }] }, 'config.milestones.0.days'],
      [{ mode: 'daily', milestones: Array.from({ length: 11 }, (_, i) => ({ days: i + 1, reward: { kind: 'custom', title: 'x' } })) }, 'config.milestones'],
      [{ mode: 'daily', milestones: [{ days: 3, reward: { kind: 'coupon', couponPoolId: 999999, title: 'x' } }] }, 'config.milestones.0.reward.couponPoolId'],
      [{ mode: 'sometimes' }, 'config.mode'],
    ];
    for (const [config, field] of cases) {
      const r = await pond.api('POST', '/api/checkins', { ...base, config });
      expect([r.status, r.body.error?.field], JSON.stringify(config)).toEqual([400, field]);
    }
    // Ids in the eligibility and the join code must be the corp's own, live.
    for (const [extra, field] of [[{ eligibility: { tagIds: ['et-nope'] } }, 'eligibility.tagIds.0'], [{ eligibility: { segmentIds: [999999] } }, 'eligibility.segmentIds.0'],
      [{ eligibility: { storeIds: [999999] } }, 'eligibility.storeIds.0'], [{ joinCodeId: 999999 }, 'joinCodeId']] as const) {
      const r = await pond.api('POST', '/api/checkins', { ...base, config: { mode: 'daily' }, ...extra });
      expect([r.status, r.body.error?.field], JSON.stringify(extra)).toEqual([400, field]);
    }
    const paidDaily = await pond.api('POST', '/api/checkins', { ...base, config: { mode: 'daily' }, entry: { kind: 'paid', sku: 'X', priceFen: 100 } });
    expect([paidDaily.status, paidDaily.body.error?.field]).toEqual([400, 'entry']);
    const id = await campaign({ mode: 'challenge', challengeDays: 7 });
    const c = await newCustomer('条款');
    clockAt(realToday(), '10:00');
    await tap(c.cookie, id);
    const change = await pond.api('PATCH', `/api/checkins/${id}`, { config: { mode: 'challenge', challengeDays: 3 } });
    expect([change.status, change.body.error?.field]).toEqual([400, 'config.challengeDays']);
    const rename = await pond.api('PATCH', `/api/checkins/${id}`, { name: '改名', config: { mode: 'challenge', challengeDays: 7, makeupCards: 1 } });
    expect(rename.status, JSON.stringify(rename.body)).toBe(200);
    expect(rename.body).toMatchObject({ name: '改名', config: { makeupCards: 1 } });
  });
});

describe('paid challenge (打卡返现) through the simulator shop', () => {
  const SKU = 'CHECKIN-21';
  let id: number;
  const pay = (wechatId: string) => sim.payOrder(wechatId, { items: [{ name: '21 天打卡挑战报名费', price: 9.9, quantity: 1, sku: SKU }] });

  beforeAll(async () => {
    id = await campaign({ mode: 'challenge', challengeDays: 21, streakRule: 'cumulative' }, { entry: { kind: 'paid', sku: SKU, priceFen: 990, productUrl: 'https://shop.example/checkin' } });
  });

  it('pay the fee → enrolled (once, however often delivered) → 21 check-ins → completed → one cash-back of the fee', async () => {
    const c = await newCustomer('返现');
    clockAt(realToday(), '10:00');
    // Not paid yet: the page says so; a tap is refused.
    expect((await me(c.cookie, id)).body).toMatchObject({ enrolled: false, needsPayment: true, cashback: { amountFen: 990, state: null } });
    expect((await tap(c.cookie, id)).status).toBe(409);
    const order = await pay(c.wechatId);
    await settle();
    const e = await waitFor(() => enrolment(c.ext, id));
    expect(e).toMatchObject({ state: 'active', order_id: order.orderId, fee_fen: 990, start_day: realToday() });
    // The order event again (a re-delivery or a retried inbox event): nothing new.
    await Promise.all([pond.app.orderHooks.onMatched(pond.corpId, order.orderId), pond.app.orderHooks.onMatched(pond.corpId, order.orderId)]);
    expect((await q('SELECT count(*)::int AS n FROM checkin_enrolments WHERE campaign_id = $1 AND external_userid = $2', [id, c.ext])).rows[0].n).toBe(1);

    const d0 = realToday();
    for (let i = 0; i < 20; i++) {
      // Cumulative: a missed day does not matter.
      clockAt(addDays(d0, i < 10 ? i : i + 1), '20:00');
      const r = await tap(c.cookie, id);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.completedNow).toBe(false);
    }
    // The 21st day tapped 10 times at once: one check-in completes it, and the cash-back is one reward.
    clockAt(addDays(d0, 21), '20:00');
    const last = await Promise.all(Array.from({ length: 10 }, () => tap(c.cookie, id)));
    expect(last.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(last.filter((r) => r.body.completedNow)).toHaveLength(1);
    expect(last.filter((r) => r.body.created)).toHaveLength(1);
    const rewards = await rewardsOf(c.ext, id);
    // Not paid out yet (the issuing job may have tried it meanwhile: no payout account in tests).
    const unpaid = expect.stringMatching(/^(pending|issuing|failed)$/);
    expect(rewards).toEqual([{ source_ref: `cashback:${e.id}`, kind: 'cashback', adapter: 'wechatpay', state: unpaid, amount_fen: 990, points: 0 }]);
    expect(await enrolment(c.ext, id)).toMatchObject({ state: 'completed', days: 21, reward_id: expect.any(Number) });
    expect((await me(c.cookie, id)).body).toMatchObject({ state: 'completed', cashback: { amountFen: 990, state: unpaid } });
    const detail = (await pond.api('GET', `/api/checkins/${id}`)).body;
    expect(detail.numbers).toMatchObject({ orders: 1, gmvFen: 990, completed: 1, cashback: { pending: 1, pendingFen: 990 } });
    const list = (await pond.api('GET', `/api/checkins/${id}/participants`)).body;
    expect(list.items[0]).toMatchObject({ externalUserid: c.ext, state: 'completed', days: 21, feeFen: 990, cashbackState: unpaid });

    // A PATCH changes only what it names (the fee and rules stay; they cannot change now anyway).
    const renamed = await pond.api('PATCH', `/api/checkins/${id}`, { name: '21 天打卡（第一期）' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ name: '21 天打卡（第一期）', entry: { kind: 'paid', sku: SKU, priceFen: 990 }, config: { challengeDays: 21 } });
    expect((await pond.api('PATCH', `/api/checkins/${id}`, { entry: { kind: 'free' } })).body.error).toMatchObject({ field: 'entry' });

    // A refund after completion voids the cash-back that has not been paid out yet.
    await sim.refundOrder(c.wechatId, order.orderId);
    await settle();
    await waitFor(async () => (await rewardsOf(c.ext, id))[0].state === 'void');
    expect(await enrolment(c.ext, id)).toMatchObject({ state: 'refunded' });
  });

  it('a refund after the cash-back was paid out does not claw it back', async () => {
    const short = await campaign({ mode: 'challenge', challengeDays: 2, streakRule: 'consecutive' }, { entry: { kind: 'paid', sku: 'CHECKIN-2', priceFen: 500 } });
    const c = await newCustomer('已返现');
    const order = await sim.payOrder(c.wechatId, { items: [{ name: '2 天挑战', price: 5, quantity: 1, sku: 'CHECKIN-2' }, { name: '咖啡', price: 20, quantity: 1 }] });
    await settle();
    const e = await waitFor(() => enrolment(c.ext, short));
    expect(e.fee_fen).toBe(500); // the fee line, not the whole order
    const d0 = realToday();
    clockAt(d0, '09:00');
    await tap(c.cookie, short);
    clockAt(addDays(d0, 1), '09:00');
    expect((await tap(c.cookie, short)).body).toMatchObject({ completedNow: true, cashback: { amountFen: 500, state: expect.stringMatching(/^(pending|issuing|failed)$/) } });
    // The payment adapter paid it (as the issuing job would).
    await q(`UPDATE rewards SET state = 'issued', issued_at = now() WHERE campaign_id = $1 AND external_userid = $2`, [short, c.ext]);
    // A partial refund of the other line leaves the fee paid: nothing changes.
    await sim.refundOrder(c.wechatId, order.orderId, { amount: 20 });
    await settle();
    expect(await enrolment(c.ext, short)).toMatchObject({ state: 'completed' });
    await sim.refundOrder(c.wechatId, order.orderId);
    await settle();
    await waitFor(async () => (await enrolment(c.ext, short))?.state === 'refunded');
    expect((await rewardsOf(c.ext, short)).map((r) => r.state)).toEqual(['issued']);
    expect(await events(c.ext, 'checkin.refunded')).toEqual([expect.objectContaining({ previousState: 'completed', cashbackState: 'issued' })]);
  });

  it('a refund mid-challenge ends it: refunded, no cash-back, taps refused', async () => {
    const c = await newCustomer('中途退款');
    const order = await pay(c.wechatId);
    await settle();
    await waitFor(() => enrolment(c.ext, id));
    const d0 = realToday();
    for (let i = 0; i < 5; i++) { clockAt(addDays(d0, i), '09:00'); await tap(c.cookie, id); }
    await sim.refundOrder(c.wechatId, order.orderId);
    await settle();
    await waitFor(async () => (await enrolment(c.ext, id))?.state === 'refunded');
    for (let i = 5; i < 25; i++) {
      clockAt(addDays(d0, i), '09:00');
      const r = await tap(c.cookie, id);
      expect(r.status).toBe(409);
    }
    expect(await rewardsOf(c.ext, id)).toEqual([]);
    expect(await events(c.ext, 'checkin.refunded')).toEqual([expect.objectContaining({ campaignId: id, orderId: order.orderId, previousState: 'active' })]);
    // The refund event again: nothing more.
    const refundId = (await q('SELECT refund_id FROM order_refunds WHERE corp_id = $1 AND order_id = $2', [pond.corpId, order.orderId])).rows[0].refund_id;
    await pond.app.orderHooks.onRefunded(pond.corpId, order.orderId, refundId);
    expect(await events(c.ext, 'checkin.refunded')).toHaveLength(1);
  });
});
