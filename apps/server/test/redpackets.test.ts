// Planned red-packet rules (定时红包, issue 13 "when, to whom, how much"): rounds in the corp's zone, never more
// packets than a round holds under concurrency, one per customer and round however often they tap, the campaign's
// budget and per-customer total, eligibility, identity from the WeChat session only, and the money paid once
// through the ledger's WeChat Pay adapter to the phone's 零钱.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentOccurrence, nextOccurrence, packetAmount } from '../src/modules/redpackets';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
let corpId: string;
let staffUserid: string;
let seq = 0;

interface Visitor { cookie: string; ext: string | null; wechatId: string }

async function customer(name = `红包客户${++seq}`, tagIds: string[] = []): Promise<Visitor> {
  const u = await pond.app.sim!.control.createWechatUser({ nickname: name });
  const ext = `wmRp${u.id}`;
  await pond.app.pool.query(`INSERT INTO customers (corp_id, external_userid, name, unionid) VALUES ($1, $2, $3, $4)`, [corpId, ext, name, u.unionid]);
  // The customer's tags are the union of their relations' (a trigger keeps customers.tag_ids).
  await pond.app.pool.query(`INSERT INTO follows (corp_id, external_userid, userid, status, tag_ids) VALUES ($1, $2, $3, 'active', $4)`, [corpId, ext, staffUserid, tagIds]);
  return { cookie: `sim_wechat_user=${u.id}`, ext, wechatId: u.id };
}

