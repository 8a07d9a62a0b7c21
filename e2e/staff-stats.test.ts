// In a browser: the staff dashboard (数据 → 员工) shows the leaderboard ordered by the metric picked, and group health
// (数据 → 群健康) flags a silent group with its revival playbook link, which opens a prefilled group playbook form.
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('staff stats in a browser', () => {
  const ctx = browserPond();

  it('opens the staff dashboard, sees the leaderboard, re-ranks it, and revives a silent group', async () => {
    const { pond, browser } = ctx;
    const db = pond.app.pool;
    await pond.app.queue.boss.offWork('staffStats.tick');
    const r = await pond.api('POST', '/api/staff-stats/backfill', { days: 7 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await pond.app.staffStats.workRuns()).toBe(7);
    // The period's leader by chats, as Pond stored them.
    const leader = async (col: string) => (await db.query(
      `SELECT s.name, sum(${col})::int AS n FROM staff_daily_stats d JOIN staff s ON s.corp_id = d.corp_id AND s.userid = d.userid
        WHERE d.corp_id = $1 AND d.day BETWEEN $2::date AND $3::date GROUP BY d.userid, s.name ORDER BY n DESC, d.userid LIMIT 1`, [pond.corpId, r.body.from, r.body.to])).rows[0];
    const byChats = await leader('coalesce(d.chat_cnt, 0)');
    expect(byChats.n, 'the demo has 1:1 chats in its past days').toBeGreaterThan(0);

    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/`);
    await page.getByText('数据', { exact: true }).click();
    await page.locator('li[data-menu-id$="/stats/staff"]').click();
    await page.waitForURL(/\/stats\/staff/);
    await page.goto(`${pond.baseUrl}/stats/staff?from=${r.body.from}&to=${r.body.to}&metric=chatCnt`);
    const firstRow = page.getByTestId('leaderboard').locator('tbody tr.ant-table-row').first();
    await expect.poll(() => firstRow.innerText(), { timeout: 15_000 }).toContain(byChats.name);
    expect(await page.getByTestId('leaderboard').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(3);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/staff-stats-leaderboard.png', fullPage: true });

    // A group whose owner's groups were silent all week, with nobody joining: flagged, with its revival playbook.
    const { rows: [g] } = await db.query(`SELECT chat_id, name, owner_userid FROM groups WHERE corp_id = $1 ORDER BY chat_id LIMIT 1`, [pond.corpId]);
    await db.query(`UPDATE group_owner_stats SET chat_has_msg = 0 WHERE corp_id = $1 AND owner_userid = $2`, [pond.corpId, g.owner_userid]);
    await db.query(`INSERT INTO group_owner_stats (corp_id, owner_userid, day, chat_total) SELECT $1, $2, d::date, 1 FROM generate_series($3::date - 10, $3::date, '1 day') d
                    ON CONFLICT DO NOTHING`, [pond.corpId, g.owner_userid, r.body.to]);
    await db.query(`UPDATE group_daily_stats SET joins = 0 WHERE corp_id = $1 AND chat_id = $2`, [pond.corpId, g.chat_id]);
    await page.goto(`${pond.baseUrl}/stats/groups?from=${r.body.from}&to=${r.body.to}&flag=silent`);
    const row = page.getByTestId('group-health').locator('tr', { hasText: g.name });
    await row.getByText('沉默').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: 'test-results/staff-stats-group-health.png', fullPage: true });
    await row.getByText('激活剧本').click();
    await page.waitForURL(/\/playbooks\/new\?kind=group/);
    await expect.poll(() => page.locator('input#name').inputValue()).toContain(g.name);
  });
});
