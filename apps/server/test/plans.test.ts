// Campaign results and activity plans (issue 15, ADR 0030): every provider's figures against a ground truth computed
// here in plain code from the rows the test wrote (participants, ledger rows of every state, linked and unlinked
// orders, inside and outside the period, in two stores), ROI, the store filter and a store manager's scope; the results
// page against each campaign's own detail page and against a plan's review; plan validation naming the field, linked ids
// checked and scoped; the CSVs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import { refreshAnalytics } from '../src/modules/analytics';

let pond: TestPond;
let seed = 11;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const DAY = 86400_000;
const shDay = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const q = (sql: string, params: unknown[] = []) => pond.app.pool.query(sql, params).then((r) => r.rows);
/** Shanghai midnight of a day, as an instant. */
const startOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`));

let staff: { userid: string; store_id: number }[];
let storeIds: number[];
let seq = 0;

interface Seeded {
  id: number; kind: string;
  parts: { ext: string; store: number | null; at: Date }[];
  rewards: { ext: string; cost: number; state: string; at: Date }[];
  orders: { id: string; ext: string; fen: number; at: Date }[];
  referees: { ext: string | null; at: Date }[];
}
const seeded: Seeded[] = [];

async function customer(ext: string, userid: string): Promise<void> {
  await q(`INSERT INTO customers (corp_id, external_userid, name) VALUES ($1, $2, $2) ON CONFLICT DO NOTHING`, [pond.corpId, ext]);
  await q(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at) VALUES ($1, $2, $3, 'active', now() - interval '90 days') ON CONFLICT DO NOTHING`, [pond.corpId, ext, userid]);
}

async function order(id: string, ext: string, fen: number, at: Date, refundedFen = 0): Promise<void> {
  await q(`INSERT INTO orders (corp_id, order_id, external_userid, amount, refunded_amount, paid_at, payload, matched_at) VALUES ($1, $2, $3, $4, $5, $6, '{}', now())`,
    [pond.corpId, id, ext, (fen / 100).toFixed(2), (refundedFen / 100).toFixed(2), at]);
}

const past = (maxDays: number) => new Date(Date.now() - 60_000 - Math.floor(rnd() * maxDays * DAY));

