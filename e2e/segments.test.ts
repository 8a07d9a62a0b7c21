// In a browser: build a segment, see its live count, and open a customer from it.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, browserPond, signIn } from './browser';

describe.skipIf(!CHROMIUM)('segments in a browser', () => {
  const ctx = browserPond();

  it('builds a segment, sees the count, and opens a customer from it', async () => {
    const { pond, browser } = ctx;
    const { rows: [w] } = await pond.app.pool.query(`SELECT count(*)::int AS n FROM customers WHERE corp_id = $1 AND active_follow_count > 0 AND gender = 2`, [pond.corpId]);
    expect(w.n).toBeGreaterThan(0);
    const page = await browser.newPage({ locale: 'zh-CN' });
    await signIn(page, pond);
    await page.goto(`${pond.baseUrl}/segments`);
    await page.getByTestId('segment-condition-type').click();
    await page.locator('.ant-select-item-option', { hasText: '性别' }).click();
    await page.getByTestId('segment-add-condition').click();
    await page.getByLabel('女').check();
    await expect.poll(() => page.getByTestId('segment-count').innerText(), { timeout: 15_000 }).toContain(String(w.n));
    const first = page.getByTestId('segment-sample-row').first();
    await first.click();
    await page.waitForURL(/\/customers\/wm/);
    await page.getByTestId('timeline-item').first().waitFor();
  });
});
