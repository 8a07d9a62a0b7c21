// Staff daily stats and group health (issue 15, ADR 0027) against ground truth: random relations, tasks, broadcasts,
// moments, orders and group members are added to the demo corp for one day, 1:1 chat lines to the simulator's records,
// and every figure Pond stores is checked against the same figure computed here in plain code from those rows. Then:
// a re-run changes nothing, a run that stops mid-way resumes after the last member done, store managers see their
// stores, silent/dying groups follow the documented rule on random groups, the weekly digest goes out once per manager
// and week under concurrent clocks, and bad input is a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPond, type TestPond } from './helpers';
import { StaffStatsService } from '../src/modules/staff-stats';
import * as repo from '../src/modules/staff-stats/repo';
import { addDays, dayIn } from '../src/platform/time';

let pond: TestPond;
let stats: StaffStatsService;
const TZ = 'Asia/Shanghai';
const H = 3_600_000;
const DAY = 24 * H;
let D = '';
let s = 0;
let e = 0;
let staff: { userid: string; store_id: number | null }[] = [];
let seed = 15;
const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const pick = <T,>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
/** A time around the day: a third before, a third in it, a third after. */
const around = () => new Date(s - DAY + Math.floor(rnd() * 3 * DAY));
const inDay = (t: Date | string | number | null | undefined) => t != null && new Date(t).getTime() >= s && new Date(t).getTime() < e;
const sql = (text: string, values: unknown[] = []) => pond.app.pool.query(text, values);

const STAFF_COLS = `userid, new_contact_cnt, chat_cnt, message_cnt, negative_feedback_cnt, added, deleted_by_customer, deleted_by_staff, groups_created,
  groups_total, group_members, tasks_done, tasks_overdue, broadcasts_confirmed, moments_posted, moment_reach, orders, gmv::text AS gmv, wecom_error`;
const dayRows = async (day: string) => (await sql(`SELECT ${STAFF_COLS} FROM staff_daily_stats WHERE corp_id = $1 AND day = $2 ORDER BY userid`, [pond.corpId, day])).rows;