/** Random participants, rewards (issued / pending / void), linked and unlinked orders, over 60 days and two stores. */
async function seedCampaign(id: number, kind: string, n = 14): Promise<Seeded> {
  const s: Seeded = { id, kind, parts: [], rewards: [], orders: [], referees: [] };
  let referrer: number | null = null;
  if (kind === 'referral') {
    const { rows: [r] } = await pond.app.pool.query(`INSERT INTO referral_referrers (corp_id, campaign_id, kind, code, external_userid) VALUES ($1, $2, 'customer', $3, $4) RETURNING id`,
      [pond.corpId, id, `rf${id}x${++seq}`, `pl_ref_${id}`]);
    referrer = Number(r.id);
    await customer(`pl_ref_${id}`, staff[0].userid);
  }
  for (let i = 0; i < n; i++) {
    const ext = `pl_${kind}_${id}_${i}`;
    const who = pick(staff);
    await customer(ext, who.userid);
    const at = past(60);
    const store = rnd() < 0.15 ? null : who.store_id;
    await q(`INSERT INTO campaign_participants (corp_id, campaign_id, external_userid, userid, store_id, joined_at) VALUES ($1, $2, $3, $4, $5, $6)`, [pond.corpId, id, ext, who.userid, store, at]);
    s.parts.push({ ext, store, at });
    if (rnd() < 0.7) {
      const cost = 1 + Math.floor(rnd() * 500);
      const state = pick(['issued', 'issued', 'pending', 'void']);
      const rat = new Date(Math.min(Date.now() - 1000, at.getTime() + rnd() * 3 * DAY));
      await q(`INSERT INTO rewards (corp_id, external_userid, campaign_id, source, source_ref, kind, adapter, title, cost_fen, amount_fen, state, created_at)
               VALUES ($1, $2, $3, $4, $5, 'points', 'points', 'r', $6, 0, $7, $8)`, [pond.corpId, ext, id, kind === 'coupon' ? 'coupon' : kind, `pl:${++seq}`, cost, state, rat]);
      s.rewards.push({ ext, cost, state, at: rat });
    }
    // An order of the customer's that the campaign did not bring: never counted.
    if (rnd() < 0.4) await order(`pl_other_${++seq}`, ext, 999, new Date(at.getTime() + 1000));
    if (rnd() < 0.6) {
      const oid = `pl_o_${++seq}`;
      const fen = 100 + Math.floor(rnd() * 30000);
      const refund = rnd() < 0.2 ? Math.floor(fen / 2) : 0;
      const oat = new Date(Math.min(Date.now() - 1000, at.getTime() + rnd() * 5 * DAY));
      await order(oid, ext, fen, oat, refund);
      s.orders.push({ id: oid, ext, fen: fen - refund, at: oat });
      if (kind === 'lottery') await q(`INSERT INTO lottery_entries (corp_id, campaign_id, external_userid, source, order_id, order_seq) VALUES ($1, $2, $3, 'paid', $4, 0)`, [pond.corpId, id, ext, oid]);
      if (kind === 'checkin') await q(`INSERT INTO checkin_enrolments (corp_id, campaign_id, external_userid, start_day, order_id) VALUES ($1, $2, $3, $4, $5)`, [pond.corpId, id, ext, shDay(at), oid]);
      if (kind === 'coupon') {
        const { rows: [p] } = await pond.app.pool.query(`SELECT (config->>'couponPoolId')::bigint AS pool FROM campaigns WHERE id = $1`, [id]);
        await q(`INSERT INTO coupon_codes (corp_id, code, pool_id, campaign_id, external_userid, state, order_id) VALUES ($1, $2, $3, $4, $5, 'redeemed', $6)`, [pond.corpId, `PLC${++seq}`, p.pool, id, ext, oid]);
      }
      if (kind === 'referral') {
        await q(`INSERT INTO referral_commissions (corp_id, campaign_id, referrer_id, referee_external_userid, order_id, via, order_seq, rate_bp, order_fen, amount_fen, paid_at, matures_at)
                 VALUES ($1, $2, $3, $4, $5, 'link', 1, 1000, $6, $7, $8, $8)`, [pond.corpId, id, referrer, ext, oid, fen - refund, Math.floor((fen - refund) / 10), oat]);
      }
    }
    if (kind === 'referral') {
      const rat = past(60);
      const ext2 = rnd() < 0.5 ? ext : null;
      await q(`INSERT INTO referral_referees (corp_id, campaign_id, referee_key, referrer_id, via, touched_at, expires_at, external_userid) VALUES ($1, $2, $3, $4, 'link', $5::timestamptz, $5::timestamptz + interval '30 days', $6)`,
        [pond.corpId, id, `u:pl${++seq}`, referrer, rat, ext2]);
      s.referees.push({ ext: ext2, at: rat });
    }
  }
  seeded.push(s);
  return s;
}

/** What the results page must show for a seeded campaign over [lo, hi), in `store` (null: all). */
function truthOf(s: Seeded, lo: Date, hi: Date, store: number | null) {
  const inP = (at: Date) => at >= lo && at < hi;
  const inStore = (ext: string | null) => store === null || (ext !== null && s.parts.some((p) => p.ext === ext && p.store === store));
  const participants = s.parts.filter((p) => inP(p.at) && (store === null || p.store === store)).length;
  const orders = s.orders.filter((o) => inP(o.at) && inStore(o.ext));
  const cost = s.rewards.filter((r) => r.state !== 'void' && inP(r.at) && inStore(r.ext)).reduce((a, r) => a + r.cost, 0);
  const gmv = orders.reduce((a, o) => a + o.fen, 0);
  const reach = s.kind === 'referral' ? s.referees.filter((r) => inP(r.at) && (r.ext === null || inStore(r.ext))).length : participants;
  return {
    reach, participants, conversions: new Set(orders.map((o) => o.ext)).size, orders: orders.length, gmv: gmv / 100, cost: cost / 100,
    roi: cost ? Math.round((gmv / cost) * 10000) / 10000 : null,
  };
}