async function capi(who: Visitor | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (who) headers.cookie = who.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST') headers.origin = pond.baseUrl;
  const res = await fetch(`${pond.baseUrl}/c/api/${corpId}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

const rid = () => `r${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
/** A round that is on whenever the test runs (the whole corp day). */
const ALL_DAY = { weekdays: [], start: '00:00', end: '24:00' };

async function rule(config: object, extra: object = {}): Promise<number> {
  const r = await pond.api('POST', '/api/redpackets', { name: `红包雨 ${++seq}`, startsAt: new Date(Date.now() - 60_000).toISOString(), config, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const s = await pond.api('POST', `/api/campaigns/${r.body.id}/status`, { status: 'active' });
  expect(s.status, JSON.stringify(s.body)).toBe(200);
  return r.body.id;
}

beforeAll(async () => {
  pond = await startTestPond();
  corpId = pond.corpId;
  staffUserid = (await pond.app.pool.query<{ userid: string }>('SELECT userid FROM staff WHERE corp_id = $1 ORDER BY userid LIMIT 1', [corpId])).rows[0].userid;
}, 120_000);

afterAll(async () => { await pond?.close(); });

describe('rounds in the corp zone', () => {
  const tz = 'Asia/Shanghai';
  const slots = [{ weekdays: [], start: '20:00', end: '20:30', count: 5 }, { weekdays: [1], start: '12:00', end: '12:10', count: 9 }];

  it('a round is on between its start and end on its weekdays; 23:59 and 00:01 are two corp days', () => {
    // 2026-12-07 is a Monday; 12:05 Shanghai = 04:05 UTC.
    expect(currentOccurrence(slots, new Date('2026-12-07T04:05:00Z'), tz)).toMatchObject({ key: '2026-12-07#1@12:00', count: 9 });
    // Tuesday 12:05: the Monday-only round is off.
    expect(currentOccurrence(slots, new Date('2026-12-08T04:05:00Z'), tz)).toBeNull();
    expect(currentOccurrence(slots, new Date('2026-12-08T12:29:59Z'), tz)).toMatchObject({ key: '2026-12-08#0@20:00' });
    expect(currentOccurrence(slots, new Date('2026-12-08T12:30:00Z'), tz)).toBeNull();
    const late = [{ weekdays: [], start: '23:00', end: '24:00', count: 1 }];
    expect(currentOccurrence(late, new Date('2026-12-08T15:59:00Z'), tz)?.key).toBe('2026-12-08#0@23:00');
    expect(currentOccurrence(late, new Date('2026-12-08T16:01:00Z'), tz)).toBeNull();
    expect(nextOccurrence(late, new Date('2026-12-08T16:01:00Z'), tz)?.key).toBe('2026-12-09#0@23:00');
    // The next round, and none past the campaign's end.
    expect(nextOccurrence(slots, new Date('2026-12-06T13:00:00Z'), tz)).toMatchObject({ key: '2026-12-07#1@12:00' });
    expect(nextOccurrence(slots, new Date('2026-12-06T13:00:00Z'), tz, new Date('2026-12-07T00:00:00Z'))).toBeNull();
  });

  it('amounts: fixed, or random within the bounds', () => {
    expect(packetAmount({ mode: 'fixed', amountFen: 88 })).toBe(88);
    const seen = Array.from({ length: 200 }, () => packetAmount({ mode: 'random', minFen: 10, maxFen: 12 }));
    expect(new Set(seen)).toEqual(new Set([10, 11, 12]));
  });
});

describe('claims', () => {
  it('40 customers at once on a round of 25: exactly 25 packets; each customer\'s retries answer the same packet', async () => {
    const id = await rule({ amount: { mode: 'random', minFen: 10, maxFen: 50 }, slots: [{ ...ALL_DAY, count: 25 }] });
    const people = await Promise.all(Array.from({ length: 40 }, () => customer()));
    const res = await Promise.all(people.flatMap((p) => [rid(), rid()].map((requestId) => capi(p, 'POST', `/redpackets/${id}/claim`, { requestId }))));
    const ok = res.filter((r) => r.status === 200);
    for (const r of res.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.body.error.details.reason).toBe('sold_out');
    }
    const rewards = (await pond.app.pool.query(`SELECT external_userid, amount_fen FROM rewards WHERE campaign_id = $1 AND state <> 'void'`, [id])).rows;
    expect(rewards).toHaveLength(25);
    expect(new Set(rewards.map((r) => r.external_userid)).size).toBe(25);
    for (const r of rewards) expect(r.amount_fen).toBeGreaterThanOrEqual(10);
    // A customer's two taps answer one packet.
    expect(new Set(ok.map((r) => r.body.rewardId)).size).toBe(25);
    const { rows: [slot] } = await pond.app.pool.query('SELECT count, claimed FROM redpacket_slots WHERE campaign_id = $1', [id]);
    expect(slot).toEqual({ count: 25, claimed: 25 });
    const view = await capi(people[0], 'GET', `/redpackets/${id}`);
    expect(view.body.current).toMatchObject({ count: 25, claimed: 25 });
    const detail = await pond.api('GET', `/api/redpackets/${id}`);
    expect(detail.body.numbers.packets).toBe(25);
    expect(detail.body.occurrences).toHaveLength(1);
  });

  it('the budget refuses what would pass it and gives the round\'s packet back; per-customer total across rounds', async () => {
    const id = await rule({ amount: { mode: 'fixed', amountFen: 100 }, slots: [{ ...ALL_DAY, count: 50 }] }, { budgetTotalFen: 300 });
    const people = await Promise.all(Array.from({ length: 8 }, () => customer()));
    const res = await Promise.all(people.map((p) => capi(p, 'POST', `/redpackets/${id}/claim`, { requestId: rid() })));
    expect(res.filter((r) => r.status === 200)).toHaveLength(3);
    expect(res.filter((r) => r.status === 409).every((r) => r.body.error.details.reason === 'budget_total')).toBe(true);
    expect((await pond.app.pool.query('SELECT claimed FROM redpacket_slots WHERE campaign_id = $1', [id])).rows[0].claimed).toBe(3);

    // One packet per round, at most perCustomerTotal in all (two rounds a day apart, through the service with its clock).
    const t = await rule({ amount: { mode: 'fixed', amountFen: 20 }, slots: [{ weekdays: [], start: '10:00', end: '11:00', count: 10 }], perCustomerTotal: 1 },
      { startsAt: '2020-01-01T00:00:00Z' });
    const me = await customer();
    const session = await sessionOf(me);
    const day1 = new Date('2030-03-04T02:30:00Z'); // 10:30 Shanghai
    const day2 = new Date('2030-03-05T02:30:00Z');
    const first = await pond.app.redpackets.claim(session, t, rid(), day1);
    expect(first.slot).toBe('2030-03-04#0@10:00');
    expect((await pond.app.redpackets.claim(session, t, rid(), day1)).rewardId).toBe(first.rewardId);
    await expect(pond.app.redpackets.claim(session, t, rid(), day2)).rejects.toMatchObject({ extra: { details: { reason: 'total' } } });
    await expect(pond.app.redpackets.claim(session, t, rid(), new Date('2030-03-05T04:00:00Z'))).rejects.toMatchObject({ extra: { details: { reason: 'not_now' } } });
  });

  it('to whom: eligibility by tag (403 with the reason); a guest is told to add first; no session is 401', async () => {
    const group = await pond.api('POST', '/api/tag-groups', { name: `红包 ${++seq}`, tags: [{ name: 'VIP' }] });
    expect(group.status, JSON.stringify(group.body)).toBe(200);
    const tag = group.body.tags[0].id as string;
    const id = await rule({ amount: { mode: 'fixed', amountFen: 30 }, slots: [{ ...ALL_DAY, count: 5 }] }, { eligibility: { tagIds: [tag] } });
    const outsider = await customer();
    const r = await capi(outsider, 'POST', `/redpackets/${id}/claim`, { requestId: rid() });
    expect(r.status).toBe(403);
    expect(r.body.error.details.reason).toBe('ineligible');
    const insider = await customer('VIP', [tag]);
    const inside = await capi(insider, 'POST', `/redpackets/${id}/claim`, { requestId: rid() });
    expect(inside.status, JSON.stringify(inside.body)).toBe(200);
    const u = await pond.app.sim!.control.createWechatUser({ nickname: '路人' });
    const g = await capi({ cookie: `sim_wechat_user=${u.id}`, ext: null, wechatId: u.id }, 'POST', `/redpackets/${id}/claim`, { requestId: rid() });
    expect(g.status).toBe(403);
    expect(g.body.error.message).toContain('请先添加企业微信');
    expect((await capi(null, 'POST', `/redpackets/${id}/claim`, { requestId: rid() })).status).toBe(401);
    // A body naming a customer is refused: identity is the session's.
    expect((await capi(insider, 'POST', `/redpackets/${id}/claim`, { requestId: rid(), externalUserid: outsider.ext })).status).toBe(400);
  });

  it('the packet is paid once to the phone\'s 零钱', async () => {
    const id = await rule({ amount: { mode: 'fixed', amountFen: 66 }, slots: [{ ...ALL_DAY, count: 5 }], title: '周五红包' });
    const me = await customer();
    const before = (await pond.app.sim!.control.payWallet(me.wechatId)).balanceFen;
    const c = await capi(me, 'POST', `/redpackets/${id}/claim`, { requestId: rid() });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    await pond.app.rewards.issueDue();
    await pond.app.rewards.issueDue();
    const { rows: [r] } = await pond.app.pool.query('SELECT state, title FROM rewards WHERE id = $1', [c.body.rewardId]);
    expect(r).toEqual({ state: 'issued', title: '周五红包' });
    expect((await pond.app.sim!.control.payWallet(me.wechatId)).balanceFen - before).toBe(66);
    const view = await capi(me, 'GET', `/redpackets/${id}`);
    expect(view.body.current.mine).toBe(true);
    expect(view.body.mine[0]).toMatchObject({ amountFen: 66, state: 'issued' });
  });

  it('refuses bad rules by field', async () => {
    const bad = async (config: object, field: string) => {
      const r = await pond.api('POST', '/api/redpackets', { name: 'bad', startsAt: new Date().toISOString(), config });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(JSON.stringify(r.body)).toContain(field);
    };
    await bad({ amount: { mode: 'random', minFen: 500, maxFen: 100 }, slots: [{ ...ALL_DAY, count: 1 }] }, 'minFen');
    await bad({ amount: { mode: 'fixed', amountFen: 5 }, slots: [{ ...ALL_DAY, count: 1 }] }, 'amountFen');
    await bad({ amount: { mode: 'fixed', amountFen: 50 }, slots: [{ weekdays: [], start: '20:00', end: '19:00', count: 1 }] }, 'end');
    await bad({ amount: { mode: 'fixed', amountFen: 50 }, slots: [] }, 'slots');
    await bad({ amount: { mode: 'fixed', amountFen: 50 }, slots: [{ weekdays: [7], start: '20:00', end: '21:00', count: 1 }] }, 'weekdays');
  });
});

/** The session a customer's page would have (the simulator phone's WeChat user). */
async function sessionOf(v: Visitor) {
  const corp = (await pond.app.corps.get(corpId))!;
  const { rows: [c] } = await pond.app.pool.query('SELECT unionid, name FROM customers WHERE corp_id = $1 AND external_userid = $2', [corpId, v.ext]);
  return { corp, identity: { key: `u:${c.unionid}`, unionid: c.unionid, openid: null }, customer: { externalUserid: v.ext!, name: c.name, avatar: null } };
}
