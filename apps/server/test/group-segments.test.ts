// Group segments against ground truth: random groups, members and owner statistics added to the demo
// corp, random rules evaluated in SQL by Pond and here in plain code from the raw tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import type { GroupSegmentRule as GroupRuleNode } from '@pond/contracts/group-segments';
import { beijingDay } from '../src/modules/groups/stats';

let pond: TestPond;
interface Truth {
  chatId: string; tier: string | null; labels: string[]; owner: string | null; store: number | null; members: number; customers: number;
  created: Date | null; status: string; joins: Date[]; leaves: Date[];
}
interface Stat { owner: string; day: string; chatTotal: number; msgTotal: number; memberHasMsg: number }
let truth: Truth[];
let stats: Stat[];
let owners: string[];
let stores: number[];
let synced: { days: number; last: string; msgs: number; speakers: number };

const TIERS = ['VIP', '会员', '新人'];
const LABELS = ['上海', '北京', '咖啡', '烘焙', '亲子'];
const DAY = 86_400_000;
let seed = 7;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
const some = <T,>(xs: T[], max = 3): T[] => [...new Set(Array.from({ length: 1 + Math.floor(rnd() * max) }, () => pick(xs)))];

beforeAll(async () => {
  pond = await startTestPond();
  const db = pond.app.pool;
  const corp = pond.corpId;
  ({ rows: [synced] } = await db.query(
    `SELECT count(DISTINCT day)::int AS days, max(day)::text AS last, sum(msg_total)::int AS msgs, sum(member_has_msg)::int AS speakers
     FROM group_owner_stats WHERE corp_id = $1`, [corp]));
  const { rows: staff } = await db.query(`SELECT userid, store_id FROM staff WHERE corp_id = $1 ORDER BY userid`, [corp]);
  stores = [...new Set(staff.map((s) => Number(s.store_id)).filter((x) => x))];
  owners = [...staff.map((s) => s.userid as string), 'rg_owner_a', 'rg_owner_b'];
  // 120 random groups with members who joined and left over the last 60 days.
  for (let i = 0; i < 120; i++) {
    const members = Math.floor(rnd() * 200);
    const chatId = `rg_${i}`;
    await db.query(
      `INSERT INTO groups (corp_id, chat_id, name, owner_userid, member_count, customer_count, store_id, tier, labels, status, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
      [corp, chatId, `随机群${i}`, rnd() < 0.1 ? null : pick(owners), members, Math.floor(members * rnd()), rnd() < 0.2 ? null : pick(stores),
       rnd() < 0.25 ? null : pick(TIERS), rnd() < 0.2 ? [] : some(LABELS), rnd() < 0.8 ? 'active' : 'dismissed',
       rnd() < 0.05 ? null : new Date(Date.now() - rnd() * 120 * DAY)]);
    const rows = Array.from({ length: Math.floor(rnd() * 12) }, (_, k) => {
      const joined = rnd() < 0.1 ? null : new Date(Date.now() - rnd() * 60 * DAY);
      const left = joined && rnd() < 0.4 ? new Date(joined.getTime() + rnd() * (Date.now() - joined.getTime())) : null;
      return { id: `m${k}`, joined, left };
    });
    for (const m of rows) {
      await db.query(`INSERT INTO group_members (corp_id, chat_id, member_id, type, join_time, left_at) VALUES ($1,$2,$3,2,$4,$5)`, [corp, chatId, m.id, m.joined, m.left]);
    }
  }
  // Owner statistics for the last 40 days (the sync already stored the simulator's for demo owners).
  // Group totals are powers of two so the per-group shares are exact in SQL numerics and here.
  for (const owner of owners) {
    for (let d = 0; d <= 40; d++) {
      if (rnd() < 0.3) continue;
      await db.query(
        `INSERT INTO group_owner_stats (corp_id, owner_userid, day, chat_total, msg_total, member_has_msg) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING`,
        [corp, owner, beijingDay(Date.now() - d * DAY), pick([0, 1, 2, 4]), Math.floor(rnd() * 40), Math.floor(rnd() * 10)]);
    }
  }
  const { rows: gs } = await db.query(`SELECT * FROM groups WHERE corp_id = $1`, [corp]);
  const { rows: ms } = await db.query(`SELECT chat_id, join_time, left_at FROM group_members WHERE corp_id = $1`, [corp]);
  truth = gs.map((g) => ({
    chatId: g.chat_id, tier: g.tier, labels: g.labels, owner: g.owner_userid, store: g.store_id == null ? null : Number(g.store_id),
    members: g.member_count, customers: g.customer_count, created: g.created_at, status: g.status,
    joins: ms.filter((m) => m.chat_id === g.chat_id && m.join_time).map((m) => m.join_time),
    leaves: ms.filter((m) => m.chat_id === g.chat_id && m.left_at).map((m) => m.left_at),
  }));
  const { rows: st } = await db.query(`SELECT owner_userid, day::text AS day, chat_total, msg_total, member_has_msg FROM group_owner_stats WHERE corp_id = $1`, [corp]);
  stats = st.map((s) => ({ owner: s.owner_userid, day: s.day, chatTotal: s.chat_total, msgTotal: s.msg_total, memberHasMsg: s.member_has_msg }));
});
afterAll(async () => { await pond?.close(); });

const today = () => beijingDay(Date.now());
const daysBefore = (day: string, n: number) => beijingDay(Date.parse(`${day}T12:00:00+08:00`) - n * DAY);

function evaluate(n: GroupRuleNode, t: Truth): boolean {
  if ('conditions' in n) return n.op === 'and' ? n.conditions.every((c) => evaluate(c, t)) : n.conditions.some((c) => evaluate(c, t));
  switch (n.type) {
    case 'tier': return t.tier !== null && n.tiers.includes(t.tier);
    case 'labels': return n.mode === 'any' ? n.labels.some((l) => t.labels.includes(l)) : n.mode === 'all' ? n.labels.every((l) => t.labels.includes(l)) : !n.labels.some((l) => t.labels.includes(l));
    case 'owner': return t.owner !== null && n.userids.includes(t.owner);
    case 'store': return t.store !== null && n.storeIds.includes(t.store);
    case 'memberCount': {
      const v = n.of === 'customers' ? t.customers : t.members;
      return (n.min === undefined || v >= n.min) && (n.max === undefined || v <= n.max);
    }
    case 'growth': {
      const since = daysBefore(today(), n.days);
      const net = t.joins.filter((d) => beijingDay(d.getTime()) > since).length - t.leaves.filter((d) => beijingDay(d.getTime()) > since).length;
      return n.op === 'atLeast' ? net >= n.count : net <= n.count;
    }
    case 'activity': {
      const from = daysBefore(today(), n.days);
      const rows = stats.filter((s) => s.owner === t.owner && s.chatTotal > 0 && s.day >= from && s.day < today());
      const sum = rows.reduce((a, s) => a + (n.metric === 'messages' ? s.msgTotal : s.memberHasMsg) / s.chatTotal, 0);
      // activeMembers is a daily average: compare the sum with value × days to stay exact.
      const bound = n.metric === 'messages' ? n.value : n.value * n.days;
      return n.op === 'atLeast' ? sum >= bound : sum <= bound;
    }
    case 'created': {
      if (!t.created) return false;
      const at = t.created.getTime();
      return (!n.from || at >= Date.parse(`${n.from}T00:00:00+08:00`)) && (!n.to || at < Date.parse(`${n.to}T00:00:00+08:00`) + DAY);
    }
    case 'status': return n.values.includes(t.status as 'active');
  }
}

function randomCondition(): GroupRuleNode {
  const op = rnd() < 0.5 ? 'atLeast' as const : 'atMost' as const;
  switch (Math.floor(rnd() * 9)) {
    case 0: return { type: 'tier', tiers: some(TIERS, 2) };
    case 1: return { type: 'labels', mode: pick(['any', 'all', 'none'] as const), labels: some(LABELS) };
    case 2: return { type: 'owner', userids: some(owners, 4) };
    case 3: return { type: 'store', storeIds: some(stores, 2) };
    case 4: {
      const min = rnd() < 0.3 ? undefined : Math.floor(rnd() * 100);
      return { type: 'memberCount', of: rnd() < 0.5 ? 'all' : 'customers', min, max: min === undefined || rnd() < 0.5 ? (min ?? 0) + Math.floor(rnd() * 150) : undefined };
    }
    case 5: return { type: 'growth', op, count: Math.floor(rnd() * 7) - 2, days: 1 + Math.floor(rnd() * 60) };
    case 6: return { type: 'activity', metric: rnd() < 0.5 ? 'messages' : 'activeMembers', op, value: rnd() < 0.5 ? Math.floor(rnd() * 300) : Math.floor(rnd() * 16) / 2, days: 1 + Math.floor(rnd() * 40) };
    case 7: return rnd() < 0.5
      ? { type: 'created', from: daysBefore(today(), Math.floor(rnd() * 100)) }
      : { type: 'created', from: daysBefore(today(), 60 + Math.floor(rnd() * 60)), to: daysBefore(today(), Math.floor(rnd() * 60)) };
    default: return { type: 'status', values: [pick(['active', 'dismissed'] as const)] };
  }
}
function randomRule(depth = 0): GroupRuleNode {
  if (depth > 1 || rnd() < 0.3) return randomCondition();
  return { op: rnd() < 0.5 ? 'and' : 'or', conditions: Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => randomRule(depth + 1)) };
}

describe('group segments', () => {
  it('the sync stored the simulator\'s group statistics per owner and day, up to yesterday', async () => {
    const r = synced;
    expect(r.last).toBe(daysBefore(today(), 1));
    expect(r.days).toBeGreaterThanOrEqual(30);
    expect(r.msgs).toBeGreaterThan(0);
    expect(r.speakers).toBeGreaterThan(0);
  });

  it('match the ground truth computed from the raw tables on 60 random rules', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 60; i++) {
      const rule = randomRule();
      const expected = truth.filter((t) => evaluate(rule, t));
      const res = await pond.api('POST', '/api/group-segments/preview', { rule });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.count, JSON.stringify(rule)).toBe(expected.length);
      const ids = new Set(expected.map((t) => t.chatId));
      for (const g of res.body.sample) expect(ids.has(g.chatId), JSON.stringify(rule)).toBe(true);
      counts.push(expected.length);
    }
    expect(new Set(counts).size).toBeGreaterThan(12);
    expect(counts.some((c) => c > 0 && c < truth.length)).toBe(true);
  });

  it('each condition type alone matches the ground truth', async () => {
    for (let i = 0; i < 45; i++) {
      const rule = randomCondition();
      const res = await pond.api('POST', '/api/group-segments/preview', { rule });
      expect(res.body.count, JSON.stringify(rule)).toBe(truth.filter((t) => evaluate(rule, t)).length);
    }
  });

  it('stays within the caller\'s scope: staff see groups they own, store managers their stores\'', async () => {
    const rule: GroupRuleNode = { type: 'status', values: ['active', 'dismissed'] };
    const owner = truth.find((t) => t.owner && !t.owner.startsWith('rg_'))!.owner!;
    const staff = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'staff', role: 'staff', staffUserid: owner });
    const mine = await pond.api('POST', '/api/group-segments/preview', { rule }, { token: staff.token });
    expect(mine.body.count).toBe(truth.filter((t) => t.owner === owner).length);
    const manager = await pond.app.auth.createToken({ corpId: pond.corpId, name: 'mgr', role: 'store_manager', storeIds: [stores[0]] });
    const theirs = await pond.api('POST', '/api/group-segments/preview', { rule }, { token: manager.token });
    expect(theirs.body.count).toBe(truth.filter((t) => t.store === stores[0]).length);
    expect(theirs.body.count).toBeLessThan(truth.length);
    // Saving needs a write role.
    expect((await pond.api('POST', '/api/group-segments', { name: 'x', rule }, { token: staff.token })).status).toBe(403);
  });

  it('saves, edits, lists, pages, exports and deletes a segment', async () => {
    const rule: GroupRuleNode = { op: 'and', conditions: [{ type: 'tier', tiers: ['VIP'] }, { type: 'status', values: ['active'] }] };
    const s = await pond.api('POST', '/api/group-segments', { name: 'VIP 活跃群', rule });
    expect(s.status).toBe(200);
    const expected = truth.filter((t) => evaluate(rule, t));
    const page = await pond.api('GET', `/api/group-segments/${s.body.id}/groups?pageSize=5`);
    expect(page.body.total).toBe(expected.length);
    expect(page.body.items.length).toBe(Math.min(5, expected.length));
    const csv = await (await fetch(`${pond.baseUrl}/api/group-segments/${s.body.id}/export.csv`, { headers: { authorization: `Bearer ${pond.token}` } })).text();
    expect(csv.trim().split('\r\n')).toHaveLength(expected.length + 1);
    const rule2: GroupRuleNode = { type: 'labels', mode: 'all', labels: ['上海', '咖啡'] };
    const edited = await pond.api('PATCH', `/api/group-segments/${s.body.id}`, { rule: rule2 });
    expect(edited.body).toMatchObject({ name: 'VIP 活跃群', rule: rule2 });
    expect((await pond.api('GET', `/api/group-segments/${s.body.id}/groups`)).body.total).toBe(truth.filter((t) => evaluate(rule2, t)).length);
    expect((await pond.api('GET', '/api/group-segments')).body.items.map((x: any) => x.id)).toContain(s.body.id);
    expect((await pond.api('DELETE', `/api/group-segments/${s.body.id}`)).status).toBe(200);
    expect((await pond.api('GET', `/api/group-segments/${s.body.id}/groups`)).status).toBe(404);
  });

  it('names the field and the rule of bad input', async () => {
    const bad = async (rule: unknown) => pond.api('POST', '/api/group-segments/preview', { rule });
    const days = await bad({ op: 'and', conditions: [{ type: 'activity', metric: 'messages', op: 'atLeast', value: 1, days: 400 }] });
    expect(days.status).toBe(400);
    expect(days.body.error.field).toMatch(/^rule/);
    expect(days.body.error.message).toMatch(/180 days/);
    const range = await bad({ type: 'memberCount', min: 50, max: 10 });
    expect(range.status).toBe(400);
    expect(range.body.error.message).toMatch(/must not be above max/);
    const empty = await bad({ type: 'labels', mode: 'any', labels: [] });
    expect(empty.body.error.message).toMatch(/choose at least one label/);
  });
});
