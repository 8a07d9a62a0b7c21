// The contact budget: caps, gap, quiet hours, de-duplication, do-not-disturb and WeCom's cap, decided the same way by a
// model in the test; and correct under concurrency — planners racing for the same customers never exceed a cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createPool, migrateDb } from '../src/platform/db';
import { GovernanceService, adjustForQuiet, inQuietHours, DEFAULT_POLICY } from '../src/modules/governance';
import { zonedTime } from '../src/platform/time';
import { createTestDatabase } from './helpers';

const CORP = 'wwgov';
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: pg.Pool;
let gov: GovernanceService;
const content = (text: string) => ({ text, attachments: [] });

beforeAll(async () => {
  db = await createTestDatabase('pond_gov');
  pool = createPool(db.url, 20);
  await migrateDb(pool);
  await pool.query(`INSERT INTO corps (id, name, agent_id, secret, callback_token, callback_aes_key, api_base, order_webhook_token)
                    VALUES ($1, 'gov', '1', 'x', 'x', 'x', 'http://127.0.0.1:1', 'x')`, [CORP]);
  await pool.query(`INSERT INTO customers (corp_id, external_userid, name, tag_ids) SELECT $1, 'c' || lpad(i::text, 4, '0'), 'n' || i,
                      CASE WHEN i % 50 = 0 THEN ARRAY['dnd'] ELSE '{}'::text[] END FROM generate_series(1, 400) i`, [CORP]);
  await pool.query(`INSERT INTO tag_groups (corp_id, id, name) VALUES ($1, 'g', 'g')`, [CORP]);
  await pool.query(`INSERT INTO tags (corp_id, id, group_id, name) VALUES ($1, 'dnd', 'g', '勿扰')`, [CORP]);
  gov = new GovernanceService(pool);
});
afterAll(async () => { await pool?.end(); await db?.drop(); });

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `c${String(from + i).padStart(4, '0')}`);
const tz = 'Asia/Shanghai';

describe('quiet hours', () => {
  it('defers to the end of the quiet hours in the corp time zone, over midnight, or skips', () => {
    const p = { quietStart: '21:00', quietEnd: '09:00' };
    const late = zonedTime('2026-12-07', '23:00', tz);
    expect(inQuietHours(late, p, tz)).toBe(true);
    expect(adjustForQuiet(late, p, tz, 'defer')!.toISOString()).toBe(zonedTime('2026-12-08', '09:00', tz).toISOString());
    const early = zonedTime('2026-12-08', '06:30', tz);
    expect(adjustForQuiet(early, p, tz, 'defer')!.toISOString()).toBe(zonedTime('2026-12-08', '09:00', tz).toISOString());
    expect(adjustForQuiet(late, p, tz, 'skip')).toBeNull();
    const noon = zonedTime('2026-12-08', '12:00', tz);
    expect(adjustForQuiet(noon, p, tz, 'defer')).toBe(noon);
    // The same instant is daytime in Berlin.
    expect(inQuietHours(zonedTime('2026-12-08', '02:00', tz), p, 'Europe/Berlin')).toBe(false);
  });
});