async function created(path: string, body: object): Promise<number> {
  const r = await pond.api('POST', path, { name: `${path} ${++seq}`, startsAt: new Date(Date.now() - 70 * DAY).toISOString(), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect((await pond.api('POST', `/api/campaigns/${r.body.id}/status`, { status: 'active' })).status).toBe(200);
  return r.body.id;
}

const ids: Record<string, number> = {};
let today: string;

beforeAll(async () => {
  pond = await startTestPond();
  staff = (await q('SELECT userid, store_id FROM staff WHERE corp_id = $1 AND store_id IS NOT NULL ORDER BY userid', [pond.corpId])).map((s) => ({ userid: s.userid, store_id: Number(s.store_id) }));
  storeIds = [...new Set(staff.map((s) => s.store_id))];
  expect(storeIds.length).toBeGreaterThan(1);
  today = shDay(new Date());
  const { rows: [pool] } = await pond.app.pool.query(`INSERT INTO coupon_pools (corp_id, name, face_value_fen) VALUES ($1, 'pool', 500) RETURNING id`, [pond.corpId]);
  ids.lottery = await created('/api/lotteries', { prizes: [{ name: '积分', kind: 'points', weight: 1, points: 5, stock: 100 }] });
  ids.checkin = await created('/api/checkins', { config: { mode: 'daily' } });
  ids.coupon = await created('/api/offers/coupon', { config: { couponPoolId: Number(pool.id) } });
  ids.referral = await created('/api/referrals', { config: { attributionDays: 30, refundWindowDays: 7, rateTiers: [{ fromOrder: 1, rateBp: 1000 }], minPayoutFen: 100 } });
  for (const k of ['lottery', 'checkin', 'coupon', 'referral']) await seedCampaign(ids[k], k);
}, 180_000);

afterAll(async () => { await pond?.close(); });

const results = async (query: string, token?: string) => {
  const r = await pond.api('GET', `/api/results?${query}`, undefined, token ? { token } : {});
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const rowOf = (body: any, kind: string, id: number) => body.rows.find((r: any) => r.kind === kind && r.id === id);

describe('campaign results', () => {
  it('every campaign kind agrees with the ground truth over a period, in all stores and in one', async () => {
    const from = addDays(today, -29);
    const lo = startOf(from);
    const hi = startOf(addDays(today, 1));
    const all = await results(`from=${from}&to=${today}`);
    const store = storeIds[0];
    const one = await results(`from=${from}&to=${today}&storeId=${store}`);
    expect(seeded).toHaveLength(4);
    for (const s of seeded) {
      const t = truthOf(s, lo, hi, null);
      expect(t.participants + t.orders, `${s.kind}: the seed put rows in the period`).toBeGreaterThan(0);
      expect(rowOf(all, s.kind, s.id), s.kind).toMatchObject(t);
      expect(rowOf(one, s.kind, s.id), `${s.kind} in store ${store}`).toMatchObject(truthOf(s, lo, hi, store));
    }
    // Totals are sums; ROI of the sums.
    const gmv = all.rows.reduce((a: number, r: any) => a + Math.round(r.gmv * 100), 0);
    const cost = all.rows.reduce((a: number, r: any) => a + Math.round(r.cost * 100), 0);
    expect(all.totals).toMatchObject({ gmv: gmv / 100, cost: cost / 100, roi: cost ? Math.round((gmv / cost) * 10000) / 10000 : null });
    expect(all.kinds.map((k: any) => k.kind)).toEqual(expect.arrayContaining(['live_code', 'broadcast', 'playbook', 'lottery', 'referral', 'redpacket']));
  });

  it('sorts by any figure, filters by kind, refuses a bad period, kind or store naming the field', async () => {
    const from = addDays(today, -59);
    const byGmv = await results(`from=${from}&to=${today}&sort=gmv&order=desc`);
    const gmvs = byGmv.rows.map((r: any) => r.gmv);
    expect(gmvs.length).toBeGreaterThan(3);
    expect(gmvs).toEqual([...gmvs].sort((a: number, b: number) => b - a));
    const byCost = await results(`from=${from}&to=${today}&sort=cost&order=asc`);
    const costs = byCost.rows.map((r: any) => r.cost);
    expect(costs).toEqual([...costs].sort((a: number, b: number) => a - b));
    const lotteries = await results(`from=${from}&to=${today}&kind=lottery`);
    expect(lotteries.rows.length).toBeGreaterThan(0);
    expect(lotteries.rows.every((r: any) => r.kind === 'lottery')).toBe(true);
    for (const [query, field] of [['from=2026-02-01&to=2026-01-01', 'from'], ['from=2024-01-01&to=2026-01-01', 'to'], ['kind=nope', 'kind'], ['sort=size', 'sort'],
      ['storeId=999999', 'storeId'], ['from=2026-13-01', 'from']] as const) {
      const r = await pond.api('GET', `/api/results?${query}`);
      expect([r.status, r.body.error?.field], query).toEqual([400, field]);
    }
  });

  it('a store manager sees their stores’ figures and no broadcasts; staff are refused', async () => {
    const store = storeIds[1];
    const { token } = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'sm', role: 'store_manager', storeIds: [store] });
    const from = addDays(today, -29);
    const mine = await results(`from=${from}&to=${today}`, token);
    for (const s of seeded) expect(rowOf(mine, s.kind, s.id), s.kind).toMatchObject(truthOf(s, startOf(from), startOf(addDays(today, 1)), store));
    expect(mine.rows.some((r: any) => r.kind === 'broadcast')).toBe(false);
    expect(mine.kinds.some((k: any) => k.kind === 'broadcast')).toBe(false);
    const other = storeIds[0];
    expect((await pond.api('GET', `/api/results?storeId=${other}`, undefined, { token })).status).toBe(400);
    const st = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'st', role: 'staff', staffUserid: staff[0].userid });
    expect((await pond.api('GET', '/api/results', undefined, { token: st.token })).status).toBe(403);
  });

  it('live codes: visitors, adds, and orders by last touch as Measure · Commerce shows them', async () => {
    const { rows: [code] } = await pond.app.pool.query(`INSERT INTO live_codes (corp_id, key, kind, name, channel, store_id, state) VALUES ($1, 'pl-code', 'staff', '门店海报', 'poster', $2, 'pl-code') RETURNING id`,
      [pond.corpId, storeIds[0]]);
    const codeId = Number(code.id);
    const who = staff.find((s) => s.store_id === storeIds[0])!;
    const visits: { key: string; at: Date }[] = [];
    for (let i = 0; i < 12; i++) visits.push({ key: `v${i % 7}`, at: past(40) });
    for (const v of visits) {
      await q(`INSERT INTO code_visits (corp_id, code_id, visitor_key, visitor_kind, userid, store_id, reason, created_at) VALUES ($1, $2, $3, 'cookie', $4, $5, 'strategy', $6)`,
        [pond.corpId, codeId, v.key, who.userid, storeIds[0], v.at]);
    }
    const adds: { ext: string; at: Date }[] = [];
    for (let i = 0; i < 5; i++) {
      const ext = `pl_lc_${i}`;
      const at = past(40);
      await q(`INSERT INTO customers (corp_id, external_userid, name, first_added_at) VALUES ($1, $2, $2, $3)`, [pond.corpId, ext, at]);
      await q(`INSERT INTO follows (corp_id, external_userid, userid, status, added_at) VALUES ($1, $2, $3, 'active', $4)`, [pond.corpId, ext, who.userid, at]);
      await q(`INSERT INTO customer_events (corp_id, external_userid, type, userid, occurred_at) VALUES ($1, $2, 'customer.added', $3, $4)`, [pond.corpId, ext, who.userid, at]);
      await q(`INSERT INTO attributions (corp_id, external_userid, userid, code_id, channel, store_id, added_at) VALUES ($1, $2, $3, $4, 'poster', $5, $6)`,
        [pond.corpId, ext, who.userid, codeId, storeIds[0], at]);
      adds.push({ ext, at });
    }
    // One order 2 days after an add (inside the window: last touch = the code), one by a customer without the code.
    const buyer = adds[0];
    const paid = new Date(Math.min(Date.now() - 1000, buyer.at.getTime() + 2 * DAY));
    await order('pl_lc_o1', buyer.ext, 12345, paid);
    await q(`INSERT INTO customer_events (corp_id, external_userid, type, occurred_at, data) VALUES ($1, $2, 'order.paid', $3, '{"orderId":"pl_lc_o1"}')`, [pond.corpId, buyer.ext, paid]);
    await refreshAnalytics(pond.app.pool, pond.corpId, { full: true, lagSeconds: 0 });
    const from = addDays(today, -29);
    const lo = startOf(from);
    const perDay = new Map<string, Set<string>>();
    for (const v of visits.filter((x) => x.at >= lo)) perDay.set(shDay(v.at), new Set([...(perDay.get(shDay(v.at)) ?? []), v.key]));
    const visitors = [...perDay.values()].reduce((a, s) => a + s.size, 0);
    const added = adds.filter((a) => a.at >= lo).length;
    const bought = paid >= lo ? 1 : 0;
    const row = rowOf(await results(`from=${from}&to=${today}&kind=live_code`), 'live_code', codeId);
    expect(row).toMatchObject({ reach: visitors, participants: added, conversions: added, orders: bought, gmv: bought ? 123.45 : 0, cost: 0, roi: null });
    expect(row.conversionRate).toBe(visitors ? Math.round((added / visitors) * 10000) / 10000 : null);
    // The same as the code's own stats and the commerce page's breakdown by code.
    const stats = await pond.api('GET', `/api/live-codes/${codeId}/stats?from=${from}&to=${today}`);
    expect(stats.status, JSON.stringify(stats.body)).toBe(200);
    expect([stats.body.total.visitors, stats.body.total.adds]).toEqual([row.reach, row.participants]);
    const commerce = await pond.api('GET', `/api/analytics/commerce?from=${from}&to=${today}&by=code&touch=last`);
    expect(commerce.body.rows.find((r: any) => r.key === String(codeId))?.orders ?? 0).toBe(row.orders);
  });

  it('broadcasts and playbooks: reach delivered, orders of recipients within the window after the send', async () => {
    const sentAt = new Date(Date.now() - 5 * DAY);
    const { rows: [b] } = await pond.app.pool.query(
      `INSERT INTO broadcasts (corp_id, kind, name, content, audience, status, sent_at) VALUES ($1, 'customer', '周末群发', '{"text":"hi"}', '{}', 'done', $2) RETURNING id`, [pond.corpId, sentAt]);
    const bid = Number(b.id);
    const targets = ['pl_b1', 'pl_b2', 'pl_b3', 'pl_b4'];
    for (const [i, t] of targets.entries()) {
      await customer(t, staff[0].userid);
      await q(`INSERT INTO broadcast_targets (corp_id, broadcast_id, target_id, sender_userid, status, sent_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [pond.corpId, bid, t, staff[0].userid, i < 3 ? 'sent' : 'skipped', i < 3 ? sentAt : null]);
    }
    await order('pl_b_o1', 'pl_b1', 5000, new Date(sentAt.getTime() + DAY));
    await order('pl_b_o2', 'pl_b1', 3000, new Date(sentAt.getTime() + 2 * DAY));
    await order('pl_b_o3', 'pl_b2', 7000, new Date(sentAt.getTime() - DAY)); // before the send
    await order('pl_b_o4', 'pl_b4', 9000, new Date(sentAt.getTime() + DAY)); // skipped: not reached
    const { rows: [pb] } = await pond.app.pool.query(`INSERT INTO playbooks (corp_id, kind, name, status) VALUES ($1, 'customer', '新客 SOP', 'active') RETURNING id`, [pond.corpId]);
    const pid = Number(pb.id);
    for (const [i, t] of ['pl_p1', 'pl_p2'].entries()) {
      await customer(t, staff[0].userid);
      await q(`INSERT INTO playbook_enrolments (corp_id, playbook_id, external_userid, owner_userid, source, enrolled_at) VALUES ($1, $2, $3, $4, 'manual', $5)`, [pond.corpId, pid, t, staff[0].userid, sentAt]);
      await q(`INSERT INTO playbook_runs (corp_id, playbook_id, step_id, target_kind, target_id, occurrence, owner_userid, delivery, due_at, status, sent_at)
               VALUES ($1, $2, 1, 'customer', $3, 'e', $4, 'task', $5, $6, $5)`, [pond.corpId, pid, t, staff[0].userid, sentAt, i === 0 ? 'sent' : 'skipped']);
    }
    await order('pl_p_o1', 'pl_p1', 4200, new Date(sentAt.getTime() + 3 * DAY));
    await order('pl_p_o2', 'pl_p2', 4200, new Date(sentAt.getTime() + 3 * DAY)); // not reached (skipped)
    const body = await results(`from=${addDays(today, -29)}&to=${today}`);
    expect(rowOf(body, 'broadcast', bid)).toMatchObject({ reach: 3, participants: 3, conversions: 1, orders: 2, gmv: 80, cost: 0, roi: null });
    expect(rowOf(body, 'playbook', pid)).toMatchObject({ reach: 1, participants: 2, conversions: 1, orders: 1, gmv: 42 });
    ids.broadcast = bid;
    ids.playbook = pid;
  });

  it('each campaign’s own detail page shows the same figures as the results page (whole campaign)', async () => {
    const body = await results(`from=${addDays(today, -365)}&to=${today}`);
    const pages: [string, string][] = [['lottery', '/api/lotteries'], ['checkin', '/api/checkins'], ['coupon', '/api/offers'], ['referral', '/api/referrals']];
    for (const [kind, path] of pages) {
      const d = await pond.api('GET', `${path}/${ids[kind]}`);
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      const n = d.body.numbers;
      const r = rowOf(body, kind, ids[kind]);
      expect({ orders: r.orders, gmvFen: Math.round(r.gmv * 100), costFen: Math.round(r.cost * 100) }, kind).toEqual({ orders: n.orders, gmvFen: n.gmvFen, costFen: n.costFen });
      if (kind !== 'checkin') expect(r.participants, kind).toBe(n.participants);
    }
  });

  it('CSV: one line per row, the same figures', async () => {
    const from = addDays(today, -29);
    const res = await fetch(`${pond.baseUrl}/api/results.csv?from=${from}&to=${today}&kind=lottery`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await res.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    const row = rowOf(await results(`from=${from}&to=${today}&kind=lottery`), 'lottery', ids.lottery);
    expect(lines[0]).toContain('ROI');
    const line = lines.find((l) => l.startsWith(`lottery,${ids.lottery},`))!;
    expect(line.split(',').slice(4, 7).map(Number)).toEqual([row.reach, row.participants, row.conversions]);
    expect(line.split(',')[9]).toBe(row.gmv.toFixed(2));
  });
});

describe('plans', () => {
  const base = () => ({
    name: '双十一拉新', purpose: '拉新并促复购', theme: '双十一', goal: { metric: 'participants', target: 10 }, reserve: '奖品 200 份',
    budgetFen: 50000, channels: [{ name: 'poster', note: '门店海报' }, { name: '社群', note: '' }], startsOn: addDays(today, -29), endsOn: addDays(today, 5),
    milestones: [{ date: addDays(today, -20), label: '物料到店', done: true }, { date: addDays(today, -1), label: '群发预热', done: false }],
    expected: [{ metric: 'campaign_gmv', target: 500 }, { metric: 'new_customers', target: 20 }], expectedText: '新客 20',
    links: { campaignIds: [ids.lottery, ids.referral], liveCodeIds: [], broadcastIds: [ids.broadcast], playbookIds: [ids.playbook] },
  });

  it('bad input names the field; linked ids must be the corp’s', async () => {
    const cases: [object, string][] = [
      [{ name: '' }, 'name'], [{ goal: { metric: 'likes', target: 1 } }, 'goal.metric'], [{ goal: { metric: 'gmv', target: -1 } }, 'goal.target'],
      [{ goal: { metric: 'repurchase_rate', target: 2 } }, 'goal.target'], [{ endsOn: addDays(today, -40) }, 'endsOn'], [{ startsOn: '2026-02-30' }, 'startsOn'],
      [{ milestones: [{ date: 'soon', label: 'x' }] }, 'milestones.0.date'], [{ budgetFen: 1.5 }, 'budgetFen'],
      [{ expected: [{ metric: 'gmv', target: 1 }, { metric: 'gmv', target: 2 }] }, 'expected.1.metric'],
      [{ links: { campaignIds: [999999] } }, 'links.campaignIds.0'], [{ links: { liveCodeIds: [999999] } }, 'links.liveCodeIds.0'],
      [{ links: { broadcastIds: [999999] } }, 'links.broadcastIds.0'], [{ links: { playbookIds: [999999] } }, 'links.playbookIds.0'], [{ storeId: 999999 }, 'storeId'],
      [{ surprise: 1 }, ''],
    ];
    for (const [patch, field] of cases) {
      const r = await pond.api('POST', '/api/plans', { ...base(), ...patch });
      expect(r.status, JSON.stringify(patch)).toBe(400);
      if (field) expect(r.body.error.field, JSON.stringify(patch)).toBe(field);
    }
    expect((await q('SELECT count(*)::int AS n FROM plans')).at(0).n).toBe(0);
    // Another corp's campaign is not linkable (the same 400 as a missing one).
    await q(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token) VALUES ('pl-other', 'other', '1', 'x', 'x', 'x', 'http://127.0.0.1:1', 'x') ON CONFLICT DO NOTHING`);
    const { rows: [foreign] } = await pond.app.pool.query(`INSERT INTO campaigns (corp_id, kind, name, starts_at) VALUES ('pl-other', 'lottery', 'x', now()) RETURNING id`);
    const r = await pond.api('POST', '/api/plans', { ...base(), links: { campaignIds: [Number(foreign.id)] } });
    expect([r.status, r.body.error?.field]).toEqual([400, 'links.campaignIds.0']);
    // A PATCH's days are checked against the stored ones.
    const ok = await pond.api('POST', '/api/plans', base());
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const bad = await pond.api('PATCH', `/api/plans/${ok.body.id}`, { endsOn: addDays(today, -60) });
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'endsOn']);
    expect((await pond.api('DELETE', `/api/plans/${ok.body.id}`)).status).toBe(200);
  });

  it('the review: goal and metrics against the results page and Measure, per day, cost against budget, what was sent, CSV', async () => {
    await refreshAnalytics(pond.app.pool, pond.corpId, { full: true, lagSeconds: 0 });
    const created = await pond.api('POST', '/api/plans', base());
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const id = created.body.id;
    const rv = await pond.api('GET', `/api/plans/${id}/review`);
    expect(rv.status, JSON.stringify(rv.body)).toBe(200);
    const r = rv.body;
    const from = addDays(today, -29);
    const to = addDays(today, 5);
    const page = await results(`from=${from}&to=${to}`);
    const linked = [rowOf(page, 'lottery', ids.lottery), rowOf(page, 'referral', ids.referral), rowOf(page, 'broadcast', ids.broadcast), rowOf(page, 'playbook', ids.playbook)];
    expect(r.linked.map((x: any) => `${x.kind}:${x.id}`).sort()).toEqual(linked.map((x) => `${x.kind}:${x.id}`).sort());
    for (const l of linked) expect(r.linked.find((x: any) => x.kind === l.kind && x.id === l.id)).toEqual(l);
    const participants = linked.reduce((a, l) => a + l.participants, 0);
    const costFen = linked.reduce((a, l) => a + Math.round(l.cost * 100), 0);
    const gmvFen = linked.reduce((a, l) => a + Math.round(l.gmv * 100), 0);
    expect(r.goal).toEqual({ metric: 'participants', target: 10, actual: participants, progress: Math.round((participants / 10) * 10000) / 10000 });
    expect(r.metrics.find((m: any) => m.metric === 'campaign_gmv')).toMatchObject({ target: 500, actual: gmvFen / 100 });
    expect(r.cost).toEqual({ spent: costFen / 100, budget: 500, ratio: Math.round((costFen / 100 / 500) * 10000) / 10000 });
    // Per day: the linked campaigns' participants and cost add up to the totals; Measure's numbers to its pages'.
    expect(r.days).toHaveLength(35);
    const campaignsOnly = linked.filter((l) => l.kind === 'lottery' || l.kind === 'referral');
    expect(r.days.reduce((a: number, d: any) => a + d.participants, 0)).toBe(campaignsOnly.reduce((a, l) => a + l.participants, 0));
    expect(Math.round(r.days.at(-1).cumulativeCost * 100)).toBe(costFen);
    const commerce = (await pond.api('GET', `/api/analytics/commerce?from=${from}&to=${to}`)).body;
    const funnel = (await pond.api('GET', `/api/analytics/funnel?from=${from}&to=${to}`)).body;
    expect(r.metrics.find((m: any) => m.metric === 'gmv').actual).toBe(commerce.gmv);
    expect(r.metrics.find((m: any) => m.metric === 'orders').actual).toBe(commerce.orders);
    expect(r.metrics.find((m: any) => m.metric === 'new_customers')).toMatchObject({ target: 20, actual: funnel.totals.added });
    expect(Math.round(r.days.reduce((a: number, d: any) => a + d.gmv, 0) * 100)).toBe(Math.round(commerce.gmv * 100));
    // Channels: the planned ones first; what was sent, the linked broadcast marked.
    expect(r.channels.slice(0, 2).map((c: any) => [c.channel, c.planned])).toEqual([['poster', true], ['社群', true]]);
    expect(r.sent.find((s: any) => s.kind === 'broadcast' && s.id === ids.broadcast)).toMatchObject({ linked: true, count: 3 });
    expect(r.sent.find((s: any) => s.kind === 'playbook' && s.id === ids.playbook)).toMatchObject({ linked: true, count: 1 });
    expect(r.milestones.map((m: any) => m.overdue)).toEqual([false, true]);
    expect(r.state).toBe('running');
    // Notes are kept; the CSV carries the same figures.
    const notes = await pond.api('PATCH', `/api/plans/${id}`, { review: { worked: '海报转化好', didnt: '群发太晚', next: '提前一周' }, status: 'done' });
    expect(notes.status, JSON.stringify(notes.body)).toBe(200);
    expect((await pond.api('GET', `/api/plans/${id}`)).body).toMatchObject({ status: 'done', review: { worked: '海报转化好', didnt: '群发太晚', next: '提前一周' }, name: '双十一拉新' });
    const res = await fetch(`${pond.baseUrl}/api/plans/${id}/review.csv`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\ufeff/, '').trim().split('\r\n');
    const goalLine = lines.find((l) => l.startsWith('指标 metric,participants,'))!;
    expect(goalLine.split(',').slice(2, 4).map(Number)).toEqual([10, participants]);
    expect(lines.filter((l) => l.startsWith('每日 day,'))).toHaveLength(35);
    expect(lines.some((l) => l.startsWith(`关联 lottery,`))).toBe(true);
  });

  it('a store manager reads their stores’ plans and their stores’ numbers only; writes are admins’ and operators’', async () => {
    const [otherStore, myStore] = storeIds;
    const links = { campaignIds: [ids.lottery, ids.referral], liveCodeIds: [], broadcastIds: [], playbookIds: [ids.playbook] };
    const plan = async (name: string, storeId: number | null) => {
      const r = await pond.api('POST', '/api/plans', { ...base(), name, storeId, links });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.id as number;
    };
    const mine = await plan('本店计划', myStore);
    const theirs = await plan('别店计划', otherStore);
    const corpWide = await plan('全公司计划', null);
    const sm = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'sm2', role: 'store_manager', storeIds: [myStore] });
    const as = (method: string, path: string, body?: unknown) => pond.api(method, path, body, { token: sm.token });

    // The list: their store's plan, not another store's nor the corp's.
    const list = (await as('GET', '/api/plans')).body;
    expect(list.items.map((x: any) => x.id)).toContain(mine);
    expect(list.items.every((x: any) => x.storeId === myStore)).toBe(true);
    expect(list.total).toBe(list.items.length);
    // Another store's plan and the corp's: not found, whichever way it is asked for.
    for (const id of [theirs, corpWide]) {
      for (const path of [`/api/plans/${id}`, `/api/plans/${id}/review`, `/api/plans/${id}/review.csv`]) expect((await as('GET', path)).status, path).toBe(404);
    }
    // Read only.
    expect((await as('POST', '/api/plans', { ...base(), storeId: myStore, links })).status).toBe(403);
    expect((await as('PATCH', `/api/plans/${mine}`, { name: 'x' })).status).toBe(403);
    expect((await as('DELETE', `/api/plans/${mine}`)).status).toBe(403);

    // Their plan's review is the store's numbers: the linked lottery's participants of their store, not the corp's.
    const period = [startOf(addDays(today, -29)), startOf(addDays(today, 6))] as const;
    const lottery = seeded.find((x) => x.kind === 'lottery')!;
    const theirsTruth = truthOf(lottery, ...period, myStore);
    expect(truthOf(lottery, ...period, null).participants).toBeGreaterThan(theirsTruth.participants);
    const rv = await as('GET', `/api/plans/${mine}/review`);
    expect(rv.status, JSON.stringify(rv.body)).toBe(200);
    expect(rv.body.linked.find((l: any) => l.kind === 'lottery')).toMatchObject(theirsTruth);
    // …the same as an admin reading the store's plan, except what was sent: a store manager sees no broadcasts.
    const admin = (await pond.api('GET', `/api/plans/${mine}/review`)).body;
    const { sent, ...rest } = rv.body;
    const { sent: adminSent, ...adminRest } = admin;
    expect(rest).toEqual(adminRest);
    expect(sent.some((x: any) => x.kind === 'broadcast')).toBe(false);
    expect(adminSent.some((x: any) => x.kind === 'broadcast')).toBe(true);
    const csv = await fetch(`${pond.baseUrl}/api/plans/${mine}/review.csv`, { headers: { authorization: `Bearer ${sm.token}` } });
    expect(csv.status).toBe(200);
    // Staff see no plans.
    const st = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'st2', role: 'staff', staffUserid: staff[0].userid });
    expect((await pond.api('GET', '/api/plans', undefined, { token: st.token })).status).toBe(403);
    expect((await pond.api('GET', `/api/plans/${mine}/review`, undefined, { token: st.token })).status).toBe(403);
  });

  it('another corp’s plan is not found', async () => {
    const { rows: [foreign] } = await pond.app.pool.query(`INSERT INTO plans (corp_id, name, goal_metric, goal_target, starts_on, ends_on, links) VALUES ('pl-other', 'x', 'gmv', 1, now(), now(), '{}') RETURNING id`);
    expect((await pond.api('GET', `/api/plans/${foreign.id}/review`)).status).toBe(404);
    expect((await pond.api('PATCH', `/api/plans/${foreign.id}`, { name: 'mine' })).status).toBe(404);
    expect((await pond.api('GET', '/api/plans')).body.items.some((x: any) => x.id === Number(foreign.id))).toBe(false);
  });
});