beforeAll(async () => {
  pond = await startTestPond();
  // The tests drive the clock themselves: no background pass (the cron, or the job a backfill starts) takes a run from under them.
  await pond.app.queue.boss.unschedule('staffStats.tick');
  await pond.app.queue.boss.offWork('staffStats.tick');
  stats = pond.app.staffStats;
  const corp = pond.corpId;
  D = addDays(dayIn(new Date(), TZ), -2);
  s = Date.parse(`${D}T00:00:00+08:00`);
  e = s + DAY;
  staff = (await sql(`SELECT userid, store_id FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid`, [corp])).rows;
  expect(staff.length).toBeGreaterThan(3);
  const users = staff.map((x) => x.userid);
  const follows = (await sql(`SELECT external_userid, userid FROM follows WHERE corp_id = $1 ORDER BY external_userid, userid`, [corp])).rows;
  expect(follows.length).toBeGreaterThan(50);

  // Relations added and removed around the day.
  for (const f of follows) {
    const r = rnd();
    if (r < 0.25) await sql(`UPDATE follows SET added_at = $4 WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [corp, f.external_userid, f.userid, around()]);
    else if (r < 0.4) {
      await sql(`UPDATE follows SET added_at = $5, status = $4, deleted_at = $6 WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`,
        [corp, f.external_userid, f.userid, pick(['deleted_by_customer', 'deleted_by_staff']), new Date(s - 5 * DAY), around()]);
    }
  }
  // Tasks due and done around the day, in every status.
  for (let i = 0; i < 80; i++) {
    const status = pick(['pending', 'overdue', 'done', 'skipped', 'cancelled']);
    const due = around();
    await sql(`INSERT INTO staff_tasks (corp_id, kind, owner_userid, due_at, target_kind, content, source_kind, source_name, status, done_at)
      VALUES ($1, 'send', $2, $3, 'none', '{"text":"t","attachments":[]}', 'manual', 'truth', $4, $5)`,
      [corp, pick(users), due, status, status === 'done' ? new Date(due.getTime() + Math.floor(rnd() * 2 * DAY) - DAY) : null]);
  }
  // Mass sends confirmed around the day.
  const { rows: [b] } = await sql(`INSERT INTO broadcasts (corp_id, kind, name, content, audience, status) VALUES ($1, 'customer', 'truth', '{"text":"x","attachments":[]}', '{}', 'sent') RETURNING id`, [corp]);
  for (let i = 0; i < 30; i++) {
    await sql(`INSERT INTO broadcast_sends (corp_id, broadcast_id, sender_userid, chunk, status, confirmed_at) VALUES ($1, $2, $3, $4, 'sent', $5)`,
      [corp, b.id, pick(users), i, rnd() < 0.8 ? around() : null]);
  }
  // Moments posted (or not) around the day.
  for (let m = 0; m < 6; m++) {
    const { rows: [mo] } = await sql(`INSERT INTO moments (corp_id, name, text, status) VALUES ($1, $2, 'x', 'issued') RETURNING id`, [corp, `truth ${m}`]);
    for (const u of users) {
      if (rnd() < 0.5) continue;
      const published = rnd() < 0.7;
      await sql(`INSERT INTO moment_senders (corp_id, moment_id, userid, published, published_at, reach) VALUES ($1, $2, $3, $4, $5, $6)`,
        [corp, mo.id, u, published, published ? around() : null, Math.floor(rnd() * 50)]);
    }
  }
  // Orders around the day: some refunded in part or in full, some without a customer.
  const customers = [...new Set(follows.map((f) => f.external_userid as string))];
  for (let i = 0; i < 120; i++) {
    const amount = Math.round(rnd() * 50_000) / 100 + 1;
    const full = rnd() < 0.15;
    const refunded = full ? amount : rnd() < 0.2 ? Math.round(rnd() * amount * 50) / 100 : 0;
    await sql(`INSERT INTO orders (corp_id, order_id, external_userid, amount, paid_at, refunded_amount, refunded_at, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, '{}')`,
      [corp, `truth-${i}`, rnd() < 0.9 ? pick(customers) : null, amount.toFixed(2), around(), refunded.toFixed(2), full ? new Date(e + H) : null]);
  }
  // Group members joining and leaving around the day.
  const members = (await sql(`SELECT chat_id, member_id FROM group_members WHERE corp_id = $1 ORDER BY chat_id, member_id`, [corp])).rows;
  for (const m of members) {
    const r = rnd();
    if (r < 0.3) await sql(`UPDATE group_members SET join_time = $4 WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3`, [corp, m.chat_id, m.member_id, around()]);
    else if (r < 0.45) await sql(`UPDATE group_members SET join_time = $4, left_at = $5 WHERE corp_id = $1 AND chat_id = $2 AND member_id = $3`, [corp, m.chat_id, m.member_id, new Date(s - 9 * DAY), around()]);
  }
  // 1:1 chat lines in the simulator's records (what WeCom counts for get_user_behavior_data).
  const simFollows = (await sql(`SELECT userid, external_userid FROM wecom_sim.follows WHERE corp_id = $1 ORDER BY userid, external_userid`, [corp])).rows;
  for (let i = 0; i < 150; i++) {
    const f = pick(simFollows);
    const at = around().getTime();
    await sql(`INSERT INTO wecom_sim.messages (corp_id, kind, direction, external_userid, userid, payload, created_at) VALUES ($1, 'chat', $2, $3, $4, '{"msgtype":"text"}', $5)`,
      [corp, rnd() < 0.6 ? 'to_customer' : 'from_customer', f.external_userid, f.userid, at]);
  }
  const r = await pond.api('POST', '/api/staff-stats/backfill', { days: 3 });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect([r.body.from, r.body.to]).toEqual([addDays(D, -1), addDays(D, 1)]);
  expect(await stats.workRuns()).toBe(3);
}, 240_000);

afterAll(async () => { await pond?.close(); });

describe('staff daily stats', () => {
  it("stores every staff member's day as computed here from the raw rows", async () => {
    const corp = pond.corpId;
    const follows = (await sql(`SELECT external_userid, userid, status, added_at, deleted_at FROM follows WHERE corp_id = $1`, [corp])).rows;
    const tasks = (await sql(`SELECT owner_userid, status, due_at, done_at FROM staff_tasks WHERE corp_id = $1`, [corp])).rows;
    const sends = (await sql(`SELECT sender_userid, confirmed_at FROM broadcast_sends WHERE corp_id = $1`, [corp])).rows;
    const senders = (await sql(`SELECT userid, published, published_at, reach FROM moment_senders WHERE corp_id = $1`, [corp])).rows;
    const orders = (await sql(`SELECT external_userid, amount::float8 AS amount, refunded_amount::float8 AS refunded, refunded_at, paid_at FROM orders WHERE corp_id = $1`, [corp])).rows;
    const simFollows = (await sql(`SELECT userid, createtime_sec::float8 AS created, deleted_by, deleted_at::float8 AS deleted_at FROM wecom_sim.follows WHERE corp_id = $1`, [corp])).rows;
    const chats = (await sql(`SELECT userid, external_userid, direction, created_at::float8 AS at FROM wecom_sim.messages WHERE corp_id = $1 AND kind = 'chat'`, [corp])).rows;
    const simGroups = (await sql(`SELECT chat_id, owner, create_time_sec::float8 AS created, dismissed_at::float8 AS dismissed FROM wecom_sim.groups WHERE corp_id = $1`, [corp])).rows;
    const simMembers = (await sql(`SELECT chat_id, join_time_sec::float8 AS joined, left_at::float8 AS left_at FROM wecom_sim.group_members WHERE corp_id = $1`, [corp])).rows;

    // The relation live at the payment, the earliest added when several.
    const ownerAt = (ext: string, at: Date) => follows
      .filter((f) => f.external_userid === ext && f.added_at && f.added_at <= at && (!f.deleted_at || f.deleted_at > at))
      .sort((a, b) => a.added_at - b.added_at || a.userid.localeCompare(b.userid))[0]?.userid ?? null;
    const rows = await dayRows(D);
    expect(rows.map((r) => r.userid)).toEqual(staff.map((x) => x.userid));
    let nonZero = 0;
    for (const { userid: u } of staff) {
      const aliveGroups = simGroups.filter((g) => g.owner === u && g.created * 1000 < e && (g.dismissed === null || g.dismissed >= e));
      const aliveIds = new Set(aliveGroups.map((g) => g.chat_id));
      const mine = orders.filter((o) => o.external_userid && !o.refunded_at && inDay(o.paid_at) && ownerAt(o.external_userid, o.paid_at) === u);
      const lines = chats.filter((c) => c.userid === u && inDay(c.at) && c.direction === 'to_customer');
      const want = {
        userid: u,
        new_contact_cnt: simFollows.filter((f) => f.userid === u && inDay(f.created * 1000)).length,
        chat_cnt: new Set(lines.map((c) => c.external_userid)).size,
        message_cnt: lines.length,
        negative_feedback_cnt: simFollows.filter((f) => f.userid === u && f.deleted_by === 'customer' && inDay(f.deleted_at)).length,
        added: follows.filter((f) => f.userid === u && inDay(f.added_at)).length,
        deleted_by_customer: follows.filter((f) => f.userid === u && f.status === 'deleted_by_customer' && inDay(f.deleted_at)).length,
        deleted_by_staff: follows.filter((f) => f.userid === u && f.status === 'deleted_by_staff' && inDay(f.deleted_at)).length,
        groups_created: aliveGroups.filter((g) => g.created * 1000 >= s).length,
        groups_total: aliveGroups.length,
        group_members: simMembers.filter((m) => aliveIds.has(m.chat_id) && m.joined * 1000 < e && (m.left_at === null || m.left_at >= e)).length,
        tasks_done: tasks.filter((t) => t.owner_userid === u && t.status === 'done' && inDay(t.done_at)).length,
        tasks_overdue: tasks.filter((t) => t.owner_userid === u && inDay(t.due_at) && !['skipped', 'cancelled'].includes(t.status) && (!t.done_at || t.done_at.getTime() >= e)).length,
        broadcasts_confirmed: sends.filter((b) => b.sender_userid === u && inDay(b.confirmed_at)).length,
        moments_posted: senders.filter((m) => m.userid === u && m.published && inDay(m.published_at)).length,
        moment_reach: senders.filter((m) => m.userid === u && m.published && inDay(m.published_at)).reduce((a, m) => a + m.reach, 0),
        orders: mine.length,
        gmv: mine.reduce((a, o) => a + Math.round((o.amount - o.refunded) * 100), 0),
        wecom_error: null,
      };
      const got = rows.find((r) => r.userid === u)!;
      expect({ ...got, gmv: Math.round(Number(got.gmv) * 100) }, u).toEqual(want);
      if (want.added + want.orders + want.tasks_done + want.message_cnt > 0) nonZero++;
    }
    expect(nonZero, 'the random data reaches most staff members').toBeGreaterThan(staff.length / 2);
  });

  it('rolls the day up by store and orders the leaderboard by the metric picked', async () => {
    const rows = await dayRows(D);
    const byStaff = await pond.api('GET', `/api/staff-stats?from=${D}&to=${D}&metric=orders`);
    expect(byStaff.status, JSON.stringify(byStaff.body)).toBe(200);
    const orders = byStaff.body.rows.map((r: { orders: number }) => r.orders);
    expect(orders).toEqual([...orders].sort((a, b) => b - a));
    expect(byStaff.body.totals.orders).toBe(rows.reduce((a, r) => a + r.orders, 0));
    const byStore = (await pond.api('GET', `/api/staff-stats?from=${D}&to=${D}&groupBy=store`)).body;
    for (const st of byStore.rows) {
      const want = rows.filter((r) => String(staff.find((x) => x.userid === r.userid)!.store_id ?? '') === st.key).reduce((a, r) => a + r.added, 0);
      expect(st.added, `store ${st.key}`).toBe(want);
    }
    expect(byStore.rows.reduce((a: number, r: { added: number }) => a + r.added, 0)).toBe(byStaff.body.totals.added);
    const csv = await fetch(`${pond.baseUrl}/api/staff-stats.csv?from=${D}&to=${D}`, { headers: { authorization: `Bearer ${pond.token}` } });
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toContain('新增客户 added');
    expect(lines.length).toBe(1 + byStaff.body.rows.length);
  });

  it('gives the same rows when the days are run again (no duplicates)', async () => {
    const before = [await dayRows(D), (await sql(`SELECT chat_id, members, joins, leaves FROM group_daily_stats WHERE corp_id = $1 AND day = $2 ORDER BY chat_id`, [pond.corpId, D])).rows];
    const count = Number((await sql(`SELECT count(*) FROM staff_daily_stats WHERE corp_id = $1`, [pond.corpId])).rows[0].count);
    expect((await pond.api('POST', '/api/staff-stats/backfill', { days: 3 })).body.queued).toBe(3);
    expect(await stats.workRuns()).toBe(3);
    const after = [await dayRows(D), (await sql(`SELECT chat_id, members, joins, leaves FROM group_daily_stats WHERE corp_id = $1 AND day = $2 ORDER BY chat_id`, [pond.corpId, D])).rows];
    expect(after).toEqual(before);
    expect(Number((await sql(`SELECT count(*) FROM staff_daily_stats WHERE corp_id = $1`, [pond.corpId])).rows[0].count)).toBe(count);
    expect(before[1].length).toBeGreaterThan(0);
  });

  it('resumes a run that stopped mid-way after the last staff member done, calling WeCom for the rest only', async () => {
    const before = await dayRows(D);
    const calls: string[] = [];
    const real = (pond.app.staffStats as unknown as { fetchBehavior: (c: string, u: string, d: string) => Promise<repo.BehaviorFigures | null> });
    const crashing = new StaffStatsService({
      pool: pond.app.pool, corps: pond.app.corps, tasks: pond.app.tasks, log: pond.app.log, publicUrl: () => pond.baseUrl,
      behavior: async (c, u, d) => {
        if (calls.length === 3) throw new Error('worker killed');
        calls.push(u);
        return real.fetchBehavior.call(pond.app.staffStats, c, u, d);
      },
    });
    await repo.queueRuns(pond.app.pool, pond.corpId, [D], 'test');
    await sql(`UPDATE staff_daily_stats SET chat_cnt = -1, message_cnt = -1 WHERE corp_id = $1 AND day = $2`, [pond.corpId, D]);
    expect(await crashing.workRuns()).toBe(0);
    const { rows: [run] } = await sql(`SELECT status, cursor, staff_done, locked_until > now() AS held FROM staff_stats_runs WHERE corp_id = $1 AND day = $2`, [pond.corpId, D]);
    expect(run).toMatchObject({ status: 'pending', cursor: calls[2], staff_done: 3, held: true });
    // Nobody takes it before its back-off; once that has passed, the next worker goes on from the cursor.
    expect(await repo.claimRun(pond.app.pool, 'early', 60_000)).toBeNull();
    await sql(`UPDATE staff_stats_runs SET locked_until = now() - interval '1 second' WHERE corp_id = $1 AND day = $2`, [pond.corpId, D]);
    const second: string[] = [];
    const resumed = new StaffStatsService({
      pool: pond.app.pool, corps: pond.app.corps, tasks: pond.app.tasks, log: pond.app.log, publicUrl: () => pond.baseUrl,
      behavior: async (c, u, d) => { second.push(u); return real.fetchBehavior.call(pond.app.staffStats, c, u, d); },
    });
    expect(await resumed.workRuns()).toBe(1);
    expect(second).toEqual(staff.map((x) => x.userid).filter((u) => !calls.includes(u)));
    expect([...calls, ...second]).toEqual(staff.map((x) => x.userid));
    expect(await dayRows(D)).toEqual(before);
  });

  it('lists the runs for the console', async () => {
    const r = await pond.api('GET', '/api/staff-stats/runs');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.items.map((x: { day: string; status: string }) => `${x.day}:${x.status}`)).toEqual([addDays(D, 1), D, addDays(D, -1)].map((d) => `${d}:done`));
  });

  it('shows a store manager only the staff of their stores', async () => {
    const store = staff.find((x) => x.store_id)!.store_id!;
    const token = (await pond.api('POST', '/api/tokens', { name: 'sm-stats', role: 'store_manager', storeIds: [Number(store)] })).body.token as string;
    const mine = await pond.api('GET', `/api/staff-stats?from=${D}&to=${D}`, undefined, { token });
    expect(mine.status).toBe(200);
    const want = staff.filter((x) => x.store_id === store).map((x) => x.userid).sort();
    expect(mine.body.rows.map((r: { key: string }) => r.key).sort()).toEqual(want);
    const rows = (await dayRows(D)).filter((r) => want.includes(r.userid));
    expect(mine.body.totals.added).toBe(rows.reduce((a, r) => a + r.added, 0));
    const all = await pond.api('GET', `/api/staff-stats?from=${D}&to=${D}`);
    expect(all.body.rows.length).toBeGreaterThan(mine.body.rows.length);
    const groups = await pond.api('GET', `/api/group-health?from=${D}&to=${D}`, undefined, { token });
    expect(groups.status).toBe(200);
    const visible = (await sql(`SELECT chat_id FROM groups WHERE corp_id = $1 AND store_id = $2 AND status <> 'dismissed'`, [pond.corpId, store])).rows.map((g) => g.chat_id).sort();
    expect(groups.body.groups.map((g: { chatId: string }) => g.chatId).sort()).toEqual(visible);
    expect(mine.body.rows.length).toBeGreaterThan(0);
  });
});

describe('group health', () => {
  it('members, joins, leaves, churn and growth per group agree with the member rows', async () => {
    const page = (await pond.api('GET', `/api/group-health?from=${D}&to=${D}`)).body;
    const members = (await sql(`SELECT chat_id, join_time, left_at FROM group_members WHERE corp_id = $1`, [pond.corpId])).rows;
    const at = (chat: string, t: number) => members.filter((m) => m.chat_id === chat && m.join_time && m.join_time.getTime() < t && (!m.left_at || m.left_at.getTime() >= t)).length;
    expect(page.groups.length).toBeGreaterThan(3);
    for (const g of page.groups) {
      const start = at(g.chatId, s);
      const end = at(g.chatId, e);
      const leaves = members.filter((m) => m.chat_id === g.chatId && inDay(m.left_at)).length;
      expect(g, g.chatId).toMatchObject({
        membersStart: start, members: end, growth: end - start, leaves,
        joins: members.filter((m) => m.chat_id === g.chatId && inDay(m.join_time)).length,
        churn: start ? Math.round((leaves / start) * 10_000) / 10_000 : null,
      });
    }
    const tierSum = page.tiers.reduce((a: number, t: { members: number }) => a + t.members, 0);
    expect(tierSum).toBe(page.groups.reduce((a: number, g: { members: number }) => a + g.members, 0));
  });

  it('flags silent and dying groups by the corp thresholds, computed here from the raw inputs, with one alert each per week', async () => {
    const corp = pond.corpId;
    const T = D;
    const settings = { silentDays: 2 + Math.floor(rnd() * 6), shrinkDays: 5 + Math.floor(rnd() * 8), shrinkPercent: 5 + Math.floor(rnd() * 20) };
    expect((await pond.api('PUT', '/api/staff-stats/settings', settings)).status).toBe(200);
    const want = new Map<string, string[]>();
    for (let i = 0; i < 24; i++) {
      const chat = `wrhealth${i}`;
      const owner = `health_owner_${i}`;
      await sql(`INSERT INTO groups (corp_id, chat_id, name, owner_userid, created_at) VALUES ($1, $2, $3, $4, $5)`, [corp, chat, `health ${i}`, owner, new Date(s - 40 * DAY)]);
      const n = 5 + Math.floor(rnd() * 60);
      const joins: number[] = [];
      const leaves: number[] = [];
      for (let m = 0; m < n; m++) {
        const late = rnd() < 0.15;
        const joined = late ? s - Math.floor(rnd() * 20) * DAY + H : s - 30 * DAY;
        const left = rnd() < (i % 3 === 0 ? 0.5 : 0.08) ? s - Math.floor(rnd() * 20) * DAY + 2 * H : null;
        if (left !== null && left <= joined) continue;
        await sql(`INSERT INTO group_members (corp_id, chat_id, member_id, type, join_time, left_at) VALUES ($1, $2, $3, 2, $4, $5)`,
          [corp, chat, `m${i}_${m}`, new Date(joined), left === null ? null : new Date(left)]);
        joins.push(joined);
        if (left !== null) leaves.push(left);
      }
      // The owner's WeCom activity over the last 20 days: some owners silent throughout.
      const quiet = rnd() < 0.5;
      let msgDays = 0;
      for (let d = 0; d < 20; d++) {
        const has = quiet ? 0 : rnd() < 0.3 ? 1 : 0;
        if (d < settings.silentDays && has) msgDays++;
        await sql(`INSERT INTO group_owner_stats (corp_id, owner_userid, day, chat_total, chat_has_msg) VALUES ($1, $2, $3, 1, $4)`, [corp, owner, addDays(T, -d), has]);
      }
      const endOf = (day: string) => Date.parse(`${day}T00:00:00+08:00`) + DAY;
      const membersAt = (t: number) => joins.filter((j) => j < t).length - leaves.filter((l) => l < t).length;
      const windowStart = endOf(addDays(T, -settings.silentDays));
      const joinsInWindow = joins.filter((j) => j >= windowStart && j < endOf(T)).length;
      const baseDay = addDays(T, -settings.shrinkDays);
      const base = membersAt(endOf(baseDay));
      const now = membersAt(endOf(T));
      const netLeaves = leaves.filter((l) => l >= endOf(baseDay) && l < endOf(T)).length - joins.filter((j) => j >= endOf(baseDay) && j < endOf(T)).length;
      const flags: string[] = [];
      if (msgDays === 0 && joinsInWindow === 0) flags.push('silent');
      if (base > 0 && now <= base * (1 - settings.shrinkPercent / 100) && netLeaves > 0) flags.push('dying');
      want.set(chat, flags);
    }
    for (let d = 0; d <= Math.max(settings.shrinkDays, settings.silentDays); d++) await repo.upsertGroupDay(pond.app.pool, corp, addDays(T, -d), TZ);
    const page = (await pond.api('GET', `/api/group-health?from=${T}&to=${T}&limit=1000`)).body;
    const got = new Map<string, string[]>(page.groups.filter((g: { chatId: string }) => g.chatId.startsWith('wrhealth')).map((g: { chatId: string; flags: string[] }) => [g.chatId, g.flags]));
    expect(got).toEqual(want);
    const flagged = [...want.values()].flat();
    expect(flagged).toContain('silent');
    expect(flagged).toContain('dying');
    const dying = (await pond.api('GET', `/api/group-health?from=${T}&to=${T}&flag=dying&limit=1000`)).body.groups.filter((g: { chatId: string }) => g.chatId.startsWith('wrhealth'));
    expect(dying.length).toBe([...want.values()].filter((f) => f.includes('dying')).length);

    const alerts = async () => (await sql(`SELECT kind, data->>'chatId' AS chat FROM alerts WHERE corp_id = $1 AND kind LIKE 'group_%' AND data->>'chatId' LIKE 'wrhealth%'`, [corp])).rows;
    await Promise.all([stats.raiseAlerts(corp, T), stats.raiseAlerts(corp, T)]);
    await stats.raiseAlerts(corp, T);
    const raised = await alerts();
    expect(raised.length).toBe(flagged.length);
    expect(raised.map((a) => `${a.chat}:${a.kind}`).sort()).toEqual([...want].flatMap(([c, f]) => f.map((x) => `${c}:group_${x}`)).sort());
  });

  it('judges silence per group from the chat archive where it holds the group\'s messages, else from the owner\'s statistics', async () => {
    const corp = pond.corpId;
    const T = D;
    const silentDays = 2 + Math.floor(rnd() * 5);
    expect((await pond.api('PUT', '/api/staff-stats/settings', { silentDays })).status).toBe(200);
    const startOf = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
    const from = addDays(T, -6);
    const lo = startOf(from);
    const hi = startOf(T) + DAY;
    const windowLo = hi - silentDays * DAY;
    // Two owners, one whose groups WeCom reports as lively every day, one reported silent: the owner statistics cannot
    // tell one group from another, the archive can.
    for (const [owner, has] of [['arch_lively', 1], ['arch_quiet', 0]] as const) {
      for (let d = 0; d < 20; d++) {
        await sql(`INSERT INTO group_owner_stats (corp_id, owner_userid, day, chat_total, chat_has_msg) VALUES ($1, $2, $3, 6, $4)`, [corp, owner, addDays(T, -d), has]);
      }
    }
    const want = new Map<string, Record<string, unknown>>();
    let msg = 0;
    for (let i = 0; i < 12; i++) {
      const chat = `wrarch${i}`;
      const owner = i % 2 ? 'arch_quiet' : 'arch_lively';
      await sql(`INSERT INTO groups (corp_id, chat_id, name, owner_userid, created_at) VALUES ($1, $2, $3, $4, $5)`, [corp, chat, `arch ${i}`, owner, new Date(s - 40 * DAY)]);
      if (i >= 8) {
        // No archived messages: the owner's statistics decide.
        want.set(chat, { flags: owner === 'arch_quiet' ? ['silent'] : [], activitySource: 'owner', lastMessageAt: null, messages: null, speakers: null });
        continue;
      }
      // Messages over the last 20 days (some groups none in the silent window), a recall (not speech) and one after T.
      const sent: { at: number; sender: string }[] = [];
      const n = 1 + Math.floor(rnd() * 12);
      const latest = i < 3 ? windowLo - DAY : hi - 1; // the first three fell quiet before the window
      for (let m = 0; m < n; m++) {
        // From the fourth group on, the first message falls in the silent window (they spoke).
        const at = m === 0 && i >= 3 ? hi - 1 - Math.floor(rnd() * (silentDays * DAY - 1)) : latest - Math.floor(rnd() * 14 * DAY);
        const sender = pick(['wmarch1', 'wmarch2', 'wmarch3', owner]);
        sent.push({ at, sender });
        await sql(`INSERT INTO archived_messages (corp_id, msgid, seq, action, type, sender, sender_kind, chat_id, sent_at, text, payload)
                   VALUES ($1, $2, $3, 'send', 'text', $4, 'customer', $5, $6, 'hi', '{}')`, [corp, `arch${++msg}`, msg, sender, chat, new Date(at)]);
      }
      await sql(`INSERT INTO archived_messages (corp_id, msgid, seq, action, type, sender, sender_kind, chat_id, sent_at, payload)
                 VALUES ($1, $2, $3, 'recall', 'revoke', 'wmarch9', 'customer', $4, $5, '{}'), ($1, $6, $7, 'send', 'text', 'wmarch9', 'customer', $4, $8, '{}')`,
      [corp, `arch${++msg}`, msg, chat, new Date(hi - 1000), `arch${++msg}`, msg + 1, new Date(hi + H)]);
      const inPeriod = sent.filter((x) => x.at >= lo && x.at < hi);
      const last = Math.max(...sent.map((x) => x.at));
      want.set(chat, {
        flags: sent.some((x) => x.at >= windowLo) ? [] : ['silent'], activitySource: 'archive', lastMessageAt: new Date(last).toISOString(),
        messages: inPeriod.length, speakers: new Set(inPeriod.map((x) => x.sender)).size,
        messagesPerDay: Math.round((inPeriod.length / 7) * 100) / 100,
        quietDays: Math.max(0, Math.round((startOf(T) - startOf(dayIn(new Date(last), TZ))) / DAY)),
      });
    }
    const page = (await pond.api('GET', `/api/group-health?from=${from}&to=${T}&limit=1000`)).body;
    const got = page.groups.filter((g: { chatId: string }) => g.chatId.startsWith('wrarch'));
    expect(got).toHaveLength(12);
    for (const g of got) expect(g, g.chatId).toMatchObject(want.get(g.chatId)!);
    // Both sources flag and clear: an archived group of the lively owner silent, one of the quiet owner not.
    const flagsOf = (src: string, owner: string, silent: boolean) => got.filter((g: any) => g.activitySource === src && g.ownerUserid === owner && g.flags.includes('silent') === silent);
    expect(flagsOf('archive', 'arch_lively', true).length + flagsOf('archive', 'arch_quiet', true).length).toBeGreaterThan(0);
    expect(flagsOf('archive', 'arch_quiet', false).length).toBeGreaterThan(0);
    expect(flagsOf('owner', 'arch_quiet', true)).toHaveLength(2);
    expect(flagsOf('owner', 'arch_lively', false)).toHaveLength(2);
  });
});

describe('weekly digest', () => {
  it('reaches each store manager once per week, even when clocks run at once', async () => {
    const corp = pond.corpId;
    const stores = [...new Set(staff.map((x) => x.store_id).filter((x): x is number => !!x))];
    const managers = staff.slice(0, 3).map((x) => x.userid);
    for (const [i, m] of managers.entries()) {
      const { rows: [u] } = await sql(`INSERT INTO users (username, password_hash, display_name) VALUES ($1, '!', $1) RETURNING id`, [`digest-${m}`]);
      await sql(`INSERT INTO memberships (user_id, corp_id, role, store_ids, staff_userid) VALUES ($1, $2, 'store_manager', $3, $4)`, [u.id, corp, [stores[i % stores.length]], m]);
    }
    const now = new Date();
    const weekday = ((now.getUTCDay() + (now.getUTCHours() >= 16 ? 1 : 0)) % 7) || 7; // Shanghai's ISO weekday
    expect((await pond.api('PUT', '/api/staff-stats/settings', { digestWeekday: weekday, digestTime: '00:00', digestEnabled: true })).status).toBe(200);
    const clock = () => new StaffStatsService({ pool: pond.app.pool, corps: pond.app.corps, tasks: pond.app.tasks, log: pond.app.log, publicUrl: () => pond.baseUrl });
    const counts = await Promise.all(Array.from({ length: 6 }, () => clock().sendDigests(now)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(managers.length);
    expect(await clock().sendDigests(new Date(now.getTime() + 2 * H))).toBe(0);
    const { rows } = await sql(`SELECT manager_userid, status FROM staff_stats_digests WHERE corp_id = $1`, [corp]);
    expect(rows.map((r) => `${r.manager_userid}:${r.status}`).sort()).toEqual(managers.map((m) => `${m}:queued`).sort());
    // Through the app-message outbox, like every card to staff: one per manager, and WeCom took it.
    const { rows: cardsOut } = await sql(`SELECT touser, status FROM app_messages WHERE corp_id = $1 AND dedupe_key LIKE 'store_digest:%'`, [corp]);
    expect(cardsOut.map((r) => `${r.touser}:${r.status}`).sort()).toEqual(managers.map((m) => `${m}:sent`).sort());
    const cards = (await pond.app.sim!.control.listStaffMessages(corp, managers[0])).filter((m: any) => m.kind === 'app' && JSON.stringify(m).includes('Weekly store report'));
    expect(cards.length).toBe(1);
  });
});

describe('bad input', () => {
  it('answers 400 naming the field, and writes nothing', async () => {
    const runs = async () => Number((await sql(`SELECT count(*) FROM staff_stats_runs WHERE corp_id = $1`, [pond.corpId])).rows[0].count);
    const before = await runs();
    for (const [body, field] of [[{ days: 0 }, 'days'], [{ days: 181 }, 'days'], [{ days: 'x' }, 'days'], [{ days: 1.5 }, 'days'], [{}, 'days']] as const) {
      const r = await pond.api('POST', '/api/staff-stats/backfill', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect(await runs()).toBe(before);
    for (const [q, field] of [['metric=bogus', 'metric'], ['from=2025-13-01', 'from'], ['groupBy=x', 'groupBy'], ['from=2025-03-02&to=2025-03-01', 'from'], ['from=2020-01-01&to=2025-01-01', 'from']] as const) {
      const r = await pond.api('GET', `/api/staff-stats?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.field, q).toBe(field);
    }
    for (const [body, field] of [[{ silentDays: 0 }, 'silentDays'], [{ digestTime: '25:00' }, 'digestTime'], [{ digestWeekday: 8 }, 'digestWeekday']] as const) {
      const r = await pond.api('PUT', '/api/staff-stats/settings', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.field).toBe(field);
    }
    expect((await pond.api('GET', '/api/group-health?flag=zombie')).body.error.field).toBe('flag');
  });
});
