// In a browser: build a group segment, see its live count, save it, and open a group from it.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, addSegmentCondition, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('group segments in a browser', () => {
  const ctx = browserPond();

  it('builds a group segment, sees the count, and opens a group from it', async () => {
    const { pond, browser } = ctx;
    const db = pond.app.pool;
    await db.query(`UPDATE groups SET tier = 'VIP' WHERE corp_id = $1 AND name LIKE '%VIP%'`, [pond.corpId]);
    const count = async (sql: string) => (await db.query(`SELECT count(*)::int AS n FROM groups WHERE corp_id = $1 AND status = 'active' ${sql}`, [pond.corpId])).rows[0].n as number;
    const active = await count('');
    const vipBig = await count(`AND tier = 'VIP' AND member_count >= 10`);
    expect(vipBig).toBeGreaterThan(0);
    expect(vipBig).toBeLessThan(active);

    const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/group-segments`);
    // The builder starts with "status: active".
    await expect.poll(() => page.getByTestId('segment-count').innerText(), { timeout: 15_000 }).toBe(String(active));
    await expect.poll(() => page.getByTestId('group-stats-through').innerText()).toContain('活跃度数据截至');

    await addSegmentCondition(page, '群分层');
    await page.getByTestId('group-segment-tiers').click();
    await page.locator('.ant-select-item-option', { hasText: 'VIP' }).click();
    await page.keyboard.press('Escape');
    await addSegmentCondition(page, '群人数');
    await page.getByTestId('group-segment-min').fill('10');
    await expect.poll(() => page.getByTestId('segment-count').innerText(), { timeout: 15_000 }).toBe(String(vipBig));

    await page.getByTestId('segment-name').fill('VIP 大群');
    await page.getByTestId('segment-save').click();
    await page.getByTestId('segment-member-row').first().waitFor();
    expect(await page.getByTestId('segment-member-row').count()).toBe(vipBig);
    if (process.env.SCREENSHOT) {
      await addSegmentCondition(page, '活跃度');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    }

    await page.getByTestId('segment-sample-row').first().click();
    await page.waitForURL(/\/groups\/wr/);
    await page.getByText('VIP').first().waitFor();
  });
});
