// The corp's time zone: set in settings (an IANA zone, checked), returned by /api/me, handed to the
// simulator's phone and WeCom client, and used for the days the server counts (overview, code stats).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checklistSummary } from '../src/modules/settings';
import { dayIn, formatDateTime } from '../src/platform/time';
import { startTestPond, type TestPond } from './helpers';

let pond: TestPond;
beforeAll(async () => { pond = await startTestPond(); });
afterAll(async () => { await pond?.close(); });

const setZone = (timezone: unknown) => pond.api('PUT', '/api/settings/corp', { timezone });

describe('corp time zone', () => {
  it('defaults to Asia/Shanghai, accepts IANA zones only, and reaches /api/me and the simulator', async () => {
    expect((await pond.api('GET', '/api/me')).body.corp.timezone).toBe('Asia/Shanghai');
    for (const bad of ['Mars/Olympus', '+08:00', 'CST', '', 'Asia/Shanghai; DROP TABLE corps']) {
      const res = await setZone(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.field, bad).toBe('timezone');
    }
    const ok = await setZone('Europe/Berlin');
    expect(ok.status).toBe(200);
    expect(ok.body.timezone).toBe('Europe/Berlin');
    expect((await pond.api('GET', '/api/me')).body.corp.timezone).toBe('Europe/Berlin');
    expect((await pond.app.sim!.control.getCorp(pond.corpId))!.timezone).toBe('Europe/Berlin');
    await setZone('Asia/Shanghai');
  });

  it("counts the overview's and a live code's days in the corp's zone", async () => {
    const staff = (await pond.app.pool.query(`SELECT userid FROM staff WHERE corp_id = $1 AND is_follow_user ORDER BY userid LIMIT 1`, [pond.corpId])).rows[0].userid;
    const code = await pond.api('POST', '/api/live-codes', { kind: 'staff', name: '时区活码', channel: 'tz', pool: [{ userid: staff }] });
    expect(code.status).toBe(200);
    // 14 h ahead of UTC and 11 h behind it: at any moment one of them is on another day than Shanghai.
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      expect((await setZone(tz)).status).toBe(200);
      const today = dayIn(new Date(), tz);
      const overview = await pond.api('GET', '/api/overview');
      expect(overview.body.daily.at(-1).date, tz).toBe(today);
      const stats = await pond.api('GET', `/api/live-codes/${code.body.id}/stats`);
      expect(stats.body.to, tz).toBe(today);
      // A schedule without a zone takes the corp's.
      const scheduled = await pond.api('PATCH', `/api/live-codes/${code.body.id}`, { schedule: { weekly: [{ day: 1, start: '09:00', end: '18:00' }], exceptions: [] } });
      expect(scheduled.body.schedule.timezone, tz).toBe(tz);
    }
    await setZone('Asia/Shanghai');
  });

  it("writes exports' times in the corp's zone, as the console shows them", async () => {
    expect((await setZone('America/New_York')).status).toBe(200);
    const res = await fetch(`${pond.baseUrl}/api/customers.csv`, { headers: { authorization: `Bearer ${pond.token}` } });
    const csv = await res.text();
    expect(csv).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const { rows: [c] } = await pond.app.pool.query('SELECT external_userid, first_added_at FROM customers WHERE corp_id = $1 AND first_added_at IS NOT NULL ORDER BY external_userid LIMIT 1', [pond.corpId]);
    const line = csv.split('\r\n').find((l) => l.startsWith(c.external_userid))!;
    expect(line).toContain(formatDateTime(c.first_added_at, 'America/New_York'));
    await setZone('Asia/Shanghai');
  });

  it("writes the checklist's times in the corp's zone, and its summary is its worst row", async () => {
    await pond.app.pool.query(`UPDATE corps SET token_ok_at = '2025-01-31T20:30:00Z' WHERE id = $1`, [pond.corpId]);
    expect((await setZone('America/New_York')).status).toBe(200);
    const { body } = await pond.api('GET', '/api/settings/checklist');
    const token = body.items.find((i: { key: string }) => i.key === 'token');
    expect(token.detail).toBe(`最近成功 ${formatDateTime(new Date('2025-01-31T20:30:00Z'), 'America/New_York')} / last OK 2025-01-31 15:30`);
    expect(JSON.stringify(body.items)).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(body.summary).toEqual(checklistSummary(body.items));
    await setZone('Asia/Shanghai');

    expect(checklistSummary([{ status: 'ok' }, { status: 'ok' }])).toEqual({ status: 'ok', ok: 2, pending: 0, problems: 0 });
    expect(checklistSummary([{ status: 'ok' }, { status: 'pending' }])).toEqual({ status: 'pending', ok: 1, pending: 1, problems: 0 });
    expect(checklistSummary([{ status: 'pending' }, { status: 'warn' }, { status: 'ok' }]).status).toBe('warn');
    expect(checklistSummary([{ status: 'warn' }, { status: 'error' }])).toEqual({ status: 'error', ok: 0, pending: 0, problems: 2 });
    expect(checklistSummary([]).status).toBe('pending');
  });
});