describe('the contact budget', () => {
  it('plans, skips with a reason, is idempotent per source, and the admin override lifts caps but never do-not-disturb', async () => {
    await gov.updatePolicy(CORP, { customerPerDay: 1, customerPerWeek: 2, customerPerMonth: 4, minGapMinutes: 60, dedupeDays: 7, dndTagIds: ['dnd'], quietStart: '21:00', quietEnd: '09:00', wecomCap: 'month_days' });
    const at = zonedTime('2027-01-05', '10:00', tz);
    const req = { corpId: CORP, targetKind: 'customer' as const, channel: 'broadcast' as const, via: 'mass' as const, sourceKind: 'broadcast', sourceId: 1, content: content('新品上市'), at, targets: ids(50).map((t) => ({ targetId: t, staffUserid: 's1' })) };
    const first = await gov.plan(req);
    expect(first.filter((o) => o.status === 'planned')).toHaveLength(49);
    expect(first.find((o) => o.targetId === 'c0050')).toMatchObject({ status: 'skipped', reason: 'dnd' });
    // The same source again: the same outcome, nothing new.
    const again = await gov.plan(req);
    expect(new Set(again.map((o) => o.ledgerId))).toEqual(new Set(first.map((o) => o.ledgerId)));
    const { rows: [n] } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM contact_ledger WHERE corp_id = $1', [CORP]);
    expect(n.n).toBe(50);
    // Another source, same day: over the daily cap. Other content, next day but within the gap of nothing: planned.
    const second = await gov.plan({ ...req, sourceId: 2, content: content('会员日') });
    expect(second.filter((o) => o.reason === 'cap_day')).toHaveLength(49);
    const dup = await gov.plan({ ...req, sourceId: 3, at: zonedTime('2027-01-06', '10:00', tz) });
    expect(dup.filter((o) => o.reason === 'duplicate')).toHaveLength(49);
    const over = await gov.plan({ ...req, sourceId: 4, content: content('加急通知'), override: { by: 'admin', reason: '召回通知' } });
    expect(over.filter((o) => o.status === 'planned')).toHaveLength(49);
    expect(over.find((o) => o.targetId === 'c0050')!.reason).toBe('dnd');
    // Quiet hours: a send at 22:00 waits until 09:00 the next morning.
    const night = await gov.plan({ ...req, targets: ids(5, 101).map((t) => ({ targetId: t, staffUserid: 's1' })), sourceId: 5, at: zonedTime('2027-01-05', '22:00', tz) });
    expect(night.every((o) => o.status === 'planned' && o.at.toISOString() === zonedTime('2027-01-06', '09:00', tz).toISOString())).toBe(true);
    const ledger = await gov.ledger(CORP, { corpId: CORP } as never, 'c0001', { limit: 10, offset: 0 });
    expect(ledger.total).toBe(4);
    expect(ledger.items.map((i) => i.reason).sort()).toEqual([null, null, 'cap_day', 'duplicate'].sort());
  });

  it('puts every skipped attempt on the customer timeline with its reason, once per ledger row; a preview writes none', async () => {
    const skippedOn = async (ext: string) => (await pool.query<{ reason: string; source: string; ledger: string; n: number }>(
      `SELECT e.data->>'reason' AS reason, e.data->>'source' AS source, e.data->>'ledgerId' AS ledger, count(*) OVER ()::int AS n
         FROM customer_events e WHERE e.corp_id = $1 AND e.external_userid = $2 AND e.type = 'contact.skipped' ORDER BY e.id`, [CORP, ext])).rows;
    // From the test above: c0001 was skipped over the daily cap and for the same content; c0050 (do-not-disturb) by every source.
    const one = await skippedOn('c0001');
    expect(one.map((r) => r.reason).sort()).toEqual(['cap_day', 'duplicate']);
    const { rows: ledger } = await pool.query<{ id: string; reason: string }>(
      `SELECT id::text, reason FROM contact_ledger WHERE corp_id = $1 AND target_id = 'c0001' AND status = 'skipped' ORDER BY id`, [CORP]);
    expect(one.map((r) => r.ledger).sort()).toEqual(ledger.map((r) => r.id).sort());
    expect((await skippedOn('c0050')).map((r) => r.reason)).toEqual(['dnd', 'dnd', 'dnd', 'dnd']);
    // Quiet hours that skip (not defer), and the same plan again: one timeline entry per attempt, none for planned ones.
    const req = {
      corpId: CORP, targetKind: 'customer' as const, channel: 'playbook' as const, via: 'chat' as const, sourceKind: 'playbook', sourceId: 31,
      content: content('晚安问候'), at: zonedTime('2027-01-20', '22:30', tz), quietAction: 'skip' as const, targets: ids(3, 151).map((t) => ({ targetId: t, staffUserid: 's1' })),
    };
    expect((await gov.plan(req)).map((o) => o.reason)).toEqual(['quiet_hours', 'quiet_hours', 'quiet_hours']);
    await gov.plan(req);
    for (const t of ids(3, 151)) expect(await skippedOn(t)).toEqual([expect.objectContaining({ reason: 'quiet_hours', source: 'playbook', n: 1 })]);
    // A preview decides the same and writes nothing.
    const before = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1`, [CORP])).rows[0].n;
    const preview = await gov.plan({ ...req, sourceId: 32 }, { dryRun: true });
    expect(preview.every((o) => o.reason === 'quiet_hours')).toBe(true);
    expect((await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_events WHERE corp_id = $1`, [CORP])).rows[0].n).toBe(before);
    // A planned attempt is not on the timeline until it is delivered.
    const day = await gov.plan({ ...req, sourceId: 33, at: zonedTime('2027-01-21', '12:00', tz) });
    expect(day.every((o) => o.status === 'planned')).toBe(true);
    const { rows: planned } = await pool.query(`SELECT 1 FROM customer_events WHERE corp_id = $1 AND dedupe_key = ANY($2::text[])`, [CORP, day.map((o) => `contact:${o.ledgerId}`)]);
    expect(planned).toEqual([]);
  });

  it('settling as sent puts the message on the customer timeline once; released attempts stop counting', async () => {
    const at = zonedTime('2027-02-10', '10:00', tz);
    const out = await gov.plan({ corpId: CORP, targetKind: 'customer', channel: 'task', via: 'chat', sourceKind: 'task', sourceId: 77, content: content('生日快乐'), at, targets: [{ targetId: 'c0211', staffUserid: 's1' }] });
    expect(out[0].reason).toBe(null);
    expect(out[0].status).toBe('planned');
    expect(await gov.settle(CORP, [out[0].ledgerId!], 'sent')).toBe(1);
    expect(await gov.settle(CORP, [out[0].ledgerId!], 'sent')).toBe(0);
    const { rows } = await pool.query("SELECT type FROM customer_events WHERE corp_id = $1 AND external_userid = 'c0211' AND type = 'contact.received'", [CORP]);
    expect(rows).toHaveLength(1);
    const other = await gov.plan({ corpId: CORP, targetKind: 'customer', channel: 'task', via: 'chat', sourceKind: 'task', sourceId: 78, content: content('x'), at, targets: [{ targetId: 'c0212', staffUserid: 's1' }] });
    await gov.settle(CORP, [other[0].ledgerId!], 'released');
    const retry = await gov.plan({ corpId: CORP, targetKind: 'customer', channel: 'task', via: 'chat', sourceKind: 'task', sourceId: 79, content: content('y'), at, targets: [{ targetId: 'c0212', staffUserid: 's1' }] });
    expect(retry[0].status).toBe('planned');
  });

  it('concurrent planners (two broadcasts and a playbook) never put a customer over a cap', async () => {
    await gov.updatePolicy(CORP, { customerPerDay: 2, customerPerWeek: 3, customerPerMonth: 10, minGapMinutes: 0, dedupeDays: 0, dndTagIds: [], quietStart: null, quietEnd: null, wecomCap: 'week7' });
    const at = zonedTime('2027-03-03', '11:00', tz);
    const targets = ids(300, 1).filter((t) => t !== 'c0050').map((t) => ({ targetId: t, staffUserid: 's1' }));
    // Reverse order in half of the planners: lock order must still avoid deadlocks.
    const planners = Array.from({ length: 6 }, (_, i) => gov.plan({
      corpId: CORP, targetKind: 'customer', channel: i % 3 === 2 ? 'playbook' : 'broadcast', via: i % 2 ? 'chat' : 'mass', sourceKind: `race${i}`, sourceId: i + 1,
      content: content(`m${i}`), at: new Date(at.getTime() + i * 60_000), targets: i % 2 ? [...targets].reverse() : targets,
    }));
    const results = await Promise.all(planners);
    const planned = results.flat().filter((o) => o.status === 'planned');
    expect(planned.length).toBe(targets.length * 2);
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM contact_ledger WHERE corp_id = $1 AND source_kind LIKE 'race%' AND status = 'planned' GROUP BY target_id HAVING count(*) > 2`, [CORP]);
    expect(rows).toEqual([]);
  });

  it('a random workload matches a model of the rules', async () => {
    const policy = { customerPerDay: 2, customerPerWeek: 4, customerPerMonth: 6, minGapMinutes: 120, dedupeDays: 3, dndTagIds: [] as string[], quietStart: null, quietEnd: null, wecomCap: 'day1' as const };
    await gov.updatePolicy(CORP, policy);
    let seed = 42;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    const people = ids(8, 301);
    const model = new Map<string, { at: number; hash: string; mass: boolean }[]>();
    const base = zonedTime('2027-04-05', '09:00', tz).getTime(); // a Monday
    let checked = 0;
    for (let i = 0; i < 120; i++) {
      const at = base + Math.floor(rnd() * 20) * 86_400_000 / 2 + Math.floor(rnd() * 8) * 3_600_000;
      const text = `t${Math.floor(rnd() * 5)}`;
      const mass = rnd() < 0.5;
      const who = people.filter(() => rnd() < 0.5);
      if (!who.length) continue;
      const out = await gov.plan({ corpId: CORP, targetKind: 'customer', channel: 'broadcast', via: mass ? 'mass' : 'chat', sourceKind: 'random', sourceId: i + 1, content: content(text), at: new Date(at), targets: who.map((t) => ({ targetId: t, staffUserid: 's' })) });
      for (const o of out) {
        const past = model.get(o.targetId) ?? [];
        const day = (t: number) => Math.floor((t + 8 * 3_600_000) / 86_400_000);
        const week = (t: number) => Math.floor((day(t) - 4) / 7); // weeks from Monday (1970-01-05 was a Monday)
        const month = (t: number) => new Date(t + 8 * 3_600_000).toISOString().slice(0, 7);
        const hash = text;
        let reason: string | null = null;
        if (past.some((p) => p.hash === hash && Math.abs(p.at - at) < 3 * 86_400_000)) reason = 'duplicate';
        else if (mass && past.filter((p) => p.mass && day(p.at) === day(at)).length >= 1) reason = 'wecom_cap';
        else if (past.filter((p) => day(p.at) === day(at)).length >= 2) reason = 'cap_day';
        else if (past.filter((p) => week(p.at) === week(at)).length >= 4) reason = 'cap_week';
        else if (past.filter((p) => month(p.at) === month(at)).length >= 6) reason = 'cap_month';
        else if (past.some((p) => Math.abs(p.at - at) < 120 * 60_000)) reason = 'min_gap';
        expect(o.reason, `${o.targetId} at ${new Date(at).toISOString()} (${text}, ${mass ? 'mass' : 'chat'})`).toBe(reason);
        if (!reason) model.set(o.targetId, [...past, { at, hash, mass }]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
    expect([...model.values()].flat().length).toBeGreaterThan(40);
  });

  it('starts from gentle defaults and refuses policies that contradict themselves', async () => {
    expect(DEFAULT_POLICY.customerPerDay).toBeGreaterThan(0);
    await expect(gov.updatePolicy(CORP, { quietStart: '22:00', quietEnd: null })).rejects.toThrow(/quietEnd/);
    await expect(gov.updatePolicy(CORP, { customerPerDay: 9, customerPerWeek: 3 })).rejects.toThrow(/customerPerDay/);
    await expect(gov.updatePolicy(CORP, { dndTagIds: ['nope'] })).rejects.toThrow(/dndTagIds/);
  });
});
