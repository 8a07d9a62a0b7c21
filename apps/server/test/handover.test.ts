// Handover through the simulator: preview with WeCom's limits, transfers in batches, a refusal, a
// customer over the 90-day limit, the 24 h takeover, and Pond's records following the customer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimControl } from '@pond/wecom-sim';
import { startTestPond, waitFor, type TestPond } from './helpers';

let pond: TestPond;
let sim: SimControl;
let from: string;
let to: string;
let moved: string;
beforeAll(async () => {
  pond = await startTestPond();
  sim = pond.app.sim!.control;
  const { rows } = await pond.app.pool.query(
    `SELECT s.userid, (SELECT count(*) FROM follows f WHERE f.corp_id = s.corp_id AND f.userid = s.userid AND f.status = 'active') AS n
     FROM staff s WHERE s.corp_id = $1 AND s.is_follow_user AND s.status = 1 ORDER BY n DESC`, [pond.corpId]);
  from = rows[0].userid;
  to = rows[rows.length - 1].userid;
});
afterAll(async () => { await pond?.close(); });
const settle = async () => { await sim.waitForCallbacks(10_000); await pond.app.inbox.drain(); };

describe('handover', () => {
  it('rejects bad input, naming the field', async () => {
    const same = await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: from });
    expect(same.body.error.field).toBe('takeoverUserid');
    const wrongKind = await pond.api('POST', '/api/handover/preview', { kind: 'resigned', handoverUserid: from, takeoverUserid: to });
    expect(wrongKind.body.error.field).toBe('kind');
    const longMsg = await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: to, message: 'x'.repeat(201) });
    expect(longMsg.body.error.field).toBe('message');
  });

  it("chooses customers by a saved segment: only the handing-over member's customers who are in it", async () => {
    const all = (await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: to })).body.customers;
    const females = { op: 'and', conditions: [{ type: 'gender', values: [2] }] };
    const seg = await pond.api('POST', '/api/segments', { name: '女性客户', rule: females });
    expect(seg.status, JSON.stringify(seg.body)).toBe(200);
    const r = await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: to, segmentId: seg.body.id });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { rows } = await pond.app.pool.query(`SELECT external_userid FROM customers WHERE corp_id = $1 AND gender = 2`, [pond.corpId]);
    const female = new Set(rows.map((x) => x.external_userid));
    const want = all.filter((c: any) => female.has(c.externalUserid)).map((c: any) => c.externalUserid).sort();
    expect(want.length).toBeGreaterThan(0);
    expect(want.length).toBeLessThan(all.length);
    expect(r.body.customers.map((c: any) => c.externalUserid).sort()).toEqual(want);
    expect((await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: to, segmentId: 999999 })).body.error.field).toBe('segmentId');
  });

  it('moves customers in WeCom, records a refusal, and applies takeovers after 24 h', async () => {
    const preview = await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: to });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const three = preview.body.customers.slice(0, 3).map((c: any) => c.externalUserid);
    expect(three).toHaveLength(3);
    const job = await pond.api('POST', '/api/handover/jobs', { kind: 'onjob', handoverUserid: from, takeoverUserid: to, message: '您好，我是新的专属顾问', externalUserids: three });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    const started = await waitFor(async () => {
      const j = (await pond.api('GET', `/api/handover/jobs/${job.body.id}`)).body;
      return j.status === 'waiting' ? j : null;
    }, { timeoutMs: 20_000 });
    expect(started.items.every((i: any) => i.status === 'waiting')).toBe(true);
    await sim.refuseTransfer(three[0]);
    await sim.advanceTime(25 * 3600 * 1000);
    await settle();
    const after = await pond.api('POST', `/api/handover/jobs/${job.body.id}/refresh`);
    const byId = Object.fromEntries(after.body.items.map((i: any) => [i.id, i.status]));
    expect(byId[three[0]]).toBe('refused');
    expect(byId[three[1]]).toBe('done');
    expect(after.body.status).toBe('done');
    const { rows } = await pond.app.pool.query(`SELECT status FROM follows WHERE corp_id = $1 AND external_userid = $2 AND userid = $3`, [pond.corpId, three[1], to]);
    expect(rows[0].status).toBe('active');
    moved = three[1];
  });

  it('shows a customer transferred twice in 90 days as not eligible', async () => {
    const c = { external_userid: moved }; // already moved once, from → to
    const back = await pond.api('POST', '/api/handover/jobs', { kind: 'onjob', handoverUserid: to, takeoverUserid: from, externalUserids: [c.external_userid] });
    await waitFor(async () => (await pond.api('GET', `/api/handover/jobs/${back.body.id}`)).body.status !== 'running', { timeoutMs: 20_000 });
    await sim.advanceTime(25 * 3600 * 1000);
    await settle();
    await pond.api('POST', `/api/handover/jobs/${back.body.id}/refresh`);
    const preview = await pond.api('POST', '/api/handover/preview', { kind: 'onjob', handoverUserid: from, takeoverUserid: to, externalUserids: [c.external_userid] });
    expect(preview.body.customers[0]).toMatchObject({ eligible: false, transfers90d: 2 });
  });
});
